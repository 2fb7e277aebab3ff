package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForwarderRoutesTest {

    static RouteRequest source(String id, int port) {
        return new RouteRequest(
                id, port, List.of(new Upstream("10.0.0.1", port, 1)), ProxyProtocol.NONE, RouteState.ACTIVE);
    }

    @Test
    void newRoutesTakeTheLowestFreePorts() {
        var result = ForwarderRoutes.assign(
                List.of(source("vpce-b", 80), source("vpce-a", 443), source("vpce-a", 80)), null, 10000, 10010);
        assertThat(result.config().routes())
                .extracting(r -> r.endpointId() + ":" + r.endpointPort() + "=" + r.listenPort())
                .containsExactly("vpce-a:80=10000", "vpce-a:443=10001", "vpce-b:80=10002");
    }

    @Test
    void existingRoutesKeepTheirPortsWhenOthersGo() {
        var first = ForwarderRoutes.assign(List.of(source("vpce-a", 80), source("vpce-b", 80)), null, 10000, 10010);
        var second = ForwarderRoutes.assign(
                List.of(source("vpce-b", 80), source("vpce-c", 80)), first.config(), 10000, 10010);
        assertThat(ForwarderRoutes.listenPorts(second.config(), "vpce-b")).isEqualTo(Map.of(80, 10001));
        assertThat(ForwarderRoutes.listenPorts(second.config(), "vpce-c")).isEqualTo(Map.of(80, 10000));
    }

    @Test
    void routesThatDoNotFitAreReportedNotDropped() {
        var result = ForwarderRoutes.assign(List.of(source("vpce-a", 80), source("vpce-b", 80)), null, 10000, 10000);
        assertThat(result.config().routes()).hasSize(1);
        assertThat(result.unplaced()).extracting(RouteRequest::endpointId).containsExactly("vpce-b");
    }

    @Test
    void aPreviousPortOutsideTheRangeIsReassigned() {
        var previous = new ForwarderConfig(List.of(new Route("vpce-a", 80, 5, List.of(), null, null)));
        var result = ForwarderRoutes.assign(List.of(source("vpce-a", 80)), previous, 10000, 10010);
        assertThat(result.config().routes()).extracting(Route::listenPort).containsExactly(10000);
    }

    static Route active(String id, int port, int listenPort, String... hosts) {
        List<Upstream> upstreams =
                Arrays.stream(hosts).map(h -> new Upstream(h, port, 1)).toList();
        return new Route(id, port, listenPort, upstreams, ProxyProtocol.NONE, RouteState.ACTIVE);
    }

    static Route suspended(String id, int port, int listenPort) {
        return new Route(id, port, listenPort, List.of(), ProxyProtocol.NONE, RouteState.SUSPENDED);
    }

    /** SEC-03: what is written when the desired config is refused: served, minus every revocation, plus nothing. */
    @Test
    void revocationsOnlySuspendsAndRemovesAndAddsNothing() {
        ForwarderConfig served = new ForwarderConfig(List.of(
                active("vpce-kept", 80, 10000, "10.0.0.1"),
                active("vpce-suspended", 80, 10001, "10.0.0.1"),
                active("vpce-terminated", 80, 10002, "10.0.0.1"),
                suspended("vpce-resumed", 80, 10003)));
        ForwarderConfig desired = new ForwarderConfig(List.of(
                active("vpce-kept", 80, 10000, "10.0.0.1"),
                suspended("vpce-suspended", 80, 10001),
                active("vpce-resumed", 80, 10003, "10.0.0.1"),
                active("vpce-new", 80, 10004, "10.0.0.1")));

        ForwarderConfig revoked = ForwarderRoutes.revocationsOnly(served, desired);

        assertThat(revoked.routes())
                .containsExactly(
                        active("vpce-kept", 80, 10000, "10.0.0.1"),
                        suspended("vpce-suspended", 80, 10001),
                        suspended("vpce-resumed", 80, 10003));
        assertThat(revoked.toJson().length())
                .isLessThanOrEqualTo(served.toJson().length());
        assertThat(ForwarderRoutes.unsynced(desired, revoked)).containsExactly("vpce-new", "vpce-resumed");
    }

    @Test
    void aRouteKeepsOnlyTheLoadBalancersTheOwnerStillNames() {
        ForwarderConfig served = new ForwarderConfig(
                List.of(active("vpce-a", 80, 10000, "10.0.0.1", "10.0.0.2"), active("vpce-b", 80, 10001, "10.0.0.1")));
        ForwarderConfig desired = new ForwarderConfig(
                List.of(active("vpce-a", 80, 10000, "10.0.0.2", "10.0.0.3"), active("vpce-b", 80, 10001, "10.0.0.3")));

        ForwarderConfig revoked = ForwarderRoutes.revocationsOnly(served, desired);

        assertThat(revoked.routes())
                .containsExactly(active("vpce-a", 80, 10000, "10.0.0.2"), suspended("vpce-b", 80, 10001));
    }

    @Test
    void aRouteOnAnotherListenPortIsNotKept() {
        ForwarderConfig served = new ForwarderConfig(List.of(active("vpce-a", 80, 10000, "10.0.0.1")));
        ForwarderConfig desired = new ForwarderConfig(List.of(active("vpce-a", 80, 10005, "10.0.0.1")));

        assertThat(ForwarderRoutes.revocationsOnly(served, desired).routes()).isEmpty();
    }
}
