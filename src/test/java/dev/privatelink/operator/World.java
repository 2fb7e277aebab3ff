package dev.privatelink.operator;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerSpec;
import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceSpec;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointSpec;
import dev.privatelink.api.LoadBalancerRef;
import dev.privatelink.api.NamespaceSelector;
import dev.privatelink.api.Principal;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.api.ServicePermissionSpec;
import dev.privatelink.desired.ConsumerNamespace;
import dev.privatelink.desired.Labels;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Creates the objects an operator test starts from, the way a user or the cluster would. */
final class World {
    private final KubernetesClient client;

    World(KubernetesClient client) {
        this.client = client;
    }

    void namespace(String name, Map<String, String> labels) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(labels)
                        .endMetadata()
                        .build())
                .createOr(n -> n.update());
    }

    void namespace(String name) {
        namespace(name, Map.of());
    }

    void loadBalancer(String namespace, String name, String clusterIp, int... ports) {
        client.services()
                .resource(new ServiceBuilder()
                        .withNewMetadata()
                        .withNamespace(namespace)
                        .withName(name)
                        .endMetadata()
                        .withNewSpec()
                        .withClusterIP(clusterIp)
                        .withSelector(Map.of("app", name))
                        .withPorts(Arrays.stream(ports)
                                .mapToObj(p -> new ServicePortBuilder()
                                        .withName("p" + p)
                                        .withProtocol("TCP")
                                        .withPort(p)
                                        .build())
                                .toList())
                        .endSpec()
                        .build())
                .create();
    }

    EndpointService endpointService(
            String namespace, String name, UnaryOperator<EndpointServiceSpec> customize, String... loadBalancers) {
        EndpointServiceSpec spec = new EndpointServiceSpec();
        List<LoadBalancerRef> refs = new ArrayList<>();
        for (String lb : loadBalancers) {
            refs.add(new LoadBalancerRef(lb, 1));
        }
        spec.setLoadBalancers(refs);
        EndpointService es = new EndpointService();
        es.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        es.setSpec(customize.apply(spec));
        return client.resource(es).create();
    }

    EndpointService endpointService(String namespace, String name, String... loadBalancers) {
        return endpointService(namespace, name, s -> s, loadBalancers);
    }

    ServicePermission permission(
            String namespace, String name, String endpointService, boolean autoAccept, Principal... principals) {
        ServicePermissionSpec spec = new ServicePermissionSpec();
        spec.setEndpointService(endpointService);
        spec.setAutoAccept(autoAccept);
        spec.setPrincipals(List.of(principals));
        ServicePermission p = new ServicePermission();
        p.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        p.setSpec(spec);
        return client.resource(p).create();
    }

    static Principal selector(String key, String value) {
        return Principal.selector(NamespaceSelector.matchLabels(Map.of(key, value)));
    }

    InterfaceEndpoint endpoint(String namespace, String name, String serviceName, Integer... ports) {
        InterfaceEndpointSpec spec = new InterfaceEndpointSpec();
        spec.setServiceName(serviceName);
        if (ports.length > 0) {
            spec.setPorts(List.of(ports));
        }
        InterfaceEndpoint ep = new InterfaceEndpoint();
        ep.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        ep.setSpec(spec);
        return client.resource(ep).create();
    }

    /**
     * Replaces the owner's decisions, as a kubectl apply of the edited manifest would: a JSON
     * patch of the spec field alone, without the resource version (edit() locks on it, and would
     * lose to the operator's status writes, which a person's apply does not).
     */
    void decide(String namespace, String endpointService, ConnectionDecision... decisions) {
        patchSpec(namespace, endpointService, "connections", List.of(decisions));
    }

    /** Sets one field of an endpoint service's spec, as {@link #decide} does. */
    void patchSpec(String namespace, String endpointService, String field, Object value) {
        String patch = client.getKubernetesSerialization()
                .asJson(List.of(Map.of("op", "add", "path", "/spec/" + field, "value", value)));
        client.resources(EndpointService.class)
                .inNamespace(namespace)
                .withName(endpointService)
                .patch(PatchContext.of(PatchType.JSON), patch);
    }

    void node(String name, String zone) {
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(Map.of(Labels.ZONE_NODE_LABEL, zone))
                        .endMetadata()
                        .build())
                .create();
    }

    /** What the kubelet would report for a forwarder pod of a consumer namespace. */
    void forwarderPod(String consumerNamespace, String podName, String ip, String node, boolean ready) {
        forwarderPod(TestSettings.OPERATOR_NAMESPACE, consumerNamespace, podName, ip, node, ready);
    }

    void forwarderPod(
            String operatorNamespace, String consumerNamespace, String podName, String ip, String node, boolean ready) {
        client.pods()
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withNamespace(operatorNamespace)
                        .withName(podName)
                        .withLabels(Map.of(
                                Labels.MANAGED_BY,
                                Labels.MANAGED_BY_VALUE,
                                Labels.COMPONENT,
                                Labels.COMPONENT_FORWARDER,
                                Labels.CONSUMER_NAMESPACE,
                                consumerNamespace))
                        .endMetadata()
                        .withNewSpec()
                        .withNodeName(node)
                        .addNewContainer()
                        .withName("forwarder")
                        .withImage("x")
                        .endContainer()
                        .endSpec()
                        .withNewStatus()
                        .withPodIP(ip)
                        .addNewCondition()
                        .withType("Ready")
                        .withStatus(ready ? "True" : "False")
                        .endCondition()
                        .endStatus()
                        .build())
                .createOr(p -> p.update());
    }

    /** The forwarder objects' name for a namespace, which its UID decides. */
    String forwarderName(String consumerNamespace) {
        return ConsumerNamespace.of(
                        client.namespaces().withName(consumerNamespace).get())
                .forwarderName();
    }

    /** A ClusterPeer as a cluster admin creates it. */
    ClusterPeer clusterPeer(String name, Consumer<ClusterPeerSpec> customize) {
        ClusterPeerSpec spec = new ClusterPeerSpec();
        customize.accept(spec);
        ClusterPeer peer = new ClusterPeer();
        peer.setMetadata(new ObjectMetaBuilder().withName(name).build());
        peer.setSpec(spec);
        return client.resource(peer).create();
    }
}
