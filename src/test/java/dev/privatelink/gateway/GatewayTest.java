package dev.privatelink.gateway;

import static dev.privatelink.gateway.Peers.ENDPOINT_ID;
import static dev.privatelink.gateway.Peers.preamble;
import static dev.privatelink.gateway.Peers.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.privatelink.forwarder.ProxyProtocolV2Decoder;
import dev.privatelink.gateway.config.GatewayConfig;
import dev.privatelink.gateway.config.GatewayConfig.EndpointState;
import dev.privatelink.gateway.config.GatewayConfig.Peer;
import dev.privatelink.gateway.config.GatewayConfig.PeerState;
import dev.privatelink.gateway.config.GatewayConfig.ProxyProtocol;
import dev.privatelink.pki.CertificateAuthority;
import dev.privatelink.pki.Credential;
import dev.privatelink.pki.Pem;
import dev.privatelink.pki.SpiffeId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateway on real loopback sockets: a JDK TLS 1.3 client as the consumer's forwarder, an echo owner. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayTest {

    static final int SERVICE_PORT = 443;

    private final Peers peers = new Peers();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Gateway gateway;
    private Owner owner;

    @BeforeEach
    void start() throws IOException {
        owner = new Owner(true);
        gateway = peers.startGateway(registry);
        gateway.apply(
                peers.config(EndpointState.AVAILABLE, PeerState.ACTIVE, SERVICE_PORT, owner.port(), ProxyProtocol.V2));
    }

    @AfterEach
    void stop() throws IOException {
        gateway.close();
        owner.close();
    }

    @Test
    void anAllowedConsumerReachesTheOwnerWhichReadsTheVerifiedEndpointId() throws Exception {
        try (SSLSocket socket = peers.connect(gateway.port(), peers.shop)) {
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            send(socket, preamble(ENDPOINT_ID, SERVICE_PORT), "hello\n".getBytes(StandardCharsets.US_ASCII));

            assertThat(readLine(socket)).isEqualTo("hello");
            ProxyProtocolV2Decoder.Header header = owner.headers.poll(10, TimeUnit.SECONDS);
            assertThat(header).isNotNull();
            assertThat(header.vpceId()).isEqualTo(ENDPOINT_ID);
            assertThat(header.source().getAddress().getHostAddress()).isEqualTo("10.1.2.3");
            assertThat(header.destination().getPort()).isEqualTo(SERVICE_PORT);
            assertThat(counter("privatelink.gateway.connections.new", "endpoint_id", ENDPOINT_ID))
                    .isEqualTo(1);
        }
    }

    @Test
    void halfCloseIsPassedOnBothWays() throws Exception {
        try (SSLSocket socket = peers.connect(gateway.port(), peers.shop)) {
            byte[] payload = new byte[256 * 1024];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) i;
            }
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
                try {
                    return socket.getInputStream().readAllBytes();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            send(socket, preamble(ENDPOINT_ID, SERVICE_PORT), payload);
            peers.shutdownOutput(socket); // the owner echoes to its end of input, then ends its own

            byte[] got = echoed.get(20, TimeUnit.SECONDS);
            assertThat(got.length).isEqualTo(payload.length);
            assertThat(got).isEqualTo(payload);
        }
    }

    @Test
    void aWrongEndpointANamespaceThatIsNotTheConsumerAndAnUnofferedPortAreResetAndCounted() throws Exception {
        Credential otherNamespace =
                peers.west.issue(SpiffeId.consumer("west", "billing"), CertificateAuthority.LEAF_VALIDITY);
        Credential westOperator = peers.west.issue(SpiffeId.operator("west"), CertificateAuthority.LEAF_VALIDITY);

        assertReset(peers.shop, preamble("vpce-000000000000000ff", SERVICE_PORT));
        assertReset(otherNamespace, preamble(ENDPOINT_ID, SERVICE_PORT));
        assertReset(peers.shop, preamble(ENDPOINT_ID, 8443));
        assertReset(westOperator, preamble(ENDPOINT_ID, SERVICE_PORT));

        assertThat(counter("privatelink.gateway.connections.refused", "reason", "unknown_endpoint"))
                .isEqualTo(1);
        assertThat(counter("privatelink.gateway.connections.refused", "reason", "not_the_consumer"))
                .isEqualTo(1);
        assertThat(counter("privatelink.gateway.connections.refused", "reason", "port_not_offered"))
                .isEqualTo(1);
        assertThat(counter("privatelink.gateway.connections.refused", "reason", "not_a_consumer"))
                .isEqualTo(1);
        assertThat(owner.connections()).isZero();
    }

    @Test
    void somethingElseThanAPreambleIsResetAndCounted() throws Exception {
        assertReset(peers.shop, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] overrun = preamble(ENDPOINT_ID, SERVICE_PORT);
        overrun[16 + 12 + 2]++; // the endpoint ID TLV claims a byte more than the header holds
        assertReset(peers.shop, overrun);

        assertThat(counter("privatelink.gateway.connections.refused", "reason", "bad_preamble"))
                .isEqualTo(2);
        assertThat(owner.connections()).isZero();
    }

    @Test
    void aCertificateOfNoPeerIsRefusedInTheHandshake() throws Exception {
        Credential stranger = peers.north.issue(SpiffeId.consumer("north", "shop"), CertificateAuthority.LEAF_VALIDITY);

        assertThatThrownBy(() -> {
                    try (SSLSocket socket = peers.connect(gateway.port(), stranger)) {
                        send(socket, preamble(ENDPOINT_ID, SERVICE_PORT), "hello\n".getBytes());
                        socket.getInputStream().read();
                    }
                })
                .isInstanceOf(IOException.class);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> counter("privatelink.gateway.connections.refused", "reason", "handshake") >= 1);
        assertThat(owner.connections()).isZero();
    }

    /**
     * The issue asks that a live connection be cut within 100 ms of the gateway receiving the
     * change: measured from {@link Gateway#apply} to the client reading the reset, printed, and
     * asserted with a bound generous enough for a loaded CI machine.
     */
    @Test
    void aSuspensionCutsALiveConnectionAtOnce() throws Exception {
        try (SSLSocket socket = peers.connect(gateway.port(), peers.shop)) {
            send(socket, preamble(ENDPOINT_ID, SERVICE_PORT), "hello\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(reader.readLine()).isEqualTo("hello");
            CompletableFuture<Long> cutAt = CompletableFuture.supplyAsync(() -> {
                try {
                    int read = reader.read();
                    return read == -1 ? System.nanoTime() : -1L;
                } catch (IOException e) {
                    return System.nanoTime();
                }
            });

            long appliedAt = System.nanoTime();
            gateway.apply(peers.config(
                    EndpointState.SUSPENDED, PeerState.ACTIVE, SERVICE_PORT, owner.port(), ProxyProtocol.V2));

            long cut = cutAt.get(10, TimeUnit.SECONDS);
            assertThat(cut).isPositive();
            double millis = (cut - appliedAt) / 1e6;
            System.out.printf("gateway: live connection cut %.2f ms after the suspension was applied%n", millis);
            assertThat(millis).isLessThan(2_000);
            assertThat(counter("privatelink.gateway.connections.cut", "reason", "endpoint_suspended"))
                    .isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> gateway.liveConnections() == 0);
        }
        // and no new one gets through
        assertReset(peers.shop, preamble(ENDPOINT_ID, SERVICE_PORT));
        assertThat(counter("privatelink.gateway.connections.refused", "reason", "endpoint_suspended"))
                .isEqualTo(1);
    }

    @Test
    void suspendingOrRemovingThePeerCutsItsConnections() throws Exception {
        try (SSLSocket socket = peers.connect(gateway.port(), peers.shop)) {
            send(socket, preamble(ENDPOINT_ID, SERVICE_PORT), "hello\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(socket)).isEqualTo("hello");

            gateway.apply(peers.config(
                    EndpointState.AVAILABLE, PeerState.SUSPENDED, SERVICE_PORT, owner.port(), ProxyProtocol.V2));

            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketException.class);
        }
        assertThat(counter("privatelink.gateway.connections.cut", "reason", "peer_suspended"))
                .isEqualTo(1);
    }

    @Test
    void aConfigThatChangesSomethingElseLeavesLiveConnectionsAlone() throws Exception {
        try (SSLSocket socket = peers.connect(gateway.port(), peers.shop)) {
            send(socket, preamble(ENDPOINT_ID, SERVICE_PORT), "one\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(socket)).isEqualTo("one");

            gateway.apply(peers.config(
                    EndpointState.AVAILABLE, PeerState.ACTIVE, SERVICE_PORT, owner.port(), ProxyProtocol.V2));
            Credential rotated = peers.east.issue(SpiffeId.gateway("east"), CertificateAuthority.LEAF_VALIDITY);
            gateway.useCredential(rotated);

            send(socket, "two\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(socket)).isEqualTo("two");
            // the next handshake presents the rotated certificate
            try (SSLSocket next = peers.connect(gateway.port(), peers.shop)) {
                assertThat(next.getSession().getPeerCertificates()[0]).isEqualTo(rotated.certificate());
            }
        }
    }

    @Test
    void aPeerWhoseRootsNoLongerSignItsCertificateIsCut() throws Exception {
        try (SSLSocket socket = peers.connect(gateway.port(), peers.shop)) {
            send(socket, preamble(ENDPOINT_ID, SERVICE_PORT), "hello\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(socket)).isEqualTo("hello");

            // west's bundle replaced by another root of the same name: its old chain no longer validates
            CertificateAuthority replaced =
                    CertificateAuthority.newRoot("west", peers.clock, CertificateAuthority.ROOT_VALIDITY);
            GatewayConfig config = peers.config(
                    EndpointState.AVAILABLE, PeerState.ACTIVE, SERVICE_PORT, owner.port(), ProxyProtocol.V2);
            Peer west = config.peers().get(0);
            gateway.apply(new GatewayConfig(
                    List.of(new Peer(
                            west.name(), west.trustDomain(), Pem.certificates(List.of(replaced.root())), west.state())),
                    config.endpoints()));

            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketException.class);
        }
        assertThat(counter("privatelink.gateway.connections.cut", "reason", "unknown_peer"))
                .isEqualTo(1);
    }

    private void assertReset(Credential credential, byte[] firstBytes) throws Exception {
        try (SSLSocket socket = peers.connect(gateway.port(), credential)) {
            send(socket, firstBytes);
            assertThatThrownBy(() -> {
                        int read = socket.getInputStream().read();
                        if (read == -1) {
                            throw new AssertionError("an end of stream, not a reset");
                        }
                    })
                    .isInstanceOfAny(SocketException.class, SSLException.class);
        }
    }

    private static String readLine(SSLSocket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = socket.getInputStream().read()) != -1 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }

    private double counter(String name, String tag, String value) {
        return registry.find(name).tag(tag, value).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }
}
