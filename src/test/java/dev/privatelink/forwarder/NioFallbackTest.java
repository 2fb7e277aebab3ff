package dev.privatelink.forwarder;

import static dev.privatelink.forwarder.Loopback.config;
import static dev.privatelink.forwarder.Loopback.connect;
import static dev.privatelink.forwarder.Loopback.endingOfNewConnection;
import static dev.privatelink.forwarder.Loopback.freePort;
import static dev.privatelink.forwarder.Loopback.roundTrip;
import static dev.privatelink.forwarder.Loopback.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.forwarder.Loopback.Ending;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The same forwarder on the NIO transport, as where epoll is missing; on shared event loops, as the sandbox runs it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NioFallbackTest {

    private final Transport nio = Transport.nio();
    private final EventLoopGroup shared = nio.newGroup(2, new DefaultThreadFactory("nio-test", true));
    private final Forwarder forwarder = new Forwarder(
            ForwarderSettings.defaults()
                    .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                    .withBindAddress(Loopback.HOST),
            new SimpleMeterRegistry(),
            nio,
            shared);

    @AfterEach
    void stop() {
        forwarder.close();
        shared.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void bytesGoBothWays() throws Exception {
        try (TestServer echo = TestServer.echo()) {
            int port = freePort();
            forwarder.apply(config(route("vpce-nio", port, echo.port())));

            try (Socket client = connect(port)) {
                assertThat(roundTrip(client, "over nio")).isEqualTo("over nio");
            }
        }
    }

    @Test
    void halfCloseIsPassedOn() throws Exception {
        try (TestServer echo = TestServer.echo()) {
            int port = freePort();
            forwarder.apply(config(route("vpce-nio", port, echo.port())));

            try (Socket client = connect(port)) {
                client.getOutputStream().write("last words".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();

                assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("last words");
            }
        }
    }

    @Test
    void anUpstreamThatIsDownGivesAReset() throws Exception {
        int port = freePort();
        forwarder.apply(config(route("vpce-nio", port, freePort())));

        assertThat(endingOfNewConnection(port)).isEqualTo(Ending.RESET);
    }

    @Test
    void closingTheForwarderLeavesSharedEventLoopsRunning() {
        forwarder.close();

        assertThat(shared.isShuttingDown()).isFalse();
    }
}
