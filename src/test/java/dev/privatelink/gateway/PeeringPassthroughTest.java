package dev.privatelink.gateway;

import static dev.privatelink.gateway.Peers.ENDPOINT_ID;
import static dev.privatelink.gateway.Peers.preamble;
import static dev.privatelink.gateway.Peers.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.privatelink.forwarder.HostPort;
import dev.privatelink.forwarder.UpstreamGuard;
import dev.privatelink.gateway.config.GatewayConfig.EndpointState;
import dev.privatelink.gateway.config.GatewayConfig.PeerState;
import dev.privatelink.gateway.config.GatewayConfig.ProxyProtocol;
import dev.privatelink.peering.PeeringWire;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway with peering passed through: a ClientHello naming {@link PeeringWire#SERVER_NAME}
 * reaches the peering upstream byte for byte (the gateway does not terminate it); everything else
 * is the gateway's own TLS as before, client certificate required.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeeringPassthroughTest {

    static final int SERVICE_PORT = 443;

    private final Peers peers = new Peers();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ServerSocket operator;
    private Owner owner;
    private Gateway gateway;

    @BeforeEach
    void start() throws IOException {
        operator = new ServerSocket();
        operator.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        owner = new Owner(true);
        GatewaySettings settings = GatewaySettings.defaults()
                .withListen("127.0.0.1", 0)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(350))
                .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                .withPeeringUpstream(new HostPort("127.0.0.1", operator.getLocalPort()));
        gateway = new Gateway(settings, peers.gateway, registry, peers.clock);
        gateway.apply(
                peers.config(EndpointState.AVAILABLE, PeerState.ACTIVE, SERVICE_PORT, owner.port(), ProxyProtocol.V2));
    }

    @AfterEach
    void stop() throws IOException {
        gateway.close();
        owner.close();
        operator.close();
    }

    @Test
    void aPeeringClientHelloReachesTheOperatorUntouchedAndItsAnswerComesBack() throws Exception {
        CompletableFuture<byte[]> seen = CompletableFuture.supplyAsync(() -> {
            try (Socket accepted = operator.accept()) {
                accepted.setSoTimeout(10_000);
                byte[] hello = readRecord(accepted.getInputStream());
                accepted.getOutputStream().write("not TLS, just bytes\n".getBytes(StandardCharsets.US_ASCII));
                accepted.getOutputStream().flush();
                return hello;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try (Socket tcp = new Socket("127.0.0.1", gateway.port())) {
            tcp.setSoTimeout(10_000);
            SSLSocket tls = clientWithServerName(tcp, PeeringWire.SERVER_NAME);
            CompletableFuture.runAsync(() -> {
                try {
                    tls.startHandshake(); // fails on the bytes that come back; the hello is what counts
                } catch (IOException expected) {
                    // the "operator" here speaks no TLS
                }
            });

            byte[] hello = seen.get(20, TimeUnit.SECONDS);
            assertThat(hello[0]).as("a TLS handshake record").isEqualTo((byte) 0x16);
            assertThat(new String(hello, StandardCharsets.ISO_8859_1)).contains(PeeringWire.SERVER_NAME);
        }
        assertThat(registry.get("privatelink.gateway.peering.bytes")
                        .tag("direction", "to_operator")
                        .counter()
                        .count())
                .isPositive();
    }

    @Test
    void anotherServerNameIsTerminatedByTheGatewayAndNeedsAClientCertificate() throws Exception {
        try (Socket tcp = new Socket("127.0.0.1", gateway.port())) {
            tcp.setSoTimeout(10_000);
            SSLSocket tls = clientWithServerName(tcp, "gateway.east.example");
            assertThatThrownBy(() -> {
                        tls.startHandshake();
                        tls.getOutputStream().write(preamble(ENDPOINT_ID, SERVICE_PORT));
                        tls.getOutputStream().flush();
                        assertThat(tls.getInputStream().read()).isEqualTo(-1);
                    })
                    .isInstanceOf(IOException.class);
        }
        operator.setSoTimeout(500);
        assertThatThrownBy(operator::accept)
                .as("nothing was passed through")
                .isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void aConsumerWithItsCertificateStillReachesTheOwner() throws Exception {
        try (SSLSocket socket = peers.connect(gateway.port(), peers.shop)) {
            send(socket, preamble(ENDPOINT_ID, SERVICE_PORT), "hello\n".getBytes(StandardCharsets.US_ASCII));

            assertThat(new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                            .readLine())
                    .isEqualTo("hello");
        }
    }

    @Test
    void aClientHelloTooLongToBeOneIsRefusedAtOnceNotHeldUntilTheTimeout() throws Exception {
        GatewaySettings patient = GatewaySettings.defaults()
                .withListen("127.0.0.1", 0)
                .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(350))
                .withPeeringUpstream(new HostPort("127.0.0.1", operator.getLocalPort()));
        try (Gateway slow = new Gateway(patient, peers.gateway, registry, peers.clock);
                Socket tcp = new Socket("127.0.0.1", slow.port())) {
            tcp.setSoTimeout(20_000);
            // a handshake record announcing a ClientHello of 16 MiB - 1, then some of it
            byte[] start = {0x16, 0x03, 0x01, 0x40, 0x00, 0x01, (byte) 0xff, (byte) 0xff, (byte) 0xff};
            tcp.getOutputStream().write(start);
            tcp.getOutputStream().write(new byte[16 * 1024 - 4]);
            tcp.getOutputStream().flush();

            long began = System.nanoTime();
            assertThatThrownBy(() -> {
                        while (tcp.getInputStream().read() != -1) {
                            // nothing is expected; the end or a reset is
                        }
                        throw new IOException("closed");
                    })
                    .isInstanceOf(IOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(15));
        }
    }

    /** A JDK TLS 1.3 client without a certificate, trusting anything (what it checks is not the point here). */
    static SSLSocket clientWithServerName(Socket tcp, String serverName) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, null, null);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(tcp, "127.0.0.1", tcp.getPort(), true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        tls.setSSLParameters(parameters);
        return tls;
    }

    /** One TLS record: its 5-byte header and what the header says follows. */
    static byte[] readRecord(InputStream in) throws IOException {
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        byte[] header = in.readNBytes(5);
        record.write(header);
        int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        record.write(in.readNBytes(length));
        return record.toByteArray();
    }
}
