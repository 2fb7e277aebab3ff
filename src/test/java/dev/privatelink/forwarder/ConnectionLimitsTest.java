package dev.privatelink.forwarder;

import static dev.privatelink.forwarder.Loopback.ending;
import static dev.privatelink.forwarder.Loopback.freePort;
import static dev.privatelink.forwarder.Loopback.roundTrip;
import static dev.privatelink.forwarder.Loopback.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.forwarder.Loopback.Ending;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SEC-08: one client cannot take a forwarder, and every endpoint of its namespace, down with it. */
class ConnectionLimitsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Meters meters = new Meters(registry);
    private final Forwarder forwarder = new Forwarder(
            ForwarderSettings.defaults()
                    .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                    .withBindAddress(Loopback.HOST)
                    .withConnectionLimits(3, 2),
            registry);
    private final List<Socket> open = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : open) {
            socket.close();
        }
        forwarder.close();
    }

    /** A connection from a loopback address of its own, through which a line comes back echoed. */
    private Socket connectFrom(String source, int port) throws IOException {
        Socket socket = new Socket();
        open.add(socket);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress(Loopback.HOST, port), 5_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    /** A reset may come before connect() returns (it then throws), or after. */
    private Ending refusedFrom(String source, int port) throws Exception {
        try {
            return ending(connectFrom(source, port)).get(5, TimeUnit.SECONDS);
        } catch (SocketException resetWhileConnecting) {
            return Ending.RESET;
        }
    }

    @Test
    void oneSourceGetsItsShareAndOthersStillConnect() throws Exception {
        try (TestServer server = TestServer.echo()) {
            var route = route("vpce-limits", freePort(), server.port());
            assertThat(forwarder.apply(Loopback.config(route)).complete()).isTrue();
            int port = route.listenPort();

            assertThat(roundTrip(connectFrom("127.0.0.1", port), "one")).isEqualTo("one");
            assertThat(roundTrip(connectFrom("127.0.0.1", port), "two")).isEqualTo("two");
            assertThat(refusedFrom("127.0.0.1", port)).isEqualTo(Ending.RESET);
            assertThat(meters.refused("vpce-limits", "source_limit")).isEqualTo(1);

            assertThat(roundTrip(connectFrom("127.0.0.2", port), "three")).isEqualTo("three");
            assertThat(refusedFrom("127.0.0.3", port)).isEqualTo(Ending.RESET);
            assertThat(meters.refused("vpce-limits", "forwarder_limit")).isEqualTo(1);

            open.get(0).close();
            await().atMost(Duration.ofSeconds(10)).until(() -> meters.active("vpce-limits") == 2);
            assertThat(roundTrip(connectFrom("127.0.0.3", port), "four")).isEqualTo("four");
        }
    }

    @Test
    void aSourceOpeningConnectionsFasterThanItsRateIsResetAndOthersAreNot() throws Exception {
        SimpleMeterRegistry rateRegistry = new SimpleMeterRegistry();
        Meters rateMeters = new Meters(rateRegistry);
        try (TestServer server = TestServer.echo();
                Forwarder limited = new Forwarder(
                        ForwarderSettings.defaults()
                                .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                                .withBindAddress(Loopback.HOST)
                                .withSourceRate(5),
                        rateRegistry)) {
            var route = route("vpce-rate", freePort(), server.port());
            assertThat(limited.apply(Loopback.config(route)).complete()).isTrue();
            int port = route.listenPort();

            // twenty at once from one address: a burst of five gets through, then a trickle
            int answered = 0;
            for (int i = 0; i < 20; i++) {
                try (Socket socket = connectFrom("127.0.0.1", port)) {
                    if (("n" + i).equals(roundTrip(socket, "n" + i))) {
                        answered++;
                    }
                } catch (IOException reset) {
                    // refused: counted below
                }
            }
            int refused = 20 - answered;
            assertThat(answered).isBetween(5, 19);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> rateMeters.refused("vpce-rate", "source_rate") == refused);

            // another client is not held back by the first one's flood
            assertThat(roundTrip(connectFrom("127.0.0.2", port), "other")).isEqualTo("other");
        }
    }
}
