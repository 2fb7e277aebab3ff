package dev.privatelink.forwarder;

import dev.privatelink.forwarder.ConnectionPhase.Side;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Copies what one channel reads to its peer, with back-pressure. The channel runs with
 * {@code AUTO_READ} off, so each {@code read()} gives at most one buffer: the relay flushes the
 * peer once per read cycle and asks for the next read only while the peer's outbound buffer is
 * under its high-water mark. When the peer drains below its low mark, the relay on the peer
 * sees the writability change and resumes reading here. So what one connection holds in
 * memory is bounded by the high-water mark plus one read, whatever the speed of either side.
 *
 * <p>The client's relay exists before the upstream does (the kernel may hand over bytes and
 * even the end of input before the upstream connects, on EPOLLRDHUP); it keeps them until
 * {@link #connectTo(Channel)}.
 *
 * <p>Public for the cross-cluster gateway, which relays between a TLS channel and the owner's load
 * balancer with the same semantics.
 */
public final class Relay extends ChannelInboundHandlerAdapter {

    /** What a relay reports to the connection it belongs to; all calls on the channel's event loop. */
    public interface Events {
        void activity();

        void inputClosed(Side side);

        void failed(Side side, Throwable cause);

        void channelClosed(Side side);

        /** The client's first bytes are a PROXY header of its own (only reported where it is checked). */
        void clientProxyHeader();
    }

    private final Side side;
    private final Events events;
    private final Counter bytesRead;
    private Channel self;
    private Channel peer;
    private ArrayDeque<Object> beforePeer;
    private boolean inputClosed;
    // the client side's first bytes are checked for a PROXY header of the client's own (SEC-11)
    private boolean checkFirstBytes;
    private boolean refused;

    public Relay(Side side, Events events, Counter bytesRead) {
        this.side = side;
        this.events = events;
        this.bytesRead = bytesRead;
    }

    /** A client-side relay that refuses a client whose first bytes are a PROXY header. */
    static Relay refusingClientProxyHeaders(Events events, Counter bytesRead) {
        Relay relay = new Relay(Side.CLIENT, events, bytesRead);
        relay.checkFirstBytes = true;
        return relay;
    }

    public Relay(Side side, Events events, Counter bytesRead, Channel peer) {
        this(side, events, bytesRead);
        this.peer = peer;
    }

    /** Starts relaying to the peer: first what arrived before it existed, then reading. */
    public void connectTo(Channel peer) {
        this.peer = peer;
        if (beforePeer != null) {
            for (Object msg : beforePeer) {
                peer.write(msg, peer.voidPromise());
            }
            beforePeer = null;
            peer.flush();
        }
        if (inputClosed) {
            events.inputClosed(side);
        } else if (peer.isWritable()) {
            readMore();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        self = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg); // what else the read brought, after the refusal
            return;
        }
        if (checkFirstBytes && msg instanceof ByteBuf first && first.isReadable()) {
            // a look at bytes already read: no waiting, no copy
            checkFirstBytes = false;
            if (ClientProxyHeader.startsLikeOne(first)) {
                refused = true;
                first.release();
                events.clientProxyHeader();
                return;
            }
        }
        if (msg instanceof ByteBuf buf) {
            bytesRead.increment(buf.readableBytes());
        }
        events.activity();
        if (peer == null) {
            if (beforePeer == null) {
                beforePeer = new ArrayDeque<>(2);
            }
            beforePeer.add(msg);
        } else {
            peer.write(msg, peer.voidPromise());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (peer == null || refused) {
            return;
        }
        peer.flush();
        if (peer.isWritable()) {
            readMore();
        }
    }

    /** This channel can take more again: resume reading the peer, which writes into it. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (peer != null && ctx.channel().isWritable() && !isInputShutdown(peer)) {
            peer.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            inputClosed = true;
            if (peer != null) {
                events.inputClosed(side);
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        events.failed(side, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (beforePeer != null) {
            beforePeer.forEach(ReferenceCountUtil::release);
            beforePeer = null;
        }
        events.channelClosed(side);
    }

    private void readMore() {
        if (!inputClosed) {
            self.read();
        }
    }

    private static boolean isInputShutdown(Channel channel) {
        return channel instanceof DuplexChannel duplex && duplex.isInputShutdown();
    }
}
