package dev.privatelink.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Sits behind the TLS handler of an accepted connection until the PROXY v2 preamble is complete,
 * holding at most {@link Preamble#MAX_LENGTH} bytes, then hands the connection to the gateway
 * with what followed the preamble. Anything else ends the connection with a reset, counted.
 */
final class PreambleReader extends ChannelInboundHandlerAdapter {

    /** Where the reader hands over; all calls on the channel's event loop. */
    interface Sink {
        /** The handshake is done and the preamble read; {@code rest} (owned by the callee) follows it. */
        void preambleRead(ChannelHandlerContext ctx, Preamble preamble, ByteBuf rest);

        void refused(ChannelHandlerContext ctx, Denial reason);
    }

    private final Sink sink;
    private final long timeoutNanos;
    private final byte[] bytes = new byte[Preamble.MAX_LENGTH];
    private int have;
    private int length = -1;
    private boolean done;
    private ScheduledFuture<?> timeout;

    PreambleReader(Sink sink, long timeoutNanos) {
        this.sink = sink;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timeout =
                ctx.executor().schedule(() -> refuse(ctx, Denial.PREAMBLE_TIMEOUT), timeoutNanos, TimeUnit.NANOSECONDS);
        ctx.read(); // AUTO_READ is off: the first read lets the handshake begin
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            refuse(ctx, Denial.HANDSHAKE);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done || !(msg instanceof ByteBuf in)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        int wanted = (length < 0 ? Preamble.FIXED_LENGTH : length) - have;
        int take = Math.min(wanted, in.readableBytes());
        in.readBytes(bytes, have, take);
        have += take;
        if (!Preamble.plausibleStart(bytes, have)) {
            in.release();
            refuse(ctx, Denial.BAD_PREAMBLE);
            return;
        }
        if (length < 0 && have == Preamble.FIXED_LENGTH) {
            length = Preamble.length(bytes, have);
            if (length > Preamble.MAX_LENGTH) {
                in.release();
                refuse(ctx, Denial.BAD_PREAMBLE);
                return;
            }
        }
        if (length >= 0 && have < length && in.isReadable()) {
            channelRead(ctx, in); // the rest of the preamble may be in this buffer too
            return;
        }
        if (length < 0 || have < length) {
            in.release();
            return;
        }
        Preamble preamble;
        try {
            preamble = Preamble.parse(Arrays.copyOf(bytes, length));
        } catch (IllegalArgumentException e) {
            in.release();
            refuse(ctx, Denial.BAD_PREAMBLE);
            return;
        }
        done = true;
        timeout.cancel(false);
        sink.preambleRead(ctx, preamble, in);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!done) {
            ctx.read();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a TLS failure also arrives as the handshake event above; whichever comes first counts
        refuse(ctx, done ? Denial.BAD_PREAMBLE : Denial.HANDSHAKE);
    }

    /** Taken out of the pipeline (a peering connection is passed through): its clock stops too. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    private void refuse(ChannelHandlerContext ctx, Denial reason) {
        if (done) {
            return;
        }
        done = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        sink.refused(ctx, reason);
    }
}
