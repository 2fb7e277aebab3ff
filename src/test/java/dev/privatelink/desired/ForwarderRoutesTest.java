package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import dev.privatelink.forwarder.config.WorkloadAdmission;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ForwarderRoutesTest {

    static RouteRequest source(String id, int port) {
        return new RouteRequest(
                id, port, List.of(new Upstream("10.0.0.1", port, 1)), ProxyProtocol.NONE, RouteState.ACTIVE);
    }

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    /** Routes assigned with no quarantine and no previous config. */
    static ForwarderRoutes.Result assign(List<RouteRequest> sources, ForwarderConfig previous, int last) {
        return ForwarderRoutes.assign(sources, previous, FreedPorts.NONE, NOW, 10000, last);
    }

    @Test
    void newRoutesTakeTheLowestFreePorts() {
        var result = assign(List.of(source("vpce-b", 80), source("vpce-a", 443), source("vpce-a", 80)), null, 10010);
        assertThat(result.config().routes())
                .extracting(r -> r.endpointId() + ":" + r.endpointPort() + "=" + r.listenPort())
                .containsExactly("vpce-a:80=10000", "vpce-a:443=10001", "vpce-b:80=10002");
    }

    @Test
    void existingRoutesKeepTheirPortsWhenOthersGo() {
        var first = assign(List.of(source("vpce-a", 80), source("vpce-b", 80)), null, 10010);
        var second = ForwarderRoutes.assign(
                List.of(source("vpce-b", 80), source("vpce-c", 80)), first.config(), first.freed(), NOW, 10000, 10010);
        assertThat(ForwarderRoutes.listenPorts(second.config(), "vpce-b")).isEqualTo(Map.of(80, 10001));
    }

    /** SEC-14: stale clients of a removed endpoint must not reach another owner's service through its old port. */
    @Test
    void aFreedPortGoesToNoOtherEndpointForTheQuarantine() {
        var first = assign(List.of(source("vpce-a", 80), source("vpce-b", 80)), null, 10010);

        var second = ForwarderRoutes.assign(
                List.of(source("vpce-b", 80), source("vpce-c", 80)), first.config(), first.freed(), NOW, 10000, 10010);

        assertThat(ForwarderRoutes.listenPorts(second.config(), "vpce-c")).isEqualTo(Map.of(80, 10002));
        assertThat(second.freed().quarantined(10000, NOW)).isTrue();
        // A minute before its release, still not; once released, it is the lowest free port again.
        Instant beforeRelease = NOW.plus(FreedPorts.QUARANTINE).minusSeconds(60);
        var third = ForwarderRoutes.assign(
                List.of(source("vpce-b", 80), source("vpce-c", 80), source("vpce-d", 80)),
                second.config(),
                second.freed(),
                beforeRelease,
                10000,
                10010);
        assertThat(ForwarderRoutes.listenPorts(third.config(), "vpce-d")).isEqualTo(Map.of(80, 10003));
        Instant afterRelease = NOW.plus(FreedPorts.QUARANTINE).plusSeconds(60);
        var fourth = ForwarderRoutes.assign(
                List.of(source("vpce-b", 80), source("vpce-c", 80), source("vpce-e", 80)),
                second.config(),
                second.freed(),
                afterRelease,
                10000,
                10010);
        assertThat(ForwarderRoutes.listenPorts(fourth.config(), "vpce-e")).isEqualTo(Map.of(80, 10000));
        assertThat(fourth.freed().until()).doesNotContainKey(10000);
    }

    /** The quarantine is kept in the ConfigMap, so that a restarted operator keeps it. */
    @Test
    void theQuarantineSurvivesItsAnnotation() {
        var first = assign(List.of(source("vpce-a", 80), source("vpce-a", 443), source("vpce-b", 80)), null, 10010);
        var second =
                ForwarderRoutes.assign(List.of(source("vpce-b", 80)), first.config(), first.freed(), NOW, 10000, 10010);

        String annotation = second.freed().render();

        assertThat(annotation).isEqualTo(NOW.plus(FreedPorts.QUARANTINE).getEpochSecond() + ":10000,10001");
        assertThat(FreedPorts.parse(annotation)).isEqualTo(second.freed());
        assertThat(FreedPorts.parse("garbage 12:x,10002")).isEqualTo(FreedPorts.NONE);
    }

    /** With every other port taken, an endpoint waits for a freed port rather than reuse it early. */
    @Test
    void anEndpointWaitsForAPortInQuarantineRatherThanTakeIt() {
        var first = assign(List.of(source("vpce-a", 80), source("vpce-b", 80)), null, 10001);
        var second = ForwarderRoutes.assign(
                List.of(source("vpce-b", 80), source("vpce-c", 80)), first.config(), first.freed(), NOW, 10000, 10001);

        assertThat(second.unplaced()).extracting(RouteRequest::endpointId).containsExactly("vpce-c");
        assertThat(second.freed().nextRelease(NOW)).contains(NOW.plus(FreedPorts.QUARANTINE));
    }

    @Test
    void theQuarantineIsBounded() {
        FreedPorts many = FreedPorts.NONE.next(
                IntStream.range(0, FreedPorts.MAX_PORTS + 10).boxed().toList(), List.of(), NOW);

        assertThat(many.until()).hasSize(FreedPorts.MAX_PORTS);
    }

    @Test
    void routesThatDoNotFitAreReportedNotDropped() {
        var result = assign(List.of(source("vpce-a", 80), source("vpce-b", 80)), null, 10000);
        assertThat(result.config().routes()).hasSize(1);
        assertThat(result.unplaced()).extracting(RouteRequest::endpointId).containsExactly("vpce-b");
    }

    @Test
    void aPreviousPortOutsideTheRangeIsReassigned() {
        var previous = new ForwarderConfig(List.of(new Route("vpce-a", 80, 5, List.of(), null, null)));
        var result = assign(List.of(source("vpce-a", 80)), previous, 10010);
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

    /** Fail closed: the served route keeps its address and its policy; a changed policy suspends it until written. */
    @Test
    void aRouteWhosePolicyChangedIsSuspendedAndTheOthersKeepAddressAndPolicy() {
        WorkloadAdmission checkout = new WorkloadAdmission(null, List.of("checkout"));
        Route kept = withPolicy(active("vpce-a", 80, 10000, "10.0.0.1"), checkout);
        Route narrowed = withPolicy(active("vpce-b", 80, 10001, "10.0.0.1"), checkout);
        ForwarderConfig served = new ForwarderConfig(List.of(kept, narrowed));
        ForwarderConfig desired = new ForwarderConfig(List.of(kept, withPolicy(narrowed, WorkloadAdmission.NOBODY)));

        ForwarderConfig revoked = ForwarderRoutes.revocationsOnly(served, desired);

        assertThat(revoked.routes())
                .containsExactly(
                        kept,
                        new Route(
                                "vpce-b",
                                80,
                                10001,
                                List.of(),
                                ProxyProtocol.NONE,
                                RouteState.SUSPENDED,
                                "10.96.0.1",
                                checkout));
        assertThat(ForwarderRoutes.unsynced(desired, revoked)).containsExactly("vpce-b");
    }

    static Route withPolicy(Route route, WorkloadAdmission admission) {
        return new Route(
                route.endpointId(),
                route.endpointPort(),
                route.listenPort(),
                route.upstreams(),
                route.proxyProtocol(),
                route.state(),
                "10.96.0.1",
                admission);
    }
}
