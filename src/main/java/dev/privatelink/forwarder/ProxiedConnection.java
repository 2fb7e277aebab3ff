package dev.privatelink.forwarder;

import dev.privatelink.forwarder.ConnectionPhase.Closed;
import dev.privatelink.forwarder.ConnectionPhase.Side;
import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One client connection and its upstream connection. Every method runs on the client channel's
 * event loop, which the upstream channel shares, so the phase needs no locks; other threads go
 * through {@link #closeAsync(CloseReason)}.
 */
final class ProxiedConnection implements Relay.Events, UpstreamDialer.Callback {

    private static final Logger LOG = Logger.getLogger(ProxiedConnection.class);

    private final Channel client;
    private final RoutePlan plan;
    private final long idleTimeoutNanos;
    private final boolean dialFromClientAddress;
    private final Consumer<ProxiedConnection> onClosed;
    private final Relay clientRelay;
    private final long startNanos = System.nanoTime();
    private Channel upstream;
    private ConnectionPhase phase = ConnectionPhase.CONNECTING;
    private long lastActivityNanos = startNanos;
    private ScheduledFuture<?> idleCheck;

    ProxiedConnection(
            Channel client, RoutePlan plan, ForwarderSettings settings, Consumer<ProxiedConnection> onClosed) {
        this.client = client;
        this.plan = plan;
        this.idleTimeoutNanos = settings.idleTimeout().toNanos();
        this.dialFromClientAddress = settings.dialFromClientAddress();
        this.onClosed = onClosed;
        this.clientRelay = settings.refuseClientProxyHeaders()
                ? Relay.refusingClientProxyHeaders(this, plan.metrics().bytesClientToUpstream)
                : new Relay(Side.CLIENT, this, plan.metrics().bytesClientToUpstream);
    }

    /** The handler for the client's pipeline; it must be there before {@link #start}. */
    ChannelHandler clientHandler() {
        return clientRelay;
    }

    void start(UpstreamDialer dialer) {
        plan.metrics().opened();
        List<InetSocketAddress> order = plan.upstreams().next(ThreadLocalRandom.current());
        if (order.isEmpty()) {
            finish(CloseReason.UPSTREAM_UNAVAILABLE);
            return;
        }
        if (plan.route().gateway() != null && plan.gatewayTls() == null) {
            // a route to another cluster without credentials for it: never in the clear
            finish(CloseReason.UPSTREAM_UNAVAILABLE);
            return;
        }
        dialer.dial(
                client.eventLoop(),
                order,
                plan.gatewayTls() == null
                        ? () -> new Relay(Side.UPSTREAM, this, plan.metrics().bytesUpstreamToClient, client)
                        : () -> GatewayClient.tlsThen(
                                plan.gatewayTls(),
                                new Relay(Side.UPSTREAM, this, plan.metrics().bytesUpstreamToClient, client)),
                dialFromClientAddress ? ((InetSocketAddress) client.remoteAddress()).getAddress() : null,
                this);
    }

    /** The client's address, as the source policy judged it. */
    InetAddress source() {
        return ((InetSocketAddress) client.remoteAddress()).getAddress();
    }

    /** Ends the connection from any thread. */
    void closeAsync(CloseReason reason) {
        client.eventLoop().execute(() -> finish(reason));
    }

    /** Bytes queued in the forwarder for both sides; read from any thread, for tests. */
    long bufferedBytes() {
        return buffered(client) + buffered(upstream);
    }

    @Override
    public void connected(Channel channel) {
        if (phase instanceof Closed) {
            channel.close();
            return;
        }
        upstream = channel;
        phase = phase.upstreamConnected();
        plan.metrics().upstreamConnected(System.nanoTime() - startNanos);
        // to another cluster's gateway the header is the preamble, always sent (inside TLS, written
        // before the handshake ends and sent once it has)
        if (plan.route().proxyProtocol() == ProxyProtocol.V2 || plan.gatewayTls() != null) {
            // the destination is what the consumer dialled, the endpoint's address, not this pod's (SEC-16)
            InetSocketAddress destination = plan.proxyDestination() != null
                    ? plan.proxyDestination()
                    : plan.gatewayTls() != null
                            // before the ClusterIP is known: the gateway of the other cluster
                            // authorises by the endpoint's port, not this listener's
                            ? new InetSocketAddress(
                                    ((InetSocketAddress) client.localAddress()).getAddress(),
                                    plan.route().endpointPort())
                            : (InetSocketAddress) client.localAddress();
            byte[] header = ProxyProtocolV2.header(
                    (InetSocketAddress) client.remoteAddress(),
                    destination,
                    plan.route().endpointId());
            // flushed at once: with a protocol where the server speaks first the client may send nothing
            upstream.writeAndFlush(Unpooled.wrappedBuffer(header), upstream.voidPromise());
        }
        scheduleIdleCheck(idleTimeoutNanos);
        clientRelay.connectTo(upstream);
        upstream.read();
    }

    @Override
    public void attemptFailed(InetSocketAddress address, Throwable cause) {
        plan.metrics().upstreamConnectFailures.increment();
        LOG.debugf("endpoint %s: upstream %s failed: %s", plan.route().endpointId(), address, cause.toString());
    }

    @Override
    public void exhausted(Throwable lastCause) {
        finish(CloseReason.UPSTREAM_UNAVAILABLE);
    }

    @Override
    public boolean abandoned() {
        return phase instanceof Closed;
    }

    @Override
    public void activity() {
        lastActivityNanos = System.nanoTime();
    }

    /**
     * One side sent FIN: pass it on once what it sent before has been written, so a client that
     * shuts its output still gets the whole response. The connection ends when both outputs are
     * shut.
     */
    @Override
    public void inputClosed(Side side) {
        Channel target = side == Side.CLIENT ? upstream : client;
        target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture flushed) -> {
            if (!flushed.isSuccess()) {
                finish(CloseReason.RESET);
            } else {
                shutdownOutput(target).addListener((ChannelFuture shut) -> finPassedOn(side, target, shut));
            }
        });
    }

    /**
     * Sends FIN once the channel's writes are flushed. On a native socket this is the syscall
     * itself: Netty's {@code shutdownOutput()} builds an exception with a stack trace on every
     * call (to fail pending writes, of which there are none after the flush), a cost paid twice
     * per connection that showed in the connection-rate profile.
     */
    private static ChannelFuture shutdownOutput(Channel channel) {
        if (channel instanceof UnixChannel unix && unix.fd() instanceof Socket socket) {
            try {
                socket.shutdown(false, true);
                return channel.newSucceededFuture();
            } catch (IOException e) {
                return channel.newFailedFuture(e);
            }
        }
        if (channel instanceof DuplexChannel duplex) {
            return duplex.shutdownOutput();
        }
        return channel.close();
    }

    /** {@code side}'s FIN was sent to {@code target}, or failed to be. */
    private void finPassedOn(Side side, Channel target, ChannelFuture shut) {
        if (!shut.isSuccess()) {
            finish(CloseReason.RESET);
            return;
        }
        if (phase instanceof Closed) {
            return;
        }
        ConnectionPhase next = phase.finPassedOn(side);
        if (next instanceof Closed closed) {
            finish(closed.reason());
        } else {
            phase = next;
            // Once the target's FIN arrives, both directions are done: let Netty close the
            // channel at end of input rather than half-close it (a shutdown(SHUT_RD) that fails
            // with ENOTCONN on a socket already closed both ways, and an exception, per connection).
            // The close reaches the relay as channelInactive, which finishes the connection.
            target.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
        }
    }

    @Override
    public void failed(Side side, Throwable cause) {
        if (!(phase instanceof Closed) && !(cause instanceof ChannelOutputShutdownException)) {
            LOG.debugf("endpoint %s: %s side failed: %s", plan.route().endpointId(), side, cause.toString());
        }
        finish(CloseReason.RESET);
    }

    /** A client's own PROXY header would reach the owner after ours, or alone: reset it, count it refused. */
    @Override
    public void clientProxyHeader() {
        if (!(phase instanceof Closed)) {
            plan.metrics().refused(RefusalReason.CLIENT_PROXY_HEADER);
            finish(CloseReason.RESET);
        }
    }

    @Override
    public void channelClosed(Side side) {
        finish(CloseReason.COMPLETED);
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleCheck = client.eventLoop().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (phase instanceof Closed) {
            return;
        }
        long idle = System.nanoTime() - lastActivityNanos;
        if (idle >= idleTimeoutNanos) {
            finish(CloseReason.IDLE_TIMEOUT);
        } else {
            scheduleIdleCheck(idleTimeoutNanos - idle);
        }
    }

    /** Ends the connection once; later calls (the other channel closing, say) find it closed. */
    void finish(CloseReason reason) {
        if (phase instanceof Closed) {
            return;
        }
        phase = phase.close(reason);
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (reason.resets()) {
            reset(client);
            reset(upstream);
        } else {
            closeAfterFlush(client);
            closeAfterFlush(upstream);
        }
        plan.metrics().closed(reason, System.nanoTime() - startNanos);
        onClosed.accept(this);
    }

    /** SO_LINGER 0 makes close() send RST: the peer learns the stream was cut, not that it ended. */
    static void reset(Channel channel) {
        if (channel != null && channel.isOpen()) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        }
    }

    private static void closeAfterFlush(Channel channel) {
        if (channel == null) {
            return;
        }
        // after a half-close there is nothing left to flush (and a write would only fail)
        boolean outputOpen = !(channel instanceof DuplexChannel duplex) || !duplex.isOutputShutdown();
        if (channel.isActive() && outputOpen) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    private static long buffered(Channel channel) {
        if (channel == null) {
            return 0;
        }
        var outbound = channel.unsafe().outboundBuffer();
        return outbound == null ? 0 : outbound.totalPendingWriteBytes();
    }
}
