package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceSpec.NetworkPolicyMode;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.LoadBalancerAddress;
import dev.privatelink.api.LoadBalancerRef;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.ids.Ids;
import dev.privatelink.operator.TestSettings;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decisions behind the NetworkPolicies, one at a time (the golden files show them whole). */
class NetworkPolicyPlansTest {

    static Service service(String name, Map<String, String> selector, IntOrString targetPort) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withNamespace("payments")
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withClusterIP("10.96.0.10")
                .withSelector(selector)
                .addNewPort()
                .withPort(443)
                .withProtocol("TCP")
                .withTargetPort(targetPort)
                .endPort()
                .addNewPort()
                .withPort(80)
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build();
    }

    static EndpointService es(LoadBalancerRef... refs) {
        EndpointService es = PlanGoldenTest.endpointService();
        es.getSpec().setLoadBalancers(List.of(refs));
        es.getSpec().setPorts(List.of(443));
        return es;
    }

    /** An endpoint service with the status its reconcile publishes. */
    static EndpointService resolved(Map<String, Service> services, LoadBalancerRef... refs) {
        EndpointService es = es(refs);
        es.setStatus(EndpointServicePlan.of(world(es, services, List.of())).status());
        return es;
    }

    static final Map<String, Service> BLUE =
            Map.of("blue", service("blue", Map.of("app", "api"), new IntOrString(443)));

    static EndpointService blue() {
        return resolved(BLUE, new LoadBalancerRef("blue", 1));
    }

    static EndpointServiceWorld world(EndpointService es, Map<String, Service> services, List<InterfaceEndpoint> eps) {
        return new EndpointServiceWorld(
                es,
                services,
                Map.of(),
                eps,
                "cluster.local",
                false,
                TestSettings.OPERATOR_NAMESPACE,
                PlanGoldenTest.NOW);
    }

    static NetworkPolicy forwarderPolicy(EndpointService es, OperatorSettings settings, ConnectionState state) {
        InterfaceEndpoint ep = PlanGoldenTest.routable("shop", "u-1", state);
        return ForwarderPolicies.of(
                new ForwarderWorld(
                        PlanGoldenTest.SHOP,
                        List.of(ep),
                        Map.of(Ids.serviceName(PlanGoldenTest.SERVICE_UID), es),
                        ForwarderConfig.EMPTY,
                        FreedPorts.NONE,
                        PlanGoldenTest.NOW),
                settings);
    }

    static List<NetworkPolicyEgressRule> upstreamRules(NetworkPolicy policy) {
        // DNS and the API server come first
        return policy.getSpec()
                .getEgress()
                .subList(2, policy.getSpec().getEgress().size());
    }

    // --- what the load balancers publish ---

    @Test
    void aLoadBalancerPublishesItsPodsAndTheTargetPortsOfTheOfferedPortsOnly() {
        var r = LoadBalancers.resolve(
                es(new LoadBalancerRef("api", 1)),
                n -> Optional.of(service(n, Map.of("app", "api"), new IntOrString("https"))),
                n -> Optional.empty(),
                "cluster.local",
                false);

        assertThat(r.upstreams()).singleElement().satisfies(lb -> {
            assertThat(lb.getPodSelector()).isEqualTo(Map.of("app", "api"));
            assertThat(lb.getTargetPorts()).containsExactly(new IntOrString("https"));
        });
    }

    @Test
    void aTargetPortLeftOutIsThePortItself() {
        Service lb = service("api", Map.of("app", "api"), null);
        assertThat(LoadBalancers.targetPorts(lb, List.of(443, 80)))
                .containsExactly(new IntOrString(443), new IntOrString(80));
        lb.getSpec().getPorts().get(0).setTargetPort(new IntOrString(8443));
        assertThat(LoadBalancers.targetPorts(lb, List.of(443))).containsExactly(new IntOrString(8443));
    }

    @Test
    void aServiceWithoutSelectorHasNoPodsToName() {
        // Only where the admin allows selector-less load balancers at all (SEC-02).
        var r = LoadBalancers.resolve(
                es(new LoadBalancerRef("api", 1)),
                n -> Optional.of(service(n, Map.of(), new IntOrString(443))),
                n -> Optional.empty(),
                "cluster.local",
                true);

        assertThat(r.upstreams()).singleElement().satisfies(lb -> {
            assertThat(lb.getPodSelector()).isNull();
            assertThat(lb.getTargetPorts()).isNull();
        });
    }

    // --- the forwarder's policy ---

    @Test
    void apiServerCidrsBecomeIpBlocksOnTheApiServersPorts() {
        OperatorSettings settings = TestSettings.with(Map.of(
                "privatelink.network-policy.api-server-cidrs", "172.20.0.10/32,fd00::1/128",
                "privatelink.network-policy.api-server-ports", "6443"));
        NetworkPolicy policy = forwarderPolicy(blue(), settings, ConnectionState.Available);

        NetworkPolicyEgressRule apiServer = policy.getSpec().getEgress().get(1);
        assertThat(apiServer.getTo())
                .extracting(peer -> peer.getIpBlock().getCidr())
                .containsExactly("172.20.0.10/32", "fd00::1/128");
        assertThat(apiServer.getPorts()).extracting(NetworkPolicyPort::getPort).containsExactly(new IntOrString(6443));
    }

    @Test
    void noApiServerCidrMeansAnyAddressOnTheApiServersPorts() {
        OperatorSettings settings = TestSettings.with(Map.of("privatelink.network-policy.api-server-cidrs", ""));
        assertThat(settings.networkPolicy().apiServerCidrs()).isEmpty();

        NetworkPolicyEgressRule apiServer = forwarderPolicy(blue(), settings, ConnectionState.Available)
                .getSpec()
                .getEgress()
                .get(1);
        assertThat(apiServer.getTo()).isEmpty();
        assertThat(apiServer.getPorts())
                .extracting(NetworkPolicyPort::getPort)
                .containsExactly(new IntOrString(443), new IntOrString(6443));
    }

    @Test
    void theDnsPodsAreConfigurable() {
        OperatorSettings settings = TestSettings.with(Map.of(
                "privatelink.network-policy.dns-namespace", "openshift-dns",
                "privatelink.network-policy.dns-pod-labels", "dns.operator.openshift.io/daemonset-dns=default",
                "privatelink.network-policy.dns-port", "5353"));

        NetworkPolicyEgressRule dns = forwarderPolicy(blue(), settings, ConnectionState.Available)
                .getSpec()
                .getEgress()
                .get(0);
        NetworkPolicyPeer peer = dns.getTo().get(0);
        assertThat(peer.getNamespaceSelector().getMatchLabels())
                .isEqualTo(Map.of(Labels.NAMESPACE_NAME, "openshift-dns"));
        assertThat(peer.getPodSelector().getMatchLabels())
                .isEqualTo(Map.of("dns.operator.openshift.io/daemonset-dns", "default"));
        assertThat(dns.getPorts())
                .extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                .containsExactly("UDP/5353", "TCP/5353");
    }

    @Test
    void labelPairsAreParsedStrictly() {
        assertThat(ForwarderPolicies.labels(" a=b, c = d ,")).isEqualTo(Map.of("a", "b", "c", "d"));
        assertThat(ForwarderPolicies.labels("")).isEmpty();
        assertThatThrownBy(() -> ForwarderPolicies.labels("k8s-app")).hasMessageContaining("k8s-app");
    }

    @Test
    void loadBalancersOnTheSamePodsShareOneRuleAndOthersGetTheirOwn() {
        Map<String, Service> services = Map.of(
                "blue", service("blue", Map.of("app", "api"), new IntOrString("https")),
                "blue-alias", service("blue-alias", Map.of("app", "api"), new IntOrString(8443)),
                "green", service("green", Map.of("app", "api-green"), new IntOrString(9443)));
        EndpointService es = resolved(
                services,
                new LoadBalancerRef("blue", 1),
                new LoadBalancerRef("blue-alias", 1),
                new LoadBalancerRef("green", 1));

        List<NetworkPolicyEgressRule> rules =
                upstreamRules(forwarderPolicy(es, TestSettings.defaults(), ConnectionState.Available));

        assertThat(rules)
                .extracting(rule -> rule.getTo().get(0).getPodSelector().getMatchLabels() + " "
                        + rule.getPorts().stream()
                                .map(p -> p.getPort().getValue())
                                .toList())
                .containsExactlyInAnyOrder("{app=api} [8443, https]", "{app=api-green} [9443]");
    }

    @Test
    void aForwarderReachesNoLoadBalancerForAConnectionWithoutTraffic() {
        EndpointService es = blue();

        assertThat(upstreamRules(forwarderPolicy(es, TestSettings.defaults(), ConnectionState.Rejected)))
                .isEmpty();
        assertThat(upstreamRules(forwarderPolicy(es, TestSettings.defaults(), ConnectionState.Suspended)))
                .hasSize(1);
    }

    @Test
    void aLoadBalancerWithoutPodsGetsNoEgressRule() {
        EndpointService es = blue();
        es.getStatus().setUpstreams(List.of(new LoadBalancerAddress("external", "db.example.com", 1)));

        assertThat(upstreamRules(forwarderPolicy(es, TestSettings.defaults(), ConnectionState.Available)))
                .isEmpty();
    }

    // --- the owner's policies ---

    static List<NetworkPolicy> ownerPolicies(
            EndpointService es, Map<String, Service> services, InterfaceEndpoint... eps) {
        return EndpointServicePlan.of(world(es, services, List.of(eps))).networkPolicies();
    }

    static final Map<String, Service> BLUE_AND_IDLE_GREEN = Map.of(
            "blue", service("blue", Map.of("app", "api"), new IntOrString(443)),
            "green", service("green", Map.of("app", "api-green"), new IntOrString(443)));

    static EndpointService blueAndIdleGreen() {
        EndpointService es = PlanGoldenTest.endpointService();
        es.getSpec().setLoadBalancers(List.of(new LoadBalancerRef("blue", 1), new LoadBalancerRef("green", 0)));
        return es;
    }

    @Test
    void everyLoadBalancerIsFencedEvenOneThatTakesNoTrafficYet() {
        assertThat(ownerPolicies(blueAndIdleGreen(), BLUE_AND_IDLE_GREEN))
                .extracting(p -> p.getMetadata().getName())
                .containsExactly("privatelink-blue", "privatelink-green");
    }

    @Test
    void withoutConnectionsTheLoadBalancersPodsAdmitNothing() {
        assertThat(ownerPolicies(blueAndIdleGreen(), BLUE_AND_IDLE_GREEN)).allSatisfy(p -> {
            assertThat(p.getSpec().getPolicyTypes()).containsExactly("Ingress");
            assertThat(p.getSpec().getIngress()).isEmpty();
        });
    }

    @Test
    void theForwardersOfNamespacesWithTrafficAreAdmittedOnce() {
        List<NetworkPolicy> policies = ownerPolicies(
                blueAndIdleGreen(),
                BLUE_AND_IDLE_GREEN,
                PlanGoldenTest.routable("shop", "u-1", ConnectionState.Available),
                PlanGoldenTest.routable("shop", "u-2", ConnectionState.Suspended),
                PlanGoldenTest.routable("billing", "u-3", ConnectionState.Terminated),
                PlanGoldenTest.connected("queue", "u-4", ConnectionState.PendingAcceptance));

        assertThat(policies.get(0)
                        .getSpec()
                        .getIngress()
                        .get(0)
                        .getFrom()
                        .get(0)
                        .getPodSelector()
                        .getMatchExpressions())
                .singleElement()
                .satisfies(e -> assertThat(e.getValues()).containsExactly("shop"));
    }

    @Test
    void anOwnerWhoOptsOutGetsNoPolicy() {
        EndpointService es = blueAndIdleGreen();
        es.getSpec().setNetworkPolicy(NetworkPolicyMode.Disabled);

        assertThat(ownerPolicies(es, BLUE_AND_IDLE_GREEN)).isEmpty();
    }

    @Test
    void aValueThisOperatorDoesNotKnowKeepsThePoliciesAndIsReported() {
        EndpointService es = blueAndIdleGreen();
        es.getSpec().setNetworkPolicy(null);

        assertThat(ownerPolicies(es, BLUE_AND_IDLE_GREEN)).hasSize(2);
        assertThat(SpecProblems.of(es.getSpec())).singleElement().asString().startsWith("spec.networkPolicy");
    }

    @Test
    void loadBalancersThatDoNotResolveAreNotFenced() {
        assertThat(ownerPolicies(blueAndIdleGreen(), Map.of("blue", BLUE_AND_IDLE_GREEN.get("blue"))))
                .isEmpty();
    }
}
