package dev.privatelink.gateway;

import static dev.privatelink.gateway.Peers.ENDPOINT_ID;
import static dev.privatelink.gateway.Peers.preamble;
import static dev.privatelink.gateway.Peers.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.privatelink.gateway.config.GatewayConfig.EndpointState;
import dev.privatelink.gateway.config.GatewayConfig.PeerState;
import dev.privatelink.gateway.config.GatewayConfig.ProxyProtocol;
import dev.privatelink.pki.CertificateAuthority;
import dev.privatelink.pki.Credential;
import dev.privatelink.pki.MutualTls;
import dev.privatelink.pki.Pem;
import dev.privatelink.pki.SpiffeId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers not written here check the gateway's edges: {@code openssl s_client} without a client
 * certificate, or with one of another trust domain, is refused in the handshake (and one of the
 * peer's gets through it); HAProxy's {@code accept-proxy} parses the header the gateway writes
 * for the owner.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IndependentPeersTest {

    private static final int SERVICE_PORT = 443;

    private final Peers peers = new Peers();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Gateway gateway;
    private Process haproxy;

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(5, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly();
            }
        }
    }

    @Test
    void theGatewayTalksTls13ThroughBoringSsl() {
        assertThat(OpenSsl.isAvailable())
                .as("netty-tcnative-boringssl-static loads here: %s", OpenSsl.unavailabilityCause())
                .isTrue();
        assertThat(MutualTls.provider().name()).isEqualTo("OPENSSL");
    }

    @Test
    void opensslWithoutACertificateOrWithAStrangersIsRefusedAndWithAPeersGetsThrough() throws Exception {
        Path openssl = Path.of("/usr/bin/openssl");
        requirePeer(openssl, "openssl");
        gateway = peers.startGateway(registry);
        gateway.apply(peers.config(EndpointState.AVAILABLE, PeerState.ACTIVE, SERVICE_PORT, 9, ProxyProtocol.NONE));
        Path eastRoot = write("east-root.pem", Pem.certificates(List.of(peers.east.root())));

        String noCertificate = sClient(openssl, eastRoot, null);
        assertRefused(noCertificate);
        // the CertificateRequest names no CA: it would tell anyone which clusters this one peers with
        assertThat(noCertificate).contains("No client certificate CA names sent");
        await().atMost(Duration.ofSeconds(10)).until(() -> handshakeRefusals() == 1);

        Credential stranger = peers.north.issue(SpiffeId.consumer("north", "shop"), CertificateAuthority.LEAF_VALIDITY);
        String strangers = sClient(openssl, eastRoot, stranger);
        assertRefused(strangers);
        await().atMost(Duration.ofSeconds(10)).until(() -> handshakeRefusals() == 2);

        // the control: west's consumer certificate completes the handshake (and then sends no preamble)
        String peer = sClient(openssl, eastRoot, peers.shop);
        assertThat(peer).contains("New, TLSv1.3").doesNotContainIgnoringCase("alert");
        assertThat(handshakeRefusals()).isEqualTo(2);
    }

    @Test
    void haproxyReadsTheHeaderTheGatewayWritesForTheOwner() throws Exception {
        Path binary = Path.of("/usr/sbin/haproxy");
        requirePeer(binary, "haproxy");
        int haproxyPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            haproxyPort = probe.getLocalPort();
        }
        Path config = write("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 10s
                    timeout server 10s
                frontend owner
                    bind 127.0.0.1:%d accept-proxy
                    http-request return status 200 content-type text/plain lf-string "src=%%[src] src_port=%%[src_port] dst=%%[dst] dst_port=%%[dst_port]"
                """.formatted(haproxyPort));
        haproxy = new ProcessBuilder(binary.toString(), "-db", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile())
                .start();
        int port = haproxyPort;
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return true;
            }
        });
        gateway = peers.startGateway(registry);
        gateway.apply(
                peers.config(EndpointState.AVAILABLE, PeerState.ACTIVE, SERVICE_PORT, haproxyPort, ProxyProtocol.V2));

        try (SSLSocket socket = peers.connect(gateway.port(), peers.shop)) {
            send(
                    socket,
                    preamble(ENDPOINT_ID, SERVICE_PORT),
                    "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

            assertThat(answer)
                    .contains("200")
                    .contains("src=10.1.2.3 src_port=40000 dst=10.96.0.10 dst_port=" + SERVICE_PORT);
        }
    }

    private String sClient(Path openssl, Path caFile, Credential credential) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                openssl.toString(),
                "s_client",
                "-connect",
                "127.0.0.1:" + gateway.port(),
                "-tls1_3",
                "-CAfile",
                caFile.toString(),
                "-ign_eof"));
        if (credential != null) {
            String name = credential.certificate().getSerialNumber().toString(16);
            command.addAll(List.of(
                    "-cert",
                            write(name + ".pem", Pem.certificates(List.of(credential.certificate())))
                                    .toString(),
                    "-cert_chain",
                            write(
                                            name + "-chain.pem",
                                            Pem.certificates(credential
                                                    .chain()
                                                    .subList(
                                                            1,
                                                            credential.chain().size())))
                                    .toString(),
                    "-key",
                            write(name + ".key", Pem.privateKey(credential.key()))
                                    .toString()));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close(); // nothing to send: -ign_eof waits for the gateway to end it
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** The gateway ends a refused handshake with a reset (or, had it got out first, an alert). */
    private static void assertRefused(String sClientOutput) {
        assertThat(sClientOutput).containsAnyOf("errno=104", "alert");
    }

    private double handshakeRefusals() {
        return registry.find("privatelink.gateway.connections.refused").tag("reason", "handshake").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return file;
    }

    private static void requirePeer(Path binary, String name) {
        String missing = name + " is not installed: the gateway is not checked against it";
        if (!Files.isExecutable(binary) && "true".equals(System.getenv("CI"))) {
            fail(missing + "; CI=true, where a missing peer fails rather than skips");
        }
        assumeTrue(Files.isExecutable(binary), missing);
    }
}
