package dev.privatelink.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.forwarder.ConnectionPhase.Side;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RelayTest {

    private final RecordedEvents events = new RecordedEvents();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Counter clientBytes = registry.counter("client");
    private final Counter upstreamBytes = registry.counter("upstream");
    private final ReadRequests clientReads = new ReadRequests();
    private final HeldFlush upstreamFlush = new HeldFlush();
    private final EmbeddedChannel upstream = new EmbeddedChannel(upstreamFlush);
    private final EmbeddedChannel client = new EmbeddedChannel(clientReads);

    RelayTest() {
        // as on the forwarder's sockets: reads happen only when the relay asks
        client.config().setAutoRead(false);
        upstream.config().setAutoRead(false);
    }

    @AfterEach
    void releaseBuffers() {
        client.finishAndReleaseAll();
        upstream.finishAndReleaseAll();
    }

    @Test
    void bytesReachThePeerWhenTheReadCycleCompletesNotPerRead() {
        client.pipeline().addLast(new Relay(Side.CLIENT, events, clientBytes, upstream));

        client.pipeline().fireChannelRead(ascii("GET / HTTP/1.1\r\n"));
        client.pipeline().fireChannelRead(ascii("\r\n"));
        assertThat((Object) upstream.readOutbound()).isNull();

        client.pipeline().fireChannelReadComplete();
        assertThat(text(upstream.readOutbound())).isEqualTo("GET / HTTP/1.1\r\n");
        assertThat(text(upstream.readOutbound())).isEqualTo("\r\n");
        assertThat(clientBytes.count()).isEqualTo(18);
        assertThat(events.activity).isEqualTo(2);
    }

    @Test
    void aFullPeerStopsReadingUntilItDrainsBelowItsLowMark() {
        upstream.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        Relay clientRelay = new Relay(Side.CLIENT, events, clientBytes, upstream);
        client.pipeline().addLast(clientRelay);
        upstream.pipeline().addLast(new Relay(Side.UPSTREAM, events, upstreamBytes, client));
        upstreamFlush.holding = true;
        int readsBefore = clientReads.count;

        client.pipeline().fireChannelRead(ascii("32 bytes that the peer cannot.."));
        client.pipeline().fireChannelReadComplete();

        assertThat(upstream.isWritable()).isFalse();
        assertThat(clientReads.count).as("no read while the peer is full").isEqualTo(readsBefore);

        upstreamFlush.holding = false;
        upstream.flush();
        upstream.runPendingTasks();

        assertThat(upstream.isWritable()).isTrue();
        assertThat(clientReads.count)
                .as("reading resumes once the peer drained")
                .isEqualTo(readsBefore + 1);
    }

    @Test
    void aPeerWithRoomGetsTheNextReadRequestedAtOnce() {
        client.pipeline().addLast(new Relay(Side.CLIENT, events, clientBytes, upstream));
        int readsBefore = clientReads.count;

        client.pipeline().fireChannelRead(ascii("small"));
        client.pipeline().fireChannelReadComplete();

        assertThat(clientReads.count).isEqualTo(readsBefore + 1);
    }

    @Test
    void bytesThatArriveBeforeTheUpstreamExistsAreForwardedWhenItConnects() {
        Relay relay = new Relay(Side.CLIENT, events, clientBytes);
        client.pipeline().addLast(relay);

        client.pipeline().fireChannelRead(ascii("early"));
        client.pipeline().fireChannelReadComplete();
        relay.connectTo(upstream);

        assertThat(text(upstream.readOutbound())).isEqualTo("early");
        assertThat(clientBytes.count()).isEqualTo(5);
    }

    @Test
    void endOfInputBeforeTheUpstreamExistsIsPassedOnWhenItConnects() {
        Relay relay = new Relay(Side.CLIENT, events, clientBytes);
        client.pipeline().addLast(relay);
        int readsBefore = clientReads.count;

        client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(events.inputClosed).isEmpty();

        relay.connectTo(upstream);
        assertThat(events.inputClosed).containsExactly(Side.CLIENT);
        assertThat(clientReads.count).as("nothing more to read").isEqualTo(readsBefore);
    }

    @Test
    void failuresAndClosureAreReportedWithTheirSide() {
        upstream.pipeline().addLast(new Relay(Side.UPSTREAM, events, upstreamBytes, client));

        upstream.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        upstream.close();

        assertThat(events.failed).containsExactly(Side.UPSTREAM);
        assertThat(events.closed).containsExactly(Side.UPSTREAM);
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static String text(ByteBuf buf) {
        try {
            return buf.toString(StandardCharsets.US_ASCII);
        } finally {
            buf.release();
        }
    }

    private static final class RecordedEvents implements Relay.Events {
        int activity;
        final List<Side> inputClosed = new ArrayList<>();
        final List<Side> failed = new ArrayList<>();
        final List<Side> closed = new ArrayList<>();
        int clientProxyHeaders;

        @Override
        public void activity() {
            activity++;
        }

        @Override
        public void inputClosed(Side side) {
            inputClosed.add(side);
        }

        @Override
        public void failed(Side side, Throwable cause) {
            failed.add(side);
        }

        @Override
        public void channelClosed(Side side) {
            closed.add(side);
        }

        @Override
        public void clientProxyHeader() {
            clientProxyHeaders++;
        }
    }

    /** Counts read() requests that reach the channel. */
    private static final class ReadRequests extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void read(ChannelHandlerContext ctx) {
            count++;
            ctx.read();
        }
    }

    /** Keeps flushed bytes in the outbound buffer, as a socket whose peer does not read would. */
    private static final class HeldFlush extends ChannelOutboundHandlerAdapter {
        boolean holding;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (!holding) {
                ctx.flush();
            }
        }
    }
}
