package dev.privatelink.forwarder;

import static dev.privatelink.forwarder.Loopback.config;
import static dev.privatelink.forwarder.Loopback.connect;
import static dev.privatelink.forwarder.Loopback.freePort;
import static dev.privatelink.forwarder.Loopback.roundTrip;
import static dev.privatelink.forwarder.Loopback.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.forwarder.ForwarderRuntime.Phase;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Readiness and the SIGTERM drain, driven the way Quarkus drives them, without booting Quarkus. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ForwarderRuntimeTest {

    private final ForwarderRuntime runtime = new ForwarderRuntime(new String[] {"forwarder", "--config-map", "x"});
    private final ForwarderReadiness readiness = new ForwarderReadiness();
    private final Forwarder forwarder = new Forwarder(
            ForwarderSettings.defaults()
                    .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                    .withBindAddress(Loopback.HOST),
            new SimpleMeterRegistry());
    private TestServer echo;

    @BeforeEach
    void start() throws Exception {
        readiness.runtime = runtime;
        echo = TestServer.echo();
    }

    @AfterEach
    void stop() throws Exception {
        forwarder.close();
        echo.close();
    }

    @Test
    void notReadyUntilTheConfigIsServed() throws Exception {
        assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        runtime.serve(forwarder, Duration.ofSeconds(1), List.of());
        assertThat(runtime.phase()).isEqualTo(Phase.STARTING);

        forwarder.apply(config(route("vpce-a", freePort(), echo.port())));

        assertThat(runtime.phase()).isEqualTo(Phase.SERVING);
        assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void shutdownTurnsReadinessOffAndDrainsLiveConnections() throws Exception {
        Route route = route("vpce-a", freePort(), echo.port());
        forwarder.apply(config(route));
        AtomicBoolean sourceClosed = new AtomicBoolean();
        runtime.serve(forwarder, Duration.ofSeconds(20), List.of(() -> sourceClosed.set(true)));
        try (Socket live = connect(route.listenPort())) {
            assertThat(roundTrip(live, "before")).isEqualTo("before");

            CompletableFuture<Void> shutdown =
                    CompletableFuture.runAsync(() -> runtime.onShutdown(new ShutdownEvent()));

            await().atMost(Duration.ofSeconds(5)).until(() -> runtime.phase() == Phase.DRAINING);
            assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(sourceClosed).isTrue();
            assertThat(roundTrip(live, "draining")).isEqualTo("draining");
            assertThat(shutdown).isNotDone();
            live.close();
            shutdown.get(5, TimeUnit.SECONDS);
        }
        assertThat(runtime.phase()).isEqualTo(Phase.STOPPED);
    }

    @Test
    void inAnotherRoleTheForwarderCheckStaysOutOfTheWay() {
        ForwarderRuntime operatorRole = new ForwarderRuntime(new String[] {"operator"});
        readiness.runtime = operatorRole;

        assertThat(operatorRole.phase()).isEqualTo(Phase.OTHER_ROLE);
        assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void theRoleIsTheFirstArgumentThatIsNotAnOption() {
        assertThat(ForwarderRuntime.role(new String[] {"forwarder", "--listen", "x"}))
                .isEqualTo("forwarder");
        assertThat(ForwarderRuntime.role(new String[] {"--help"})).isEmpty();
    }
}
