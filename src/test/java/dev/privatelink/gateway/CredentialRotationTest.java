package dev.privatelink.gateway;

import static dev.privatelink.gateway.Peers.ENDPOINT_ID;
import static dev.privatelink.gateway.Peers.preamble;
import static dev.privatelink.gateway.Peers.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.privatelink.forwarder.Forwarder;
import dev.privatelink.forwarder.ForwarderSettings;
import dev.privatelink.forwarder.GatewayClient;
import dev.privatelink.forwarder.UpstreamGuard;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.RemoteGateway;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.gateway.config.GatewayConfig.EndpointState;
import dev.privatelink.gateway.config.GatewayConfig.PeerState;
import dev.privatelink.gateway.config.GatewayConfig.ProxyProtocol;
import dev.privatelink.pki.CertificateAuthority;
import dev.privatelink.pki.Credential;
import dev.privatelink.pki.CredentialWatch;
import dev.privatelink.pki.Pem;
import dev.privatelink.pki.RunwayGauge;
import dev.privatelink.pki.SecretVolume;
import dev.privatelink.pki.SpiffeId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates rotated as Kubernetes rotates a mounted Secret, at both ends of a cross-cluster
 * connection: the next handshake presents the new certificate, a live connection goes on passing
 * bytes on the one it was made with, and a set that is not usable changes nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CredentialRotationTest {

    private static final int SERVICE_PORT = 443;

    private final Peers peers = new Peers();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @TempDir
    Path dir;

    @Test
    void theForwarderHandshakesWithARotatedCredentialAndKeepsItsLiveConnection() throws Exception {
        SecretVolume volume = new SecretVolume(dir);
        volume.publish(SecretVolume.forwarderFiles(peers.shop, "east", peers.east.root()));
        try (RecordingTlsServer gateway =
                        new RecordingTlsServer(peers.gateway, "west", peers.west.root(), peers.clock);
                Forwarder forwarder = new Forwarder(
                        ForwarderSettings.defaults()
                                .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                                .withBindAddress("127.0.0.1"),
                        registry);
                CredentialWatch watch = GatewayClient.watch(volume.dir(), forwarder, registry, peers.clock)) {
            assertThat(watch.poll()).isTrue();
            int listenPort = routeTo(forwarder, gateway.port());

            try (Socket live = connect(listenPort)) {
                assertThat(echo(live, "one")).isEqualTo("one");
                assertThat(gateway.clientSerials.poll(10, TimeUnit.SECONDS)).isEqualTo(serial(peers.shop));

                Credential rotated =
                        peers.west.issue(SpiffeId.consumer("west", "shop"), CertificateAuthority.LEAF_VALIDITY);
                volume.publish(SecretVolume.forwarderFiles(rotated, "east", peers.east.root()));
                assertThat(watch.poll()).isTrue();

                assertThat(echo(live, "two")).isEqualTo("two");
                try (Socket next = connect(listenPort)) {
                    assertThat(echo(next, "three")).isEqualTo("three");
                    assertThat(gateway.clientSerials.poll(10, TimeUnit.SECONDS)).isEqualTo(serial(rotated));
                }
                assertThat(echo(live, "four")).isEqualTo("four");
            }
            assertThat(registry.get(RunwayGauge.NAME)
                            .tag("component", "forwarder")
                            .gauge()
                            .value())
                    .isGreaterThan(Duration.ofDays(2).toSeconds());
        }
    }

    @Test
    void theGatewayPresentsARotatedCertificateToNewHandshakesOnlyAndKeepsTheLastGoodPair() throws Exception {
        Path chain = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        write(chain, key, peers.gateway);
        try (Owner owner = new Owner(true);
                Gateway gateway = peers.startGateway(registry);
                CredentialWatch watch = gateway.watchCredential(chain, key, registry)) {
            gateway.apply(peers.config(
                    EndpointState.AVAILABLE, PeerState.ACTIVE, SERVICE_PORT, owner.port(), ProxyProtocol.V2));
            assertThat(watch.poll()).isTrue();

            try (SSLSocket live = peers.connect(gateway.port(), peers.shop)) {
                send(live, preamble(ENDPOINT_ID, SERVICE_PORT));
                assertThat(echo(live, "one")).isEqualTo("one");

                Credential rotated = peers.east.issue(SpiffeId.gateway("east"), CertificateAuthority.LEAF_VALIDITY);
                write(chain, key, rotated);
                assertThat(watch.poll()).isTrue();

                assertThat(echo(live, "two")).isEqualTo("two");
                assertThat(live.getSession().getPeerCertificates()[0]).isEqualTo(peers.gateway.certificate());
                try (SSLSocket next = peers.connect(gateway.port(), peers.shop)) {
                    assertThat(serial((X509Certificate) next.getSession().getPeerCertificates()[0]))
                            .isEqualTo(serial(rotated));
                }

                // a chain whose key is not there yet (or is another's) keeps the rotated pair
                Credential half = peers.east.issue(SpiffeId.gateway("east"), CertificateAuthority.LEAF_VALIDITY);
                Files.writeString(chain, Pem.certificates(half.chain()));
                assertThat(watch.poll()).isFalse();
                try (SSLSocket next = peers.connect(gateway.port(), peers.shop)) {
                    assertThat(next.getSession().getPeerCertificates()[0]).isEqualTo(rotated.certificate());
                }
                assertThat(registry.get("privatelink.certificate.reload.failures")
                                .tag("component", "gateway")
                                .counter()
                                .count())
                        .isEqualTo(1);
                assertThat(echo(live, "three")).isEqualTo("three");
            }
        }
    }

    @Test
    void aGatewayIsReadyOnlyWithAConfigAndACredentialAndRefusesEveryoneUntilThen() throws Exception {
        Path chain = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        try (Owner owner = new Owner(true);
                Gateway gateway =
                        peers.startGateway(registry, GatewayLimits.defaults(), null, Duration.ofSeconds(350));
                CredentialWatch watch = gateway.watchCredential(chain, key, registry)) {
            assertThat(watch.poll()).isFalse(); // no files yet
            gateway.apply(peers.config(
                    EndpointState.AVAILABLE, PeerState.ACTIVE, SERVICE_PORT, owner.port(), ProxyProtocol.V2));
            assertThat(gateway.isReady()).isFalse();
            assertThatThrownBy(() -> peers.connect(gateway.port(), peers.shop)).isInstanceOf(IOException.class);
            assertThat(registry.get("privatelink.gateway.connections.refused")
                            .tag("reason", "no_credential")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get(RunwayGauge.NAME)
                            .tag("component", "gateway")
                            .gauge()
                            .value())
                    .isGreaterThan(Duration.ofDays(3000).toSeconds()); // the peer's root only, for now

            write(chain, key, peers.gateway);
            assertThat(watch.poll()).isTrue();

            assertThat(gateway.isReady()).isTrue();
            try (SSLSocket socket = peers.connect(gateway.port(), peers.shop)) {
                send(socket, preamble(ENDPOINT_ID, SERVICE_PORT));
                assertThat(echo(socket, "hello")).isEqualTo("hello");
            }
            // the runway is now the gateway's leaf's: three days
            assertThat(registry.get(RunwayGauge.NAME)
                            .tag("component", "gateway")
                            .gauge()
                            .value())
                    .isBetween((double) Duration.ofDays(3).minusMinutes(5).toSeconds(), (double)
                            Duration.ofDays(3).toSeconds());
        }
    }

    /** Both files replaced, each atomically, as a tool that writes a temporary file and renames it does. */
    private static void write(Path chain, Path key, Credential credential) throws IOException {
        Path tmp = chain.resolveSibling("tmp");
        Files.writeString(tmp, Pem.privateKey(credential.key()));
        Files.move(tmp, key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(tmp, Pem.certificates(credential.chain()));
        Files.move(tmp, chain, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private int routeTo(Forwarder forwarder, int gatewayPort) throws IOException {
        int listenPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            listenPort = probe.getLocalPort();
        }
        Route route = new Route(
                ENDPOINT_ID,
                SERVICE_PORT,
                listenPort,
                List.of(new ForwarderConfig.Upstream("127.0.0.1", gatewayPort, 1)),
                ForwarderConfig.ProxyProtocol.NONE,
                RouteState.ACTIVE,
                "10.96.0.10",
                null,
                new RemoteGateway("east"),
                null);
        assertThat(forwarder.apply(new ForwarderConfig(List.of(route))).complete())
                .isTrue();
        return listenPort;
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        return socket;
    }

    private static String echo(Socket socket, String line) throws IOException {
        send(socket, (line + "\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder got = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            got.append((char) c);
        }
        return got.toString();
    }

    private static BigInteger serial(Credential credential) {
        return serial(credential.certificate());
    }

    private static BigInteger serial(X509Certificate certificate) {
        return certificate.getSerialNumber();
    }
}
