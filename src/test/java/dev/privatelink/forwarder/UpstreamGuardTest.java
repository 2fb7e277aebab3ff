package dev.privatelink.forwarder;

import static dev.privatelink.forwarder.Loopback.endingOfNewConnection;
import static dev.privatelink.forwarder.Loopback.freePort;
import static dev.privatelink.forwarder.Loopback.route;
import static dev.privatelink.forwarder.Loopback.withUpstreams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.forwarder.Loopback.Ending;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The forwarder is no confused deputy (SEC-02): some addresses are never dialled, whatever the config says. */
class UpstreamGuardTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Meters meters = new Meters(registry);
    private final Forwarder strict = new Forwarder(
            ForwarderSettings.defaults().withBindAddress(Loopback.HOST).withConnectTimeout(Duration.ofSeconds(1)),
            registry);

    @AfterEach
    void stop() {
        strict.close();
    }

    private int listen(ForwarderConfig.Route route) {
        assertThat(strict.apply(Loopback.config(route)).complete()).isTrue();
        return route.listenPort();
    }

    @Test
    void aLoopbackUpstreamIsNeverDialledByAForwarderInACluster() throws Exception {
        try (TestServer server = TestServer.echo()) {
            int port = listen(route("vpce-loop", freePort(), server.port()));

            assertThat(endingOfNewConnection(port)).isEqualTo(Ending.RESET);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> meters.count("upstream.connect.failures", "vpce-loop") == 1);
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void aNameThatResolvesToLoopbackIsRefusedAfterTheLookup() throws Exception {
        try (TestServer server = TestServer.echo()) {
            var route =
                    withUpstreams(route("vpce-name", freePort()), List.of(new Upstream("localhost", server.port(), 1)));
            int port = listen(route);

            assertThat(endingOfNewConnection(port)).isEqualTo(Ending.RESET);
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void theMetadataAddressIsRefusedWithoutAConnectAttempt() throws Exception {
        var route = withUpstreams(route("vpce-imds", freePort()), List.of(new Upstream("169.254.169.254", 80, 1)));
        int port = listen(route);

        assertThat(endingOfNewConnection(port)).isEqualTo(Ending.RESET);
    }

    @Test
    void whatIsRefusedAndWhy() throws Exception {
        InetAddress apiServer = InetAddress.getByName("10.96.0.1");
        UpstreamGuard guard = UpstreamGuard.STRICT.forbidding(apiServer);

        assertThat(guard.refusal(InetAddress.getByName("169.254.169.254")))
                .contains("a link-local address (cloud metadata lives there)");
        assertThat(guard.refusal(InetAddress.getByName("fe80::1"))).isPresent();
        assertThat(guard.refusal(InetAddress.getByName("0.0.0.0"))).contains("the unspecified address");
        assertThat(guard.refusal(InetAddress.getByName("::"))).isPresent();
        assertThat(guard.refusal(InetAddress.getByName("224.0.0.1"))).contains("a multicast address");
        assertThat(guard.refusal(InetAddress.getByName("127.0.0.5"))).contains("a loopback address");
        assertThat(guard.refusal(InetAddress.getByName("::1"))).contains("a loopback address");
        assertThat(guard.refusal(apiServer)).contains("the API server's address");
        assertThat(guard.refusal(InetAddress.getByName("10.96.0.10"))).isEmpty();
        assertThat(UpstreamGuard.SAME_HOST.refusal(InetAddress.getByName("127.0.0.5")))
                .isEmpty();
        assertThat(new UpstreamGuard(true, Set.of()).refusal(InetAddress.getByName("169.254.169.254")))
                .as("loopback allowed never means link-local allowed")
                .isPresent();
    }
}
