package dev.privatelink.desired;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.privatelink.api.AllowedWorkloads;
import dev.privatelink.api.Condition;
import dev.privatelink.api.ConditionTypes;
import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceSpec;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointSpec;
import dev.privatelink.api.InterfaceEndpointStatus;
import dev.privatelink.api.LoadBalancerRef;
import dev.privatelink.api.PodSelector;
import dev.privatelink.api.SelectorRequirement;
import dev.privatelink.api.SelectorRequirement.Operator;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import dev.privatelink.ids.Ids;
import dev.privatelink.operator.TestSettings;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What each reconcile decides, scenario by scenario: the objects it writes, the status it reports
 * and the Events it records (golden files under src/test/resources/golden/plans, with a fixed
 * clock). A reviewer reads there what a user sees with kubectl.
 */
class PlanGoldenTest {
    static final ConsumerNamespace SHOP = new ConsumerNamespace("shop", "6f1c2d3e-0000-4000-8000-00000000c0de");

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String ENDPOINT_UID = "3f6c1d2e-0000-4000-8000-000000000001";
    static final String SERVICE_UID = "8a1b2c3d-0000-4000-8000-000000000002";
    static final String ENDPOINT_ID = Ids.endpointId(ENDPOINT_UID);

    static final List<ForwarderPod> PODS = List.of(
            new ForwarderPod("plfwd-shop-1", "privatelink-system", "10.244.1.5", true, false, "zone-a", "node-a"),
            new ForwarderPod("plfwd-shop-2", "privatelink-system", "10.244.2.7", true, false, "zone-b", "node-b"));

    static EndpointService endpointService(ConnectionDecision... decisions) {
        EndpointServiceSpec spec = new EndpointServiceSpec();
        spec.setLoadBalancers(List.of(new LoadBalancerRef("api-blue", 3), new LoadBalancerRef("api-green", 1)));
        spec.setProxyProtocol(EndpointServiceSpec.ProxyProtocol.V2);
        spec.setConnections(List.of(decisions));
        EndpointService es = new EndpointService();
        es.setMetadata(new ObjectMetaBuilder()
                .withNamespace("payments")
                .withName("api")
                .withUid(SERVICE_UID)
                .withGeneration(1L)
                .build());
        es.setSpec(spec);
        return es;
    }

    static InterfaceEndpoint endpoint(ConnectionState previous) {
        InterfaceEndpointSpec spec = new InterfaceEndpointSpec();
        spec.setServiceName(Ids.serviceName(SERVICE_UID));
        InterfaceEndpoint ep = new InterfaceEndpoint();
        ep.setMetadata(new ObjectMetaBuilder()
                .withNamespace("shop")
                .withName("payments")
                .withUid(ENDPOINT_UID)
                .withGeneration(1L)
                .build());
        ep.setSpec(spec);
        if (previous != null) {
            InterfaceEndpointStatus status = new InterfaceEndpointStatus();
            status.setState(previous);
            status.setConditions(List.of(new Condition(
                    ConditionTypes.READY, Condition.FALSE, previous.name(), "before", 1L, "2026-11-30T11:00:00Z")));
            ep.setStatus(status);
        }
        return ep;
    }

    /** The service as {@link #found}, with an owner who restricts the namespace to some ServiceAccounts. */
    static ServiceLookup.Found restrictedTo(Set<String> ownerServiceAccounts, ConnectionDecision... decisions) {
        var found = found(Grant.AUTO_ACCEPT, decisions);
        return new ServiceLookup.Found(
                found.service(),
                found.grant(),
                found.acceptanceRequired(),
                found.decision(),
                found.readyPorts(),
                Optional.of(ownerServiceAccounts));
    }

    static InterfaceEndpoint withPolicy(InterfaceEndpoint ep, AllowedWorkloads policy) {
        ep.getSpec().setAllowedWorkloads(policy);
        return ep;
    }

    static ServiceLookup.Found found(Grant grant, ConnectionDecision... decisions) {
        return new ServiceLookup.Found(
                endpointService(decisions),
                grant,
                true,
                decisions.length == 0 ? Optional.empty() : Optional.of(decisions[0].getDecision()),
                Optional.of(List.of(443)));
    }

    static EndpointWorld world(
            InterfaceEndpoint ep, ServiceLookup lookup, EndpointWorld.ForwarderView forwarder, String address) {
        return new EndpointWorld(
                ep, lookup, true, forwarder, PODS, Map.of(), Set.of(), Optional.ofNullable(address), NOW);
    }

    static EndpointWorld.ForwarderView serving(String endpointId, int port, int listenPort) {
        return new EndpointWorld.ForwarderView(
                new ForwarderConfig(List.of(new Route(
                        endpointId,
                        port,
                        listenPort,
                        List.of(new Upstream("10.96.0.10", port, 3)),
                        ProxyProtocol.V2,
                        RouteState.ACTIVE))),
                Set.of(),
                true);
    }

    static Map<String, Object> render(EndpointPlan plan) {
        Map<String, Object> rendered = new LinkedHashMap<>();
        List<Object> objects = new ArrayList<>(plan.objects().services());
        objects.addAll(plan.objects().slices());
        rendered.put("objects", objects);
        rendered.put("status", plan.status());
        rendered.put(
                "events",
                plan.events().stream()
                        .map(e -> e.type() + " " + e.reason() + " on "
                                + e.regarding().getKind() + " "
                                + e.regarding().getMetadata().getNamespace() + "/"
                                + e.regarding().getMetadata().getName() + ": " + e.message())
                        .toList());
        return rendered;
    }

    @Test
    void aPermittedEndpointWaitsForAcceptance() {
        GoldenFiles.assertMatches(
                "plans/endpoint-pending-acceptance.yaml",
                render(EndpointPlan.of(world(
                        endpoint(null), found(Grant.MANUAL_ACCEPTANCE), EndpointWorld.ForwarderView.NONE, null))));
    }

    @Test
    void anAcceptedEndpointIsAvailableWithAddressesInEveryZone() {
        var accept = new ConnectionDecision(ENDPOINT_ID, null, Decision.Accept);
        GoldenFiles.assertMatches(
                "plans/endpoint-available.yaml",
                render(EndpointPlan.of(world(
                        endpoint(ConnectionState.PendingAcceptance),
                        found(Grant.MANUAL_ACCEPTANCE, accept),
                        serving(ENDPOINT_ID, 443, 10000),
                        "10.96.5.5"))));
    }

    @Test
    void aSuspendedEndpointKeepsItsServicesWithoutAddresses() {
        var suspend = new ConnectionDecision(ENDPOINT_ID, null, Decision.Suspend);
        GoldenFiles.assertMatches(
                "plans/endpoint-suspended.yaml",
                render(EndpointPlan.of(world(
                        endpoint(ConnectionState.Available),
                        found(Grant.AUTO_ACCEPT, suspend),
                        serving(ENDPOINT_ID, 443, 10000),
                        "10.96.5.5"))));
    }

    @Test
    void anEndpointWithoutAListenerPortIsPendingAndSaysWhy() {
        GoldenFiles.assertMatches(
                "plans/endpoint-no-listener-port.yaml",
                render(EndpointPlan.of(world(
                        endpoint(ConnectionState.Available),
                        found(Grant.AUTO_ACCEPT),
                        new EndpointWorld.ForwarderView(ForwarderConfig.EMPTY, Set.of(ENDPOINT_ID), true),
                        "10.96.5.5"))));
    }

    /** SEC-03: the API server refused the forwarder config with this endpoint's routes. */
    @Test
    void anEndpointWhoseRoutesTheApiServerRefusedSaysSo() {
        var refused = new EndpointWorld.ForwarderView(
                ForwarderConfig.EMPTY,
                Set.of(),
                true,
                Set.of(ENDPOINT_ID),
                "HTTP 422: ConfigMap \"plfwd-shop-1c3e5a7b9d0f2468\" is invalid: []: Too long: must have at most"
                        + " 1048576 bytes");
        GoldenFiles.assertMatches(
                "plans/endpoint-forwarder-config-rejected.yaml",
                render(EndpointPlan.of(
                        world(endpoint(ConnectionState.Available), found(Grant.AUTO_ACCEPT), refused, "10.96.5.5"))));
    }

    @Test
    void anAcceptedEndpointWithoutAReadyForwarderIsPending() {
        var notReady = List.of(
                new ForwarderPod("plfwd-shop-1", "privatelink-system", "10.244.1.5", false, false, "zone-a", "node-a"));
        var world = new EndpointWorld(
                endpoint(ConnectionState.Available),
                found(Grant.AUTO_ACCEPT),
                true,
                serving(ENDPOINT_ID, 443, 10000),
                notReady,
                Map.of(443, 10000),
                Set.of("zone-a"),
                Optional.of("10.96.5.5"),
                NOW);
        GoldenFiles.assertMatches("plans/endpoint-no-ready-forwarder.yaml", render(EndpointPlan.of(world)));
    }

    @Test
    void anAcceptedEndpointWaitsForItsListenerPort() {
        GoldenFiles.assertMatches(
                "plans/endpoint-listener-port-pending.yaml",
                render(EndpointPlan.of(
                        world(endpoint(null), found(Grant.AUTO_ACCEPT), EndpointWorld.ForwarderView.NONE, null))));
    }

    @Test
    void anEndpointWhoseServiceNameIsTakenReportsTheConflict() {
        EndpointPlan plan = EndpointPlan.of(
                        world(endpoint(null), found(Grant.AUTO_ACCEPT), serving(ENDPOINT_ID, 443, 10000), null))
                .withConflicts(List.of("Service shop/payments exists"));
        GoldenFiles.assertMatches("plans/endpoint-object-conflict.yaml", render(plan));
    }

    @Test
    void anEndpointPolicyMeetsTheOwnersRestrictionAndTheStatusSaysWhatIsInForce() {
        var policy = AllowedWorkloads.of(
                PodSelector.matchLabels(Map.of("app", "checkout"))
                        .withExpressions(new SelectorRequirement("track", Operator.NotIn, List.of("canary"))),
                List.of("checkout", "web"));
        GoldenFiles.assertMatches(
                "plans/endpoint-workload-policy.yaml",
                render(EndpointPlan.of(world(
                        withPolicy(endpoint(ConnectionState.Available), policy),
                        restrictedTo(Set.of("checkout", "billing")),
                        serving(ENDPOINT_ID, 443, 10000),
                        "10.96.5.5"))));
    }

    @Test
    void anEndpointPolicyWithNothingInCommonWithTheOwnersAdmitsNobodyAndSaysSo() {
        GoldenFiles.assertMatches(
                "plans/endpoint-no-workload-admitted.yaml",
                render(EndpointPlan.of(world(
                        withPolicy(endpoint(ConnectionState.Available), AllowedWorkloads.of(null, List.of("web"))),
                        restrictedTo(Set.of("checkout")),
                        serving(ENDPOINT_ID, 443, 10000),
                        "10.96.5.5"))));
    }

    @Test
    void aForwarderAdmitsWhatTheEndpointsStatusSaysIsInForce() throws IOException {
        EndpointService es = endpointService();
        es.setStatus(EndpointServicePlan.of(resolvable(es, List.of())).status());
        InterfaceEndpoint restricted = routable("shop", "u-restricted", ConnectionState.Available);
        restricted
                .getStatus()
                .setAllowedWorkloads(WorkloadPolicies.of(
                                AllowedWorkloads.of(
                                        PodSelector.matchLabels(Map.of("app", "checkout"))
                                                .withExpressions(new SelectorRequirement(
                                                        "track", Operator.NotIn, List.of("canary"))),
                                        null),
                                Optional.of(Set.of("checkout")))
                        .status());
        InterfaceEndpoint nobody = routable("shop", "u-nobody", ConnectionState.Available);
        nobody.getStatus()
                .setAllowedWorkloads(
                        WorkloadPolicies.of(AllowedWorkloads.of(null, List.of("web")), Optional.of(Set.of("checkout")))
                                .status());
        ForwarderPlan plan = ForwarderPlan.of(
                new ForwarderWorld(
                        SHOP,
                        List.of(routable("shop", "u-everyone", ConnectionState.Available), restricted, nobody),
                        Map.of(Ids.serviceName(SERVICE_UID), es),
                        ForwarderConfig.EMPTY,
                        FreedPorts.NONE,
                        NOW),
                TestSettings.defaults());

        String json = plan.objects().orElseThrow().configMap().getData().get(ForwarderConfig.DATA_KEY);
        ObjectMapper mapper = new ObjectMapper();
        GoldenFiles.assertMatchesText(
                "plans/forwarder-shop-workload-policy.config.json",
                mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(json)) + "\n");
    }

    @Test
    void aNamespaceWithoutPermissionSeesNoService() {
        GoldenFiles.assertMatches(
                "plans/endpoint-not-permitted.yaml",
                render(EndpointPlan.of(
                        world(endpoint(null), found(Grant.NONE), EndpointWorld.ForwarderView.NONE, null))));
    }

    static Service loadBalancer(String name, String ip) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withNamespace("payments")
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withClusterIP(ip)
                .withSelector(Map.of("app", name))
                .addNewPort()
                .withPort(443)
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build();
    }

    static InterfaceEndpoint connected(String namespace, String uid, ConnectionState state) {
        InterfaceEndpoint ep = endpoint(null);
        ep.getMetadata().setNamespace(namespace);
        ep.getMetadata().setUid(uid);
        InterfaceEndpointStatus status = new InterfaceEndpointStatus();
        status.setState(state);
        ep.setStatus(status);
        return ep;
    }

    /** Both load balancers of {@link #endpointService} exist and are this service's. */
    static EndpointServiceWorld resolvable(EndpointService es, List<InterfaceEndpoint> endpoints) {
        return new EndpointServiceWorld(
                es,
                Map.of(
                        "api-blue", loadBalancer("api-blue", "10.96.0.10"),
                        "api-green", loadBalancer("api-green", "10.96.0.11")),
                Map.of(),
                endpoints,
                "cluster.local",
                false,
                TestSettings.OPERATOR_NAMESPACE,
                NOW);
    }

    @Test
    void aResolvedEndpointServicePublishesItsUpstreamsAndConnections() {
        var world = resolvable(
                endpointService(),
                List.of(
                        connected("shop", "u-1", ConnectionState.Available),
                        connected("billing", "u-2", ConnectionState.PendingAcceptance),
                        connected("nosy", "u-3", ConnectionState.Failed)));
        GoldenFiles.assertMatches("plans/endpointservice-resolved.yaml", EndpointServicePlan.of(world));
    }

    @Test
    void anEndpointServiceWithAMissingAndAClaimedLoadBalancerSaysSo() {
        var world = new EndpointServiceWorld(
                endpointService(),
                Map.of("api-blue", loadBalancer("api-blue", "10.96.0.10")),
                Map.of("api-blue", "legacy-api"),
                List.of(),
                "cluster.local",
                false,
                TestSettings.OPERATOR_NAMESPACE,
                NOW);
        GoldenFiles.assertMatches("plans/endpointservice-unresolved.yaml", EndpointServicePlan.of(world));
    }

    @Test
    void aForwarderCarriesEveryRoutableEndpoint() throws IOException {
        EndpointService es = endpointService();
        es.setStatus(EndpointServicePlan.of(resolvable(es, List.of())).status());
        List<InterfaceEndpoint> endpoints = List.of(
                routable("shop", "u-available", ConnectionState.Available),
                routable("shop", "u-suspended", ConnectionState.Suspended),
                routable("shop", "u-pending-acceptance", ConnectionState.PendingAcceptance));
        // the endpoint Services' ClusterIPs: the PROXY header's destination (SEC-16)
        endpoints.get(0).getStatus().setAddress("10.96.7.1");
        endpoints.get(1).getStatus().setAddress("10.96.7.2");
        ForwarderPlan plan = ForwarderPlan.of(
                new ForwarderWorld(
                        SHOP,
                        endpoints,
                        Map.of(Ids.serviceName(SERVICE_UID), es),
                        ForwarderConfig.EMPTY,
                        FreedPorts.NONE,
                        NOW),
                TestSettings.defaults());

        var objects = plan.objects().orElseThrow();
        String json = objects.configMap().getData().get(ForwarderConfig.DATA_KEY);
        ObjectMapper mapper = new ObjectMapper();
        GoldenFiles.assertMatchesText(
                "plans/forwarder-shop.config.json",
                mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(json)) + "\n");
        objects.configMap().getData().put(ForwarderConfig.DATA_KEY, "(pretty-printed in forwarder-shop.config.json)");
        GoldenFiles.assertMatches(
                "plans/forwarder-shop.yaml",
                List.of(
                        objects.configMap(),
                        objects.deployment(),
                        objects.serviceAccount(),
                        objects.configReader(),
                        objects.configReaderBinding(),
                        objects.podReader(),
                        objects.disruptionBudget().orElseThrow()));
    }

    /**
     * In a cluster with a ClusterPeer, the forwarder also mounts its gateway credential (client
     * certificate and peers' roots, issued by the operator) and is told where; the rest is as in
     * forwarder-shop.yaml.
     */
    @Test
    void aForwarderOfAPeeredClusterMountsItsGatewayCredential() {
        EndpointService es = endpointService();
        es.setStatus(EndpointServicePlan.of(resolvable(es, List.of())).status());
        ForwarderPlan plan = ForwarderPlan.of(
                new ForwarderWorld(
                        SHOP,
                        List.of(routable("shop", "u-available", ConnectionState.Available)),
                        Map.of(Ids.serviceName(SERVICE_UID), es),
                        ForwarderConfig.EMPTY,
                        FreedPorts.NONE,
                        NOW,
                        Map.of(),
                        true),
                TestSettings.defaults());

        GoldenFiles.assertMatches(
                "plans/forwarder-shop-peered.deployment.yaml",
                plan.objects().orElseThrow().deployment());
    }

    /**
     * SEC-03: what the operator writes when the API server refuses the plan's config: the served
     * one with the suspension applied and the new endpoint left out, and said so.
     */
    @Test
    void aRefusedForwarderConfigIsReplacedByTheServedOneWithItsRevocations() {
        EndpointService es = endpointService();
        es.setStatus(EndpointServicePlan.of(resolvable(es, List.of())).status());
        List<InterfaceEndpoint> endpoints = List.of(
                routable("shop", "u-suspended", ConnectionState.Suspended),
                routable("shop", "u-new", ConnectionState.Available));
        ForwarderConfig served = new ForwarderConfig(List.of(new Route(
                Ids.endpointId("u-suspended"),
                443,
                10000,
                List.of(new Upstream("10.96.0.10", 443, 3), new Upstream("10.96.0.11", 443, 1)),
                ProxyProtocol.V2,
                RouteState.ACTIVE)));
        ForwarderPlan plan = ForwarderPlan.of(
                new ForwarderWorld(
                        SHOP, endpoints, Map.of(Ids.serviceName(SERVICE_UID), es), served, FreedPorts.NONE, NOW),
                TestSettings.defaults());

        var refused = plan.failClosed(served, "HTTP 422: Too long: must have at most 1048576 bytes");

        GoldenFiles.assertMatches("plans/forwarder-shop.refused.yaml", refused);
    }

    /** A load balancer as owners write them: pods behind a selector, a named target port. */
    static Service loadBalancerWithPods(String name, String ip, Map<String, String> selector, String targetPort) {
        Service lb = loadBalancer(name, ip);
        lb.getSpec().setSelector(selector);
        lb.getSpec().getPorts().get(0).setTargetPort(new IntOrString(targetPort));
        return lb;
    }

    static EndpointServiceWorld withPods(List<InterfaceEndpoint> endpoints) {
        return new EndpointServiceWorld(
                endpointService(),
                Map.of(
                        "api-blue",
                        loadBalancerWithPods("api-blue", "10.96.0.10", Map.of("app", "api", "track", "blue"), "https"),
                        "api-green",
                        loadBalancerWithPods(
                                "api-green", "10.96.0.11", Map.of("app", "api", "track", "green"), "https")),
                Map.of(),
                endpoints,
                "cluster.local",
                false,
                TestSettings.OPERATOR_NAMESPACE,
                NOW);
    }

    @Test
    void anEndpointServiceFencesItsLoadBalancersPodsForTheForwardersOfRoutedNamespaces() {
        var world = withPods(List.of(
                routable("shop", "u-1", ConnectionState.Available),
                routable("billing", "u-2", ConnectionState.Suspended),
                routable("nosy", "u-3", ConnectionState.Rejected),
                connected("queue", "u-4", ConnectionState.PendingAcceptance)));
        GoldenFiles.assertMatches("plans/endpointservice-network-policies.yaml", EndpointServicePlan.of(world));
    }

    @Test
    void aForwarderIsFencedToItsConsumerNamespaceAndItsLoadBalancersPods() {
        EndpointService es = endpointService();
        es.setStatus(EndpointServicePlan.of(withPods(List.of())).status());
        List<InterfaceEndpoint> endpoints = List.of(routable("shop", "u-available", ConnectionState.Available));
        ForwarderPlan plan = ForwarderPlan.of(
                new ForwarderWorld(
                        SHOP,
                        endpoints,
                        Map.of(Ids.serviceName(SERVICE_UID), es),
                        ForwarderConfig.EMPTY,
                        FreedPorts.NONE,
                        NOW),
                TestSettings.defaults());

        GoldenFiles.assertMatches(
                "plans/forwarder-shop.network-policy.yaml",
                plan.objects().orElseThrow().networkPolicy());
    }

    static InterfaceEndpoint routable(String namespace, String uid, ConnectionState state) {
        InterfaceEndpoint ep = connected(namespace, uid, state);
        ep.getStatus().setEndpointId(Ids.endpointId(uid));
        ep.getStatus().setPorts(List.of(443));
        return ep;
    }
}
