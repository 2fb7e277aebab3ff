package dev.privatelink.forwarder;

import static dev.privatelink.forwarder.Loopback.config;
import static dev.privatelink.forwarder.Loopback.connect;
import static dev.privatelink.forwarder.Loopback.ending;
import static dev.privatelink.forwarder.Loopback.endingOfNewConnection;
import static dev.privatelink.forwarder.Loopback.freePort;
import static dev.privatelink.forwarder.Loopback.readToEnd;
import static dev.privatelink.forwarder.Loopback.roundTrip;
import static dev.privatelink.forwarder.Loopback.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.forwarder.Loopback.Ending;
import dev.privatelink.forwarder.Loopback.Received;
import dev.privatelink.forwarder.Loopback.Stream;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The data path on real loopback sockets: bytes, half-close, back-pressure, failures, PROXY v2, metrics. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ForwardingTest {

    private static final long HUNDRED_MB = 100L * 1024 * 1024;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Meters meters = new Meters(registry);
    private final Forwarder forwarder = new Forwarder(
            ForwarderSettings.defaults()
                    .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                    .withBindAddress(Loopback.HOST),
            registry);
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        forwarder.close();
        threads.shutdownNow();
    }

    @Test
    void hundredMegabytesEachWayArriveIntact() throws Exception {
        Stream down = new Stream(HUNDRED_MB, 1);
        Stream up = new Stream(HUNDRED_MB, 2);
        CompletableFuture<Long> sentDown = new CompletableFuture<>();
        CompletableFuture<Received> receivedUp = new CompletableFuture<>();
        try (TestServer server = TestServer.start(socket -> {
            Future<Received> reading = threads.submit(() -> readToEnd(socket.getInputStream()));
            sentDown.complete(down.writeTo(socket.getOutputStream()));
            socket.shutdownOutput();
            try {
                receivedUp.complete(reading.get());
            } catch (Exception e) {
                receivedUp.completeExceptionally(e);
            }
        })) {
            int port = listen(route("vpce-bulk", freePort(), server.port()));

            try (Socket client = connect(port)) {
                Future<Received> receivedDown = threads.submit(() -> readToEnd(client.getInputStream()));
                long sentUp = up.writeTo(client.getOutputStream());
                client.shutdownOutput();

                assertThat(receivedDown.get(20, TimeUnit.SECONDS)).isEqualTo(new Received(HUNDRED_MB, sentDown.get()));
                assertThat(receivedUp.get(20, TimeUnit.SECONDS)).isEqualTo(new Received(HUNDRED_MB, sentUp));
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.active("vpce-bulk") == 0);
        assertThat(meters.bytes("client_to_upstream", "vpce-bulk")).isEqualTo(HUNDRED_MB);
        assertThat(meters.bytes("upstream_to_client", "vpce-bulk")).isEqualTo(HUNDRED_MB);
    }

    @Test
    void aClientThatShutsItsOutputStillGetsTheWholeResponse() throws Exception {
        Stream response = new Stream(4 * 1024 * 1024, 3);
        try (TestServer server = TestServer.start(socket -> {
            // answers only after the request ended, like a server reading to EOF
            Received request = readToEnd(socket.getInputStream());
            socket.getOutputStream().write(("got " + request.bytes() + "\n").getBytes(StandardCharsets.US_ASCII));
            response.writeTo(socket.getOutputStream());
            socket.shutdownOutput();
        })) {
            int port = listen(route("vpce-half", freePort(), server.port()));

            try (Socket client = connect(port)) {
                client.getOutputStream().write(new byte[1000]);
                client.shutdownOutput();

                InputStream in = client.getInputStream();
                assertThat(readLine(in)).isEqualTo("got 1000");
                long expectedCrc = response.writeTo(OutputStream.nullOutputStream());
                assertThat(readToEnd(in)).isEqualTo(new Received(response.size(), expectedCrc));
            }
        }
    }

    @Test
    void anUpstreamThatShutsItsOutputFirstStillGetsTheClientsLastBytes() throws Exception {
        CompletableFuture<String> upstreamGot = new CompletableFuture<>();
        try (TestServer server = TestServer.start(socket -> {
            socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            upstreamGot.complete(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        })) {
            int port = listen(route("vpce-half", freePort(), server.port()));

            try (Socket client = connect(port)) {
                assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("hello\n");
                client.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();

                assertThat(upstreamGot.get(10, TimeUnit.SECONDS)).isEqualTo("bye");
            }
        }
    }

    @Test
    void aSlowReaderKeepsTheForwardersMemoryBounded() throws Exception {
        Stream stream = new Stream(64L * 1024 * 1024, 4);
        CountDownLatch readerMayRead = new CountDownLatch(1);
        CompletableFuture<Received> received = new CompletableFuture<>();
        try (TestServer server = TestServer.startWithReceiveBuffer(64 * 1024, socket -> {
            readerMayRead.await();
            received.complete(readToEnd(socket.getInputStream()));
        })) {
            int port = listen(route("vpce-slow", freePort(), server.port()));
            AtomicLong written = new AtomicLong();

            try (Socket client = connect(port)) {
                client.setSendBufferSize(64 * 1024);
                Future<Long> sent = threads.submit(() -> {
                    long crc = stream.writeTo(client.getOutputStream(), written::set);
                    client.shutdownOutput();
                    return crc;
                });

                // the writer stops once every buffer on the way is full
                Progress progress = new Progress(written);
                await().atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> progress.stalledFor(Duration.ofMillis(300)));
                assertThat(written.get()).isLessThan(stream.size());
                // high-water mark (64 KiB) plus one read (at most 64 KiB), with room to spare
                long bound = 256 * 1024;
                await().during(Duration.ofMillis(500))
                        .atMost(Duration.ofSeconds(2))
                        .until(() -> forwarder.bufferedBytes() <= bound);

                readerMayRead.countDown();
                assertThat(received.get(20, TimeUnit.SECONDS)).isEqualTo(new Received(stream.size(), sent.get()));
            }
        }
    }

    @Test
    void aClientOfAnUpstreamThatIsDownIsResetPromptly() throws Exception {
        int port = listen(route("vpce-down", freePort(), freePort()));

        assertThat(endingOfNewConnection(port)).isEqualTo(Ending.RESET);
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.count("connections.reset", "vpce-down") == 1);
        assertThat(meters.count("upstream.connect.failures", "vpce-down")).isEqualTo(1);
    }

    @Test
    void anUpstreamResetIsPassedOnAsAReset() throws Exception {
        try (TestServer server = TestServer.start(socket -> {
            socket.getInputStream().read();
            socket.setSoLinger(true, 0);
            socket.close();
        })) {
            int port = listen(route("vpce-rst", freePort(), server.port()));

            try (Socket client = connect(port)) {
                CompletableFuture<Ending> ending = ending(client);
                client.getOutputStream().write('x');

                assertThat(ending.get(5, TimeUnit.SECONDS)).isEqualTo(Ending.RESET);
            }
        }
    }

    @Test
    void aConnectFailureFallsOverToTheNextUpstreamUnnoticed() throws Exception {
        try (TestServer echo = TestServer.echo()) {
            // the dead upstream is the first choice almost every time
            int port = listen(Loopback.withUpstreams(
                    route("vpce-failover", freePort()),
                    List.of(
                            new Upstream(Loopback.HOST, freePort(), 1000),
                            new Upstream(Loopback.HOST, echo.port(), 1))));

            for (int i = 0; i < 10; i++) {
                try (Socket client = connect(port)) {
                    assertThat(roundTrip(client, "ping " + i)).isEqualTo("ping " + i);
                }
            }

            assertThat(echo.connections()).isEqualTo(10);
            assertThat(meters.count("upstream.connect.failures", "vpce-failover"))
                    .isGreaterThanOrEqualTo(5);
            assertThat(meters.count("connections.reset", "vpce-failover")).isZero();
        }
    }

    @Test
    void anUpstreamThatDoesNotAnswerTimesOutAndFailsOver() throws Exception {
        Forwarder quick = new Forwarder(
                ForwarderSettings.defaults()
                        .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                        .withBindAddress(Loopback.HOST)
                        .withConnectTimeout(Duration.ofMillis(300)),
                registry);
        // a listener that never accepts, with its accept queue full: the kernel drops further SYNs
        try (quick;
                var clogged = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                TestServer echo = TestServer.echo()) {
            List<Socket> filling = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress(Loopback.HOST, clogged.getLocalPort()), 1000);
                    filling.add(s);
                }
            } catch (IOException queueAlreadyFull) {
                // fine: what matters is that it is full
            }
            int listenPort = freePort();
            quick.apply(config(Loopback.withUpstreams(
                    route("vpce-timeout", listenPort),
                    List.of(
                            new Upstream(Loopback.HOST, clogged.getLocalPort(), 1_000_000),
                            new Upstream(Loopback.HOST, echo.port(), 1)))));

            try (Socket client = connect(listenPort)) {
                // without the connect timeout this would wait for the kernel's, minutes
                Future<String> answer = threads.submit(() -> roundTrip(client, "late"));
                await().atMost(Duration.ofSeconds(10)).until(answer::isDone);
                assertThat(answer.get()).isEqualTo("late");
            } finally {
                for (Socket s : filling) {
                    s.close();
                }
            }
            assertThat(meters.count("upstream.connect.failures", "vpce-timeout"))
                    .isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void anIdleConnectionIsClosedOnBothSides() throws Exception {
        Forwarder impatient = new Forwarder(
                ForwarderSettings.defaults()
                        .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                        .withBindAddress(Loopback.HOST)
                        .withIdleTimeout(Duration.ofMillis(300)),
                registry);
        CompletableFuture<Ending> upstreamEnding = new CompletableFuture<>();
        try (impatient;
                TestServer server = TestServer.start(
                        socket -> upstreamEnding.complete(ending(socket).join()))) {
            int listenPort = freePort();
            impatient.apply(config(route("vpce-idle", listenPort, server.port())));

            try (Socket client = connect(listenPort)) {
                assertThat(roundTripThroughSilence(client)).isEqualTo(Ending.EOF);
                assertThat(upstreamEnding.get(5, TimeUnit.SECONDS)).isEqualTo(Ending.EOF);
            }
        }
    }

    @Test
    void proxyProtocolHeaderCarriesTheClientsAddressAndTheEndpointId() throws Exception {
        CompletableFuture<byte[]> upstreamGot = new CompletableFuture<>();
        try (TestServer server = TestServer.start(
                socket -> upstreamGot.complete(socket.getInputStream().readAllBytes()))) {
            int listenPort = freePort();
            listen(Loopback.withProxyProtocol(route("vpce-0123456789abcdef0", listenPort, server.port())));

            try (Socket client = connect(listenPort)) {
                client.getOutputStream().write("payload".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();

                byte[] bytes = upstreamGot.get(10, TimeUnit.SECONDS);
                ProxyProtocolV2Decoder.Header header = ProxyProtocolV2Decoder.decode(bytes);
                assertThat(header.source()).isEqualTo(client.getLocalSocketAddress());
                assertThat(header.destination()).isEqualTo(new InetSocketAddress(Loopback.HOST, listenPort));
                assertThat(header.vpceId()).isEqualTo("vpce-0123456789abcdef0");
                assertThat(new String(
                                bytes, header.length(), bytes.length - header.length(), StandardCharsets.US_ASCII))
                        .isEqualTo("payload");
            }
        }
    }

    @Test
    void proxyProtocolDestinationIsTheEndpointsAddressNotTheForwarders() throws Exception {
        // SEC-16: the owner learns what the consumer dialled (the endpoint's ClusterIP and port),
        // not where the forwarder pod listens
        CompletableFuture<byte[]> upstreamGot = new CompletableFuture<>();
        try (TestServer server = TestServer.start(
                socket -> upstreamGot.complete(socket.getInputStream().readAllBytes()))) {
            int listenPort = freePort();
            ForwarderConfig.Route plain = Loopback.withProxyProtocol(route("vpce-dst", listenPort, server.port()));
            listen(new ForwarderConfig.Route(
                    plain.endpointId(),
                    plain.endpointPort(),
                    plain.listenPort(),
                    plain.upstreams(),
                    plain.proxyProtocol(),
                    plain.state(),
                    "10.96.12.34",
                    null));

            try (Socket client = connect(listenPort)) {
                client.getOutputStream().write("payload".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();

                ProxyProtocolV2Decoder.Header header =
                        ProxyProtocolV2Decoder.decode(upstreamGot.get(10, TimeUnit.SECONDS));
                assertThat(header.destination()).isEqualTo(new InetSocketAddress("10.96.12.34", plain.endpointPort()));
                assertThat(header.source()).isEqualTo(client.getLocalSocketAddress());
            }
        }
    }

    @Test
    void metricsCountConnectionsAndBytesPerEndpoint() throws Exception {
        try (TestServer echo = TestServer.echo()) {
            int port = listen(route("vpce-metrics", freePort(), echo.port()));

            try (Socket client = connect(port)) {
                assertThat(roundTrip(client, "0123456789")).isEqualTo("0123456789");
                assertThat(meters.active("vpce-metrics")).isEqualTo(1);
            }

            await().atMost(Duration.ofSeconds(5)).until(() -> meters.active("vpce-metrics") == 0);
            assertThat(meters.count("connections.new", "vpce-metrics")).isEqualTo(1);
            assertThat(meters.bytes("client_to_upstream", "vpce-metrics")).isEqualTo(11);
            assertThat(meters.bytes("upstream_to_client", "vpce-metrics")).isEqualTo(11);
            assertThat(meters.durations("vpce-metrics")).isEqualTo(1);
        }
    }

    @Test
    void connectionsOverTheRouteLimitAreRefused() throws Exception {
        Forwarder limited = new Forwarder(
                ForwarderSettings.defaults()
                        .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                        .withBindAddress(Loopback.HOST)
                        .withMaxConnectionsPerRoute(1),
                registry);
        try (limited;
                TestServer echo = TestServer.echo()) {
            int listenPort = freePort();
            limited.apply(config(route("vpce-limit", listenPort, echo.port())));

            try (Socket first = connect(listenPort)) {
                assertThat(roundTrip(first, "in")).isEqualTo("in");
                assertThat(endingOfNewConnection(listenPort)).isEqualTo(Ending.RESET);
                assertThat(roundTrip(first, "still in")).isEqualTo("still in");
            }
            assertThat(meters.refused("vpce-limit", "route_limit")).isEqualTo(1);
        }
    }

    private int listen(ForwarderConfig.Route route) {
        assertThat(forwarder.apply(config(route)).complete()).isTrue();
        return route.listenPort();
    }

    private static Ending roundTripThroughSilence(Socket client) throws Exception {
        return ending(client).get(5, TimeUnit.SECONDS);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n' && c >= 0) {
            line.append((char) c);
        }
        return line.toString();
    }

    /** Whether a byte count stopped moving for a while. */
    private static final class Progress {
        private final AtomicLong counter;
        private long last = -1;
        private long lastChange = System.nanoTime();

        Progress(AtomicLong counter) {
            this.counter = counter;
        }

        boolean stalledFor(Duration quiet) {
            long now = counter.get();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
                return false;
            }
            return System.nanoTime() - lastChange >= quiet.toNanos();
        }
    }
}
