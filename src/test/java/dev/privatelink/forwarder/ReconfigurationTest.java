package dev.privatelink.forwarder;

import static dev.privatelink.forwarder.Loopback.config;
import static dev.privatelink.forwarder.Loopback.connect;
import static dev.privatelink.forwarder.Loopback.ending;
import static dev.privatelink.forwarder.Loopback.freePort;
import static dev.privatelink.forwarder.Loopback.roundTrip;
import static dev.privatelink.forwarder.Loopback.route;
import static dev.privatelink.forwarder.Loopback.suspended;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.privatelink.forwarder.Loopback.Ending;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Applying new configs: what changes stops at once, what does not change is left alone. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReconfigurationTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Meters meters = new Meters(registry);
    private final Forwarder forwarder = new Forwarder(
            ForwarderSettings.defaults()
                    .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                    .withBindAddress(Loopback.HOST),
            registry);
    private TestServer echo;
    private TestServer otherEcho;

    @BeforeEach
    void startUpstreams() throws Exception {
        echo = TestServer.echo();
        otherEcho = TestServer.echo();
    }

    @AfterEach
    void stop() throws Exception {
        forwarder.close();
        echo.close();
        otherEcho.close();
    }

    @Test
    void suspendingARouteClosesItsListenerAndResetsLiveConnections() throws Exception {
        Route route = route("vpce-a", freePort(), echo.port());
        forwarder.apply(config(route));
        try (Socket live = connect(route.listenPort())) {
            assertThat(roundTrip(live, "before")).isEqualTo("before");
            CompletableFuture<Ending> ending = ending(live);

            forwarder.apply(config(suspended(route)));

            await().atMost(Duration.ofSeconds(10)).until(ending::isDone);
            assertThat(ending.get()).isEqualTo(Ending.RESET);
        }
        assertThatThrownBy(() -> connect(route.listenPort())).isInstanceOf(ConnectException.class);
    }

    @Test
    void removingARouteClosesItsListenerAndLiveConnections() throws Exception {
        Route route = route("vpce-a", freePort(), echo.port());
        forwarder.apply(config(route));
        try (Socket live = connect(route.listenPort())) {
            assertThat(roundTrip(live, "before")).isEqualTo("before");
            CompletableFuture<Ending> ending = ending(live);

            forwarder.apply(config());

            assertThat(ending.get(5, TimeUnit.SECONDS)).isEqualTo(Ending.RESET);
        }
        assertThatThrownBy(() -> connect(route.listenPort())).isInstanceOf(ConnectException.class);
        assertThat(forwarder.connectionCount()).isZero();
    }

    @Test
    void removingAnEndpointRemovesItsMeters() throws Exception {
        Route a = route("vpce-a", freePort(), echo.port());
        Route b = route("vpce-b", freePort(), otherEcho.port());
        forwarder.apply(config(a, b));
        try (Socket onA = connect(a.listenPort())) {
            assertThat(roundTrip(onA, "a")).isEqualTo("a");
            assertThat(meters.of("vpce-a")).isNotEmpty();

            forwarder.apply(config(b));

            assertThat(meters.of("vpce-a")).isEmpty();
            assertThat(meters.of("vpce-b")).isNotEmpty();
        }
    }

    @Test
    void aSuspendedEndpointKeepsItsMeters() throws Exception {
        Route route = route("vpce-a", freePort(), echo.port());
        forwarder.apply(config(route));
        try (Socket live = connect(route.listenPort())) {
            assertThat(roundTrip(live, "before")).isEqualTo("before");
        }

        forwarder.apply(config(suspended(route)));

        assertThat(meters.count("connections.new", "vpce-a")).isEqualTo(1);
    }

    @Test
    void suspendingOneRouteLeavesAnotherRoutesConnectionsAlive() throws Exception {
        Route a = route("vpce-a", freePort(), echo.port());
        Route b = route("vpce-b", freePort(), otherEcho.port());
        forwarder.apply(config(a, b));
        try (Socket onA = connect(a.listenPort());
                Socket onB = connect(b.listenPort())) {
            assertThat(roundTrip(onA, "a")).isEqualTo("a");
            assertThat(roundTrip(onB, "b")).isEqualTo("b");

            forwarder.apply(config(a, suspended(b)));

            assertThat(ending(onB).get(5, TimeUnit.SECONDS)).isEqualTo(Ending.RESET);
            assertThat(roundTrip(onA, "a still")).isEqualTo("a still");
        }
    }

    @Test
    void addingARouteLeavesExistingConnectionsAlive() throws Exception {
        Route a = route("vpce-a", freePort(), echo.port());
        Route c = route("vpce-c", freePort(), otherEcho.port());
        forwarder.apply(config(a));
        try (Socket onA = connect(a.listenPort())) {
            assertThat(roundTrip(onA, "a")).isEqualTo("a");

            forwarder.apply(config(a, c));

            assertThat(roundTrip(onA, "a still")).isEqualTo("a still");
            try (Socket onC = connect(c.listenPort())) {
                assertThat(roundTrip(onC, "c")).isEqualTo("c");
            }
        }
    }

    @Test
    void newUpstreamsServeNewConnectionsWhileLiveOnesKeepTheirs() throws Exception {
        Route before = route("vpce-a", freePort(), echo.port());
        Route after = Loopback.withUpstreams(before, List.of(new Upstream(Loopback.HOST, otherEcho.port(), 1)));
        forwarder.apply(config(before));
        try (Socket old = connect(before.listenPort())) {
            assertThat(roundTrip(old, "old")).isEqualTo("old");

            forwarder.apply(config(after));

            try (Socket fresh = connect(after.listenPort())) {
                assertThat(roundTrip(fresh, "new")).isEqualTo("new");
            }
            assertThat(roundTrip(old, "old still")).isEqualTo("old still");
        }
        assertThat(echo.connections()).isEqualTo(1);
        assertThat(otherEcho.connections()).isEqualTo(1);
    }

    @Test
    void resumingASuspendedRouteListensAgain() throws Exception {
        Route route = route("vpce-a", freePort(), echo.port());
        forwarder.apply(config(suspended(route)));
        assertThatThrownBy(() -> connect(route.listenPort())).isInstanceOf(ConnectException.class);

        forwarder.apply(config(route));

        try (Socket client = connect(route.listenPort())) {
            assertThat(roundTrip(client, "back")).isEqualTo("back");
        }
    }

    @Test
    void aPortThatMovesToAnotherEndpointDropsTheOldEndpointsConnections() throws Exception {
        int port = freePort();
        forwarder.apply(config(route("vpce-old", port, echo.port())));
        try (Socket old = connect(port)) {
            assertThat(roundTrip(old, "old")).isEqualTo("old");

            forwarder.apply(config(route("vpce-new", port, otherEcho.port())));

            assertThat(ending(old).get(5, TimeUnit.SECONDS)).isEqualTo(Ending.RESET);
            try (Socket fresh = connect(port)) {
                assertThat(roundTrip(fresh, "new")).isEqualTo("new");
            }
        }
    }

    @Test
    void aPortThatCannotBeBoundIsReportedAndRetriedByTheNextApply() throws Exception {
        Route route = route("vpce-a", freePort(), echo.port());
        try (var squatter = new ServerSocket(route.listenPort(), 1, InetAddress.getLoopbackAddress())) {
            Forwarder.Applied applied = forwarder.apply(config(route));

            assertThat(applied.failures()).hasSize(1);
            assertThat(forwarder.isServing()).isFalse();
        }

        assertThat(forwarder.apply(config(route)).complete()).isTrue();
        assertThat(forwarder.isServing()).isTrue();
    }

    @Test
    void drainLetsLiveConnectionsFinishAndRefusesNewOnes() throws Exception {
        Route route = route("vpce-a", freePort(), echo.port());
        forwarder.apply(config(route));
        CompletableFuture<Boolean> drained;
        try (Socket live = connect(route.listenPort())) {
            assertThat(roundTrip(live, "before")).isEqualTo("before");

            drained = CompletableFuture.supplyAsync(() -> forwarder.drain(Duration.ofSeconds(20)));

            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThatThrownBy(() -> connect(route.listenPort()))
                            .isInstanceOf(ConnectException.class));
            assertThat(forwarder.isServing()).isFalse();
            assertThat(roundTrip(live, "during drain")).isEqualTo("during drain");
            assertThat(drained).isNotDone();
        }
        assertThat(drained.get(5, TimeUnit.SECONDS))
                .as("drained before the grace period ended")
                .isTrue();
    }

    @Test
    void drainResetsWhatIsStillOpenWhenTheGracePeriodEnds() throws Exception {
        Route route = route("vpce-a", freePort(), echo.port());
        forwarder.apply(config(route));
        try (Socket stubborn = connect(route.listenPort())) {
            assertThat(roundTrip(stubborn, "hello")).isEqualTo("hello");
            CompletableFuture<Ending> ending = ending(stubborn);

            boolean drained = forwarder.drain(Duration.ofMillis(200));

            assertThat(drained).isFalse();
            assertThat(ending.get(5, TimeUnit.SECONDS)).isEqualTo(Ending.RESET);
        }
    }
}
