package dev.privatelink.forwarder;

import static dev.privatelink.forwarder.Loopback.ending;
import static dev.privatelink.forwarder.Loopback.freePort;
import static dev.privatelink.forwarder.Loopback.roundTrip;
import static dev.privatelink.forwarder.Loopback.route;
import static dev.privatelink.forwarder.Loopback.suspended;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.forwarder.Loopback.Ending;
import dev.privatelink.forwarder.SourcePolicy.Decision;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.WorkloadAdmission;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A connection whose source the policy must look up: it waits unread, then is admitted or reset. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PendingSourceDecisionTest {

    private static final String ENDPOINT = "vpce-pending";
    private static final Duration GENEROUSLY = Duration.ofSeconds(10);

    /** Knows nobody; each lookup waits until the test decides it. */
    private final Map<InetAddress, CompletableFuture<Decision>> lookups = new ConcurrentHashMap<>();

    private final SourcePolicy slowPolicy = new SourcePolicy() {
        @Override
        public Decision known(InetAddress source, WorkloadAdmission allowed) {
            return null;
        }

        @Override
        public CompletionStage<Decision> decide(InetAddress source, WorkloadAdmission allowed) {
            return lookups.computeIfAbsent(source, s -> new CompletableFuture<>());
        }
    };

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Meters meters = new Meters(registry);
    private final List<Socket> open = new ArrayList<>();
    private final Forwarder forwarder = new Forwarder(
            ForwarderSettings.defaults()
                    .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                    .withBindAddress(Loopback.HOST),
            registry,
            slowPolicy);
    private TestServer echo;
    private Route route;
    private int port;

    @BeforeEach
    void start() throws Exception {
        echo = TestServer.echo();
        route = route(ENDPOINT, freePort(), echo.port());
        assertThat(forwarder.apply(Loopback.config(route)).complete()).isTrue();
        port = route.listenPort();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : open) {
            socket.close();
        }
        forwarder.close();
        echo.close();
    }

    @Test
    void aClientIsNotForwardedUntilItsSourceIsAdmitted() throws Exception {
        Socket client = connectFrom("127.0.0.2");
        client.getOutputStream().write("early\n".getBytes());
        CompletableFuture<Decision> lookup = lookupOf("127.0.0.2");
        assertThat(echo.connections()).isZero();
        assertThat(forwarder.connectionCount()).isZero();

        lookup.complete(Decision.ALLOW);

        assertThat(new String(client.getInputStream().readNBytes(6))).isEqualTo("early\n");
        assertThat(roundTrip(client, "then")).isEqualTo("then");
        assertThat(echo.connections()).isEqualTo(1);
    }

    @Test
    void aRefusedSourceIsResetAndCountedWithItsReason() throws Exception {
        Socket client = connectFrom("127.0.0.3");
        var end = ending(client);

        lookupOf("127.0.0.3").complete(Decision.refuse(RefusalReason.NOT_CONSUMER_NAMESPACE));

        assertThat(end.get(GENEROUSLY.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Ending.RESET);
        assertThat(meters.refused(ENDPOINT, "not_consumer_namespace")).isEqualTo(1);
        assertThat(echo.connections()).isZero();
    }

    @Test
    void aFailedLookupFailsClosed() throws Exception {
        Socket client = connectFrom("127.0.0.4");
        var end = ending(client);

        lookupOf("127.0.0.4").completeExceptionally(new IllegalStateException("API server away"));

        assertThat(end.get(GENEROUSLY.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Ending.RESET);
        assertThat(meters.refused(ENDPOINT, "source_unverified")).isEqualTo(1);
    }

    @Test
    void aClientWaitingForItsDecisionIsResetWhenTheRouteCloses() throws Exception {
        Socket client = connectFrom("127.0.0.5");
        var end = ending(client);
        CompletableFuture<Decision> lookup = lookupOf("127.0.0.5");

        forwarder.apply(Loopback.config(suspended(route)));

        assertThat(end.get(GENEROUSLY.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Ending.RESET);
        assertThat(meters.refused(ENDPOINT, "route_closing")).isEqualTo(1);
        // a decision that comes after changes nothing
        lookup.complete(Decision.ALLOW);
        assertThat(echo.connections()).isZero();
    }

    @Test
    void aDrainDoesNotWaitForPendingDecisions() throws Exception {
        Socket client = connectFrom("127.0.0.6");
        var end = ending(client);
        lookupOf("127.0.0.6");

        assertThat(forwarder.drain(GENEROUSLY)).isTrue();
        assertThat(end.get(GENEROUSLY.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Ending.RESET);
    }

    private CompletableFuture<Decision> lookupOf(String source) throws IOException {
        InetAddress address = InetAddress.getByName(source);
        await().atMost(GENEROUSLY).until(() -> lookups.containsKey(address));
        return lookups.get(address);
    }

    private Socket connectFrom(String source) throws IOException {
        Socket socket = new Socket();
        open.add(socket);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress(Loopback.HOST, port), 5_000);
        socket.setSoTimeout(5_000);
        return socket;
    }
}
