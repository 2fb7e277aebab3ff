package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.ConsumerNamespace;
import dev.privatelink.desired.ForwarderResources;
import dev.privatelink.desired.FreedPorts;
import dev.privatelink.desired.Labels;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ListenPortChangesTest {
    static final ConsumerNamespace SHOP = new ConsumerNamespace("shop", "6f1c2d3e-0000-4000-8000-00000000c0de");

    private static final OperatorSettings SETTINGS = TestSettings.defaults();
    private final ListenPortChanges changes = new ListenPortChanges();

    private static Route route(String endpointId, int port, int listenPort) {
        return new Route(endpointId, port, listenPort, List.of(), ProxyProtocol.NONE, RouteState.SUSPENDED);
    }

    private static ConfigMap version(String resourceVersion, Set<String> unplaced, Route... routes) {
        ConfigMap cm = ForwarderResources.configMap(
                SHOP, new ForwarderConfig(List.of(routes)), unplaced, FreedPorts.NONE, SETTINGS);
        cm.getMetadata().setResourceVersion(resourceVersion);
        return cm;
    }

    @Test
    void theFirstVersionChangesEveryEndpointItNames() {
        assertThat(changes.changedEndpointIds(version("1", Set.of(), route("vpce-a", 443, 10000))))
                .containsExactly("vpce-a");
    }

    @Test
    void onlyEndpointsWhosePortsMovedChange() {
        changes.changedEndpointIds(version("1", Set.of(), route("vpce-a", 443, 10000), route("vpce-b", 443, 10001)));

        assertThat(changes.changedEndpointIds(
                        version("2", Set.of(), route("vpce-a", 443, 10000), route("vpce-b", 443, 10002))))
                .containsExactly("vpce-b");
    }

    @Test
    void aRemovedEndpointChanges() {
        changes.changedEndpointIds(version("1", Set.of(), route("vpce-a", 443, 10000), route("vpce-b", 443, 10001)));

        assertThat(changes.changedEndpointIds(version("2", Set.of(), route("vpce-a", 443, 10000))))
                .containsExactly("vpce-b");
    }

    @Test
    void anEndpointLeftWithoutAPortChangesAndAgainWhenItGetsOne() {
        changes.changedEndpointIds(version("1", Set.of(), route("vpce-a", 443, 10000)));

        assertThat(changes.changedEndpointIds(version("2", Set.of("vpce-b"), route("vpce-a", 443, 10000))))
                .containsExactly("vpce-b");
        assertThat(changes.changedEndpointIds(version("3", Set.of(), route("vpce-b", 443, 10000))))
                .containsExactlyInAnyOrder("vpce-a", "vpce-b");
    }

    /** SEC-03: an endpoint learns through the ConfigMap that its routes were refused, and when they are served. */
    @Test
    void anEndpointWhoseRoutesWereRefusedChangesAndAgainWhenTheyAreServed() {
        changes.changedEndpointIds(version("1", Set.of(), route("vpce-a", 443, 10000)));
        ConfigMap refused = version("2", Set.of(), route("vpce-a", 443, 10000));
        refused.getMetadata()
                .setAnnotations(Map.of(
                        Labels.UNSYNCED_ENDPOINTS, "vpce-a,vpce-b", Labels.CONFIG_REFUSED, "HTTP 422: too long"));

        assertThat(changes.changedEndpointIds(refused)).containsExactlyInAnyOrder("vpce-a", "vpce-b");
        assertThat(changes.changedEndpointIds(
                        version("3", Set.of(), route("vpce-a", 443, 10000), route("vpce-b", 443, 10001))))
                .containsExactlyInAnyOrder("vpce-a", "vpce-b");
    }

    @Test
    void theSameVersionAskedTwiceGivesTheSameAnswer() {
        changes.changedEndpointIds(version("1", Set.of(), route("vpce-a", 443, 10000)));
        ConfigMap second = version("2", Set.of(), route("vpce-a", 443, 10001));

        assertThat(changes.changedEndpointIds(second)).containsExactly("vpce-a");
        assertThat(changes.changedEndpointIds(second)).containsExactly("vpce-a");
    }

    @Test
    void aConfigMapWithoutItsConsumerLabelChangesNothing() {
        ConfigMap cm = version("1", Set.of(), route("vpce-a", 443, 10000));
        cm.getMetadata().getLabels().remove("privatelink.dev/consumer-namespace");
        assertThat(changes.changedEndpointIds(cm)).isEmpty();
    }
}
