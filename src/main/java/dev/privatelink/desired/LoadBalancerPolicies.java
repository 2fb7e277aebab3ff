package dev.privatelink.desired;

import static dev.privatelink.desired.NetworkPolicies.INGRESS;

import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceSpec.NetworkPolicyMode;
import dev.privatelink.api.LoadBalancerAddress;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * Owner side: one NetworkPolicy per load balancer of an endpoint service, in the owner's
 * namespace and owned by the endpoint service. It selects the pods behind the load balancer and
 * admits, on its target ports, only the forwarder pods of the consumer namespaces whose
 * connections carry or may resume traffic. Not "the operator's namespace": every forwarder runs
 * there, including those of namespaces the owner never accepted.
 */
public final class LoadBalancerPolicies {
    private LoadBalancerPolicies() {}

    /**
     * @param resolution         the load balancers as resolved; none while they do not resolve
     * @param consumerNamespaces the namespaces whose forwarders may connect
     * @param operatorNamespace  where the forwarders run
     * @param gateway            whether this cluster's gateway pods (in the operator's namespace) may
     *                           connect too: a peer cluster's connection carries traffic
     */
    public static List<NetworkPolicy> of(
            EndpointService es,
            LoadBalancers.Resolution resolution,
            SortedSet<String> consumerNamespaces,
            String operatorNamespace,
            boolean gateway) {
        if (!enabled(es) || !resolution.resolved()) {
            return List.of();
        }
        return resolution.loadBalancers().stream()
                .filter(lb ->
                        lb.getPodSelector() != null && !lb.getPodSelector().isEmpty())
                .map(lb -> policy(es, lb, consumerNamespaces, operatorNamespace, gateway))
                .toList();
    }

    /**
     * On unless the owner opts out. A value this operator does not know keeps the policies: the
     * stricter reading (the spec problem is reported).
     */
    static boolean enabled(EndpointService es) {
        return es.getSpec() == null || es.getSpec().getNetworkPolicy() != NetworkPolicyMode.Disabled;
    }

    private static NetworkPolicy policy(
            EndpointService es,
            LoadBalancerAddress lb,
            SortedSet<String> consumers,
            String operatorNamespace,
            boolean gateway) {
        List<NetworkPolicyIngressRule> ingress = new ArrayList<>();
        if (!consumers.isEmpty()) {
            ingress.add(fromForwarders(lb, consumers, operatorNamespace));
        }
        if (gateway) {
            ingress.add(new NetworkPolicyIngressRuleBuilder()
                    .withFrom(NetworkPolicies.podsIn(
                            operatorNamespace,
                            new LabelSelectorBuilder()
                                    .withMatchLabels(Map.of(Labels.COMPONENT, Labels.COMPONENT_GATEWAY))
                                    .build()))
                    .withPorts(NetworkPolicies.tcp(lb.getTargetPorts()))
                    .build());
        }
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName(Names.loadBalancerPolicy(lb.getName()))
                .withNamespace(es.getMetadata().getNamespace())
                .withLabels(Labels.managed(Labels.COMPONENT_LOAD_BALANCER_POLICY))
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(es.getApiVersion())
                        .withKind(es.getKind())
                        .withName(es.getMetadata().getName())
                        .withUid(es.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build())
                .endMetadata()
                .withNewSpec()
                .withPodSelector(NetworkPolicies.matching(lb.getPodSelector()))
                .withPolicyTypes(INGRESS)
                // No consumer yet: no rule, so the pods admit nothing (an In without values is invalid).
                .withIngress(ingress)
                .endSpec()
                .build();
    }

    private static NetworkPolicyIngressRule fromForwarders(
            LoadBalancerAddress lb, SortedSet<String> consumers, String operatorNamespace) {
        LabelSelector forwarders = new LabelSelectorBuilder()
                .withMatchLabels(Labels.managed(Labels.COMPONENT_FORWARDER))
                .addNewMatchExpression()
                .withKey(Labels.CONSUMER_NAMESPACE)
                .withOperator("In")
                .withValues(List.copyOf(consumers))
                .endMatchExpression()
                .build();
        return new NetworkPolicyIngressRuleBuilder()
                .withFrom(NetworkPolicies.podsIn(operatorNamespace, forwarders))
                .withPorts(NetworkPolicies.tcp(lb.getTargetPorts()))
                .build();
    }
}
