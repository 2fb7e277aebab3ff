package dev.privatelink.gateway;

import static dev.privatelink.gateway.Peers.ENDPOINT_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.privatelink.forwarder.Forwarder;
import dev.privatelink.forwarder.ForwarderSettings;
import dev.privatelink.forwarder.GatewayClient;
import dev.privatelink.forwarder.ProxyProtocolV2Decoder;
import dev.privatelink.forwarder.UpstreamGuard;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.RemoteGateway;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.gateway.config.GatewayConfig.EndpointState;
import dev.privatelink.gateway.config.GatewayConfig.PeerState;
import dev.privatelink.gateway.config.GatewayConfig.ProxyProtocol;
import dev.privatelink.pki.CertificateAuthority;
import dev.privatelink.pki.SpiffeId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole cross-cluster path on loopback: client → the consumer's forwarder → mutual TLS 1.3 with
 * the preamble inside → the provider's gateway → the owner, which reads the verified endpoint ID.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrossClusterPathTest {

    private static final int SERVICE_PORT = 443;
    private static final String ENDPOINT_ADDRESS = "10.96.0.10";

    private final Peers peers = new Peers();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Owner owner;
    private Gateway gateway;
    private Forwarder forwarder;
    private int listenPort;

    @BeforeEach
    void start() throws IOException {
        owner = new Owner(true);
        gateway = peers.startGateway(registry);
        gateway.apply(
                peers.config(EndpointState.AVAILABLE, PeerState.ACTIVE, SERVICE_PORT, owner.port(), ProxyProtocol.V2));
        forwarder = new Forwarder(
                ForwarderSettings.defaults()
                        .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                        .withBindAddress("127.0.0.1"),
                new SimpleMeterRegistry());
        try (ServerSocket probe = new ServerSocket(0)) {
            listenPort = probe.getLocalPort();
        }
    }

    @AfterEach
    void stop() throws IOException {
        forwarder.close();
        gateway.close();
        owner.close();
    }

    private void route() {
        Route route = new Route(
                ENDPOINT_ID,
                SERVICE_PORT,
                listenPort,
                List.of(new ForwarderConfig.Upstream("127.0.0.1", gateway.port(), 1)),
                ForwarderConfig.ProxyProtocol.NONE, // the preamble goes to the gateway whatever this says
                RouteState.ACTIVE,
                ENDPOINT_ADDRESS,
                null,
                new RemoteGateway("east"),
                null);
        ForwarderConfig config = new ForwarderConfig(List.of(route));
        assertThat(ForwarderConfig.fromJson(config.toJson())).isEqualTo(config); // the wire format carries it
        assertThat(forwarder.apply(config).complete()).isTrue();
    }

    private void withWestCredentials() {
        forwarder.useGatewayClient(
                new GatewayClient(peers.shop, Map.of("east", List.of(peers.east.root())), peers.clock));
    }

    @Test
    void theOwnerReadsTheVerifiedEndpointIdOfAClientInAnotherCluster() throws Exception {
        withWestCredentials();
        route();

        try (Socket client = new Socket("127.0.0.1", listenPort)) {
            client.setSoTimeout(15_000);
            client.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(client.getInputStream())).isEqualTo("hello");

            ProxyProtocolV2Decoder.Header header = owner.headers.poll(10, TimeUnit.SECONDS);
            assertThat(header).isNotNull();
            assertThat(header.vpceId()).isEqualTo(ENDPOINT_ID);
            assertThat(header.source().getPort()).isEqualTo(client.getLocalPort());
            assertThat(header.destination().getAddress().getHostAddress()).isEqualTo(ENDPOINT_ADDRESS);
            assertThat(header.destination().getPort()).isEqualTo(SERVICE_PORT);

            // the owner suspends the endpoint in its cluster: the live connection is cut
            gateway.apply(peers.config(
                    EndpointState.SUSPENDED, PeerState.ACTIVE, SERVICE_PORT, owner.port(), ProxyProtocol.V2));
            assertThatThrownBy(() -> {
                        if (client.getInputStream().read() == -1) {
                            throw new SocketException("end of stream");
                        }
                    })
                    .isInstanceOf(SocketException.class);
        }
    }

    @Test
    void aServerThatIsNotThePeersGatewayGetsNothing() throws Exception {
        withWestCredentials();
        // east's CA, but a consumer's certificate, not its gateway's
        gateway.useCredential(peers.east.issue(SpiffeId.consumer("east", "shop"), CertificateAuthority.LEAF_VALIDITY));
        route();

        assertConnectionEnds();
        assertThat(owner.connections()).isZero();
    }

    @Test
    void aRouteToAGatewayWithoutCredentialsIsNeverDialledInTheClear() throws Exception {
        route();

        assertConnectionEnds();
        assertThat(owner.connections()).isZero();
        assertThat(registry.find("privatelink.gateway.connections.refused").counters())
                .isEmpty();
    }

    private void assertConnectionEnds() throws IOException {
        try (Socket client = new Socket("127.0.0.1", listenPort)) {
            client.setSoTimeout(15_000);
            try {
                client.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            } catch (SocketException reset) {
                return; // reset before the write: ended all the same
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try {
                    return client.getInputStream().read() == -1;
                } catch (SocketException reset) {
                    return true;
                }
            });
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }
}
