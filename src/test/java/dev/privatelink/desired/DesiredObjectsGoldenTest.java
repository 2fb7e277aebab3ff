package dev.privatelink.desired;

import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointSpec;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import dev.privatelink.operator.TestSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the operator writes to a cluster, scenario by scenario (golden files). */
class DesiredObjectsGoldenTest {
    static final ConsumerNamespace SHOP = new ConsumerNamespace("shop", "6f1c2d3e-0000-4000-8000-00000000c0de");

    static final String ID = "vpce-0a1b2c3d4e5f60718";

    static InterfaceEndpoint endpoint(List<String> zones) {
        InterfaceEndpointSpec spec = new InterfaceEndpointSpec();
        spec.setServiceName("vpce-svc-0123456789abcdef0");
        spec.setZones(zones);
        InterfaceEndpoint ep = new InterfaceEndpoint();
        ep.setMetadata(new ObjectMetaBuilder()
                .withName("payments")
                .withNamespace("shop")
                .withUid("uid-1")
                .build());
        ep.setSpec(spec);
        return ep;
    }

    static final List<ForwarderPod> PODS = List.of(
            new ForwarderPod("plfwd-shop-1", "privatelink-system", "10.244.1.5", true, false, "zone-a", "node-a"),
            new ForwarderPod("plfwd-shop-2", "privatelink-system", "10.244.2.7", true, false, "zone-b", "node-b"),
            new ForwarderPod("plfwd-shop-3", "privatelink-system", "10.244.2.9", false, false, "zone-b", "node-b"));

    private static List<HasMetadata> all(EndpointObjects objects) {
        List<HasMetadata> all = new ArrayList<>(objects.services());
        all.addAll(objects.slices());
        return all;
    }

    @Test
    void availableEndpoint() {
        GoldenFiles.assertMatches(
                "endpoint-available.yaml",
                all(EndpointResources.desired(
                        endpoint(null),
                        ID,
                        ConnectionState.Available,
                        List.of(443, 8080),
                        Map.of(443, 10000, 8080, 10001),
                        PODS,
                        Set.of())));
    }

    @Test
    void suspendedEndpointInOneZone() {
        GoldenFiles.assertMatches(
                "endpoint-suspended-zone-a.yaml",
                all(EndpointResources.desired(
                        endpoint(List.of("zone-a")),
                        ID,
                        ConnectionState.Suspended,
                        List.of(443),
                        Map.of(443, 10000),
                        PODS,
                        Set.of())));
    }

    @Test
    void forwarderOfANamespace() {
        var config = new ForwarderConfig(List.of(
                new ForwarderConfig.Route(
                        ID,
                        443,
                        10000,
                        List.of(new Upstream("10.96.0.10", 443, 3), new Upstream("10.96.0.11", 443, 1)),
                        ProxyProtocol.V2,
                        RouteState.ACTIVE),
                new ForwarderConfig.Route(
                        "vpce-11111111111111111", 5432, 10001, List.of(), ProxyProtocol.NONE, RouteState.SUSPENDED)));
        var settings = TestSettings.defaults();
        GoldenFiles.assertMatches(
                "forwarder-shop.yaml",
                List.of(
                        ForwarderResources.configMap(SHOP, config, Set.of(), FreedPorts.NONE, settings),
                        ForwarderResources.deployment(SHOP, settings),
                        ForwarderResources.serviceAccount(SHOP, settings),
                        ForwarderResources.configReaderRole(SHOP, settings),
                        ForwarderResources.configReaderBinding(SHOP, settings),
                        ForwarderResources.podReaderBinding(SHOP, settings),
                        ForwarderResources.disruptionBudget(SHOP, settings).orElseThrow()));
    }
}
