package dev.privatelink.gateway;

import static dev.privatelink.gateway.Peers.ENDPOINT_ID;
import static dev.privatelink.gateway.Peers.preamble;
import static dev.privatelink.gateway.Peers.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.privatelink.gateway.config.GatewayConfig.EndpointState;
import dev.privatelink.gateway.config.GatewayConfig.PeerState;
import dev.privatelink.gateway.config.GatewayConfig.ProxyProtocol;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateway's idle timeout across TLS, and the limits it applies before any handshake. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayTimeoutsAndLimitsTest {

    private static final int SERVICE_PORT = 443;

    private final Peers peers = new Peers();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Owner owner;
    private Gateway gateway;

    @BeforeEach
    void startOwner() throws IOException {
        owner = new Owner(true);
    }

    @AfterEach
    void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        owner.close();
    }

    private void start(GatewayLimits limits, Duration idleTimeout) {
        gateway = peers.startGateway(registry, limits, peers.gateway, idleTimeout);
        gateway.apply(
                peers.config(EndpointState.AVAILABLE, PeerState.ACTIVE, SERVICE_PORT, owner.port(), ProxyProtocol.V2));
    }

    private SSLSocket relayed() throws Exception {
        SSLSocket socket = peers.connect(gateway.port(), peers.shop);
        send(socket, preamble(ENDPOINT_ID, SERVICE_PORT), "hello\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        byte[] line = in.readNBytes(6);
        assertThat(new String(line, StandardCharsets.US_ASCII)).isEqualTo("hello\n");
        return socket;
    }

    @Test
    void aConnectionSilentBothWaysForTheIdleTimeoutIsClosedAcrossTls() throws Exception {
        start(GatewayLimits.defaults(), Duration.ofSeconds(1));

        try (SSLSocket socket = relayed()) {
            long silentSince = System.nanoTime();
            int read;
            try {
                read = socket.getInputStream().read();
            } catch (SocketException e) {
                read = -2;
            }
            double seconds = (System.nanoTime() - silentSince) / 1e9;

            assertThat(read).isEqualTo(-1); // closed, not reset: close_notify, then FIN
            assertThat(seconds).isBetween(0.9, 10.0);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.liveConnections() == 0);
    }

    @Test
    void connectionsBeyondTheLimitAreResetBeforeTheHandshakeAndCounted() throws Exception {
        start(new GatewayLimits(1, 0), Duration.ofSeconds(350));

        try (SSLSocket first = relayed()) {
            assertThatThrownBy(() -> peers.connect(gateway.port(), peers.shop)).isInstanceOf(IOException.class);
            assertThat(refused("gateway_limit")).isEqualTo(1);
        }
        // its place is given back when it closes
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            try (SSLSocket next = relayed()) {
                assertThat(next.isConnected()).isTrue();
            }
        });
    }

    @Test
    void oneSourceOpeningConnectionsTooFastIsResetAndCounted() throws Exception {
        start(new GatewayLimits(100, 2), Duration.ofSeconds(350));

        // ten TCP connections at once: a bucket of two, refilled at two a second, admits few of them
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                sockets.add(new Socket("127.0.0.1", gateway.port()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> refused("source_rate") >= 5);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        assertThat(refused("gateway_limit")).isZero();
    }

    private double refused(String reason) {
        return registry.find("privatelink.gateway.connections.refused").tag("reason", reason).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }
}
