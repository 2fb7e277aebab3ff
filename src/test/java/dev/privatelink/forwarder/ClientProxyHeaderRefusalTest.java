package dev.privatelink.forwarder;

import static dev.privatelink.forwarder.Loopback.config;
import static dev.privatelink.forwarder.Loopback.connect;
import static dev.privatelink.forwarder.Loopback.ending;
import static dev.privatelink.forwarder.Loopback.freePort;
import static dev.privatelink.forwarder.Loopback.roundTrip;
import static dev.privatelink.forwarder.Loopback.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.forwarder.Loopback.Ending;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SEC-11 on real loopback sockets: a client whose first bytes are a PROXY header of its own
 * (v1 or v2) is reset, and none of its bytes reach the owner; every other client, including one
 * that sends a single byte first or nothing at all, is served without waiting.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientProxyHeaderRefusalTest {

    private static final String ENDPOINT = "vpce-sec11";
    private static final byte[] FORGED_V1 =
            "PROXY TCP4 10.1.2.3 10.9.9.9 5555 443\r\nGET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Meters meters = new Meters(registry);
    private Forwarder forwarder;

    @AfterEach
    void stop() {
        if (forwarder != null) {
            forwarder.close();
        }
    }

    @Test
    void aClientsOwnV1HeaderIsResetAndNeverReachesTheOwner() throws Exception {
        try (Recorder owner = new Recorder()) {
            int port = listen(true, owner.server.port());

            assertThat(sendAndWaitForEnd(port, FORGED_V1)).isEqualTo(Ending.RESET);

            await().atMost(Duration.ofSeconds(10)).until(() -> meters.refused(ENDPOINT, "client_proxy_header") == 1);
            assertThat(owner.received()).isEmpty();
        }
    }

    @Test
    void aClientsOwnV2HeaderIsReset() throws Exception {
        byte[] forged = ProxyProtocolV2.header(
                new InetSocketAddress("10.1.2.3", 5555), new InetSocketAddress("10.9.9.9", 443), "vpce-forged");
        try (Recorder owner = new Recorder()) {
            int port = listen(true, owner.server.port());

            assertThat(sendAndWaitForEnd(port, forged)).isEqualTo(Ending.RESET);

            await().atMost(Duration.ofSeconds(10)).until(() -> meters.refused(ENDPOINT, "client_proxy_header") == 1);
            assertThat(owner.received()).isEmpty();
        }
    }

    @Test
    void aHeaderSplitAcrossWritesIsResetAtItsFirstByte() throws Exception {
        try (Recorder owner = new Recorder()) {
            int port = listen(true, owner.server.port());

            try (Socket client = connect(port)) {
                client.setTcpNoDelay(true);
                client.getOutputStream().write('P');
                client.getOutputStream().flush();
                var ended = ending(client);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> meters.refused(ENDPOINT, "client_proxy_header") == 1);
                try {
                    client.getOutputStream()
                            .write("ROXY TCP4 10.1.2.3 10.9.9.9 5555 443\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (SocketException alreadyReset) {
                    // the reset may have arrived first
                }
                assertThat(ended.get(10, TimeUnit.SECONDS)).isEqualTo(Ending.RESET);
            }
            assertThat(owner.received()).isEmpty();
        }
    }

    @Test
    void ordinaryClientsAreServedAtOnceWhateverTheyFirstSend() throws Exception {
        try (TestServer echo = TestServer.echo()) {
            int port = listen(true, echo.port());

            try (Socket client = connect(port)) {
                client.setTcpNoDelay(true);
                // one byte first, and wait for its echo: nothing holds it back for more
                client.getOutputStream().write('x');
                assertThat(client.getInputStream().read()).isEqualTo('x');
                assertThat(roundTrip(client, "PROXY later in the stream is payload"))
                        .isEqualTo("PROXY later in the stream is payload");
            }
            try (Socket client = connect(port)) {
                assertThat(roundTrip(client, "PRI * HTTP/2.0")).isEqualTo("PRI * HTTP/2.0");
            }
            assertThat(meters.refused(ENDPOINT, "client_proxy_header")).isZero();
        }
    }

    @Test
    void aClientThatSendsNothingHearsAServerThatSpeaksFirst() throws Exception {
        try (TestServer banner = TestServer.start(socket -> {
            socket.getOutputStream().write("220 ready\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.getInputStream().transferTo(socket.getOutputStream());
        })) {
            int port = listen(true, banner.port());

            try (Socket client = connect(port)) {
                assertThat(readLine(client.getInputStream())).isEqualTo("220 ready");
                assertThat(roundTrip(client, "QUIT")).isEqualTo("QUIT");
            }
        }
    }

    @Test
    void withTheCheckOffAClientsHeaderIsPassedOn() throws Exception {
        try (Recorder owner = new Recorder()) {
            int port = listen(false, owner.server.port());

            try (Socket client = connect(port)) {
                client.getOutputStream().write(FORGED_V1);
                await().atMost(Duration.ofSeconds(10)).until(() -> owner.received().length == FORGED_V1.length);
            }
            assertThat(meters.refused(ENDPOINT, "client_proxy_header")).isZero();
        }
    }

    private int listen(boolean refuse, int upstreamPort) throws IOException {
        forwarder = new Forwarder(
                ForwarderSettings.defaults()
                        .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                        .withBindAddress(Loopback.HOST)
                        .withClientProxyHeadersRefused(refuse),
                registry);
        int port = freePort();
        assertThat(forwarder.apply(config(route(ENDPOINT, port, upstreamPort))).complete())
                .isTrue();
        return port;
    }

    private static Ending sendAndWaitForEnd(int port, byte[] bytes) throws Exception {
        try (Socket client = connect(port)) {
            var ended = ending(client);
            client.getOutputStream().write(bytes);
            return ended.get(10, TimeUnit.SECONDS);
        } catch (SocketException resetWhileWriting) {
            return Ending.RESET;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n' && c >= 0) {
            line.append((char) c);
        }
        return line.toString();
    }

    /** An owner that records every byte it receives, on all its connections. */
    private static final class Recorder implements AutoCloseable {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final TestServer server;

        Recorder() throws IOException {
            server = TestServer.start(socket -> {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[4096];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (bytes) {
                        bytes.write(buffer, 0, n);
                    }
                }
            });
        }

        byte[] received() {
            synchronized (bytes) {
                return bytes.toByteArray();
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
