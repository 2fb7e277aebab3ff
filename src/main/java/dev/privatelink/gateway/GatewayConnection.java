package dev.privatelink.gateway;

import dev.privatelink.forwarder.ConnectionPhase.Side;
import dev.privatelink.forwarder.ProxyProtocolV2;
import dev.privatelink.forwarder.Relay;
import dev.privatelink.forwarder.UpstreamDialer;
import dev.privatelink.gateway.Authorization.Decision;
import dev.privatelink.gateway.Authorization.Denied;
import dev.privatelink.gateway.config.GatewayConfig;
import dev.privatelink.gateway.config.GatewayConfig.Endpoint;
import dev.privatelink.gateway.config.GatewayConfig.ProxyProtocol;
import dev.privatelink.gateway.config.GatewayConfig.Upstream;
import dev.privatelink.pki.ChainVerifier;
import dev.privatelink.pki.SpiffeId;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One allowed connection from a consumer cluster and its connection to the owner's load balancer,
 * relayed with the forwarder's semantics ({@link Relay}: back-pressure, half-close passed on once
 * what came before it is written, idle timeout, a reset answered with a reset). Every method runs on
 * the client channel's event loop, which the upstream channel shares; other threads come in through
 * {@link #recheck}.
 */
final class GatewayConnection implements Relay.Events, UpstreamDialer.Callback {

    private static final Logger LOG = Logger.getLogger(GatewayConnection.class);

    private final Channel client;
    private final SpiffeId consumer;
    private final List<X509Certificate> chain;
    private final Instant handshakeAt;
    private final Preamble preamble;
    private final Endpoint endpoint;
    private final List<Upstream> upstreams;
    private final GatewayMetrics metrics;
    private final long idleTimeoutNanos;
    private final Consumer<GatewayConnection> onClosed;
    private final Relay clientRelay;
    private Channel upstream;
    private boolean closed;
    private Side finished; // the side whose FIN was passed on, while the other direction still flows
    private long lastActivityNanos = System.nanoTime();
    private ScheduledFuture<?> idleCheck;

    GatewayConnection(
            Channel client,
            SpiffeId consumer,
            List<X509Certificate> chain,
            Instant handshakeAt,
            Preamble preamble,
            Endpoint endpoint,
            List<Upstream> upstreams,
            GatewayMetrics metrics,
            GatewaySettings settings,
            Consumer<GatewayConnection> onClosed) {
        this.client = client;
        this.consumer = consumer;
        this.chain = chain;
        this.handshakeAt = handshakeAt;
        this.preamble = preamble;
        this.endpoint = endpoint;
        this.upstreams = upstreams;
        this.metrics = metrics;
        this.idleTimeoutNanos = settings.idleTimeout().toNanos();
        this.onClosed = onClosed;
        this.clientRelay = new Relay(Side.CLIENT, this, metrics.bytes(endpoint.endpointId(), "client_to_upstream"));
    }

    Relay clientRelay() {
        return clientRelay;
    }

    String endpointId() {
        return endpoint.endpointId();
    }

    void start(UpstreamDialer dialer) {
        metrics.opened(endpoint.endpointId());
        List<InetSocketAddress> order = new ArrayList<>();
        for (Upstream u : upstreams) {
            order.add(new InetSocketAddress(u.host(), u.port()));
        }
        Collections.rotate(
                order, order.isEmpty() ? 0 : ThreadLocalRandom.current().nextInt(order.size()));
        if (order.isEmpty()) {
            finish(true);
            return;
        }
        dialer.dial(
                client.eventLoop(),
                order,
                () -> new Relay(
                        Side.UPSTREAM, this, metrics.bytes(endpoint.endpointId(), "upstream_to_client"), client),
                null,
                this);
    }

    /**
     * Decides this connection again under a new config, from any thread: a suspension, a removed
     * endpoint or peer, or a peer whose roots no longer sign the certificate the connection was
     * made with, cuts it. The certificate is judged as of its handshake, so that it expiring
     * later, or a rotation, leaves a live connection alone.
     */
    void recheck(GatewayConfig config, Map<String, List<X509Certificate>> roots) {
        client.eventLoop().execute(() -> {
            if (closed) {
                return;
            }
            Denial denial = denial(config, roots);
            if (denial != null) {
                metrics.cut(denial, endpoint.endpointId());
                finish(true);
            }
        });
    }

    /** Resets this connection from any thread (the gateway shuts down). */
    void resetAsync() {
        client.eventLoop().execute(() -> finish(true));
    }

    private Denial denial(GatewayConfig config, Map<String, List<X509Certificate>> roots) {
        try {
            ChainVerifier.verify(
                    chain, td -> roots.getOrDefault(td, List.of()), Clock.fixed(handshakeAt, ZoneOffset.UTC));
        } catch (CertificateException e) {
            return Denial.UNKNOWN_PEER;
        }
        Decision decision = Authorization.decide(config, consumer, preamble.endpointId(), preamble.port());
        return decision instanceof Denied denied ? denied.reason() : null;
    }

    @Override
    public void connected(Channel channel) {
        if (closed) {
            channel.close();
            return;
        }
        upstream = channel;
        if (endpoint.proxyProtocol() == ProxyProtocol.V2) {
            // a fresh header: the ID is the one authorised for this certificate, not bytes passed through
            byte[] header = ProxyProtocolV2.header(preamble.source(), preamble.destination(), endpoint.endpointId());
            upstream.writeAndFlush(Unpooled.wrappedBuffer(header), upstream.voidPromise());
        }
        scheduleIdleCheck(idleTimeoutNanos);
        clientRelay.connectTo(upstream);
        upstream.read();
    }

    @Override
    public void attemptFailed(InetSocketAddress address, Throwable cause) {
        LOG.debugf("endpoint %s: upstream %s failed: %s", endpoint.endpointId(), address, cause.toString());
    }

    @Override
    public void exhausted(Throwable lastCause) {
        finish(true);
    }

    @Override
    public boolean abandoned() {
        return closed;
    }

    @Override
    public void activity() {
        lastActivityNanos = System.nanoTime();
    }

    /** One side sent FIN; pass it on once what it sent before is written. */
    @Override
    public void inputClosed(Side side) {
        Channel target = side == Side.CLIENT ? upstream : client;
        target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture flushed) -> {
            if (!flushed.isSuccess()) {
                finish(true);
            } else {
                shutdownOutput(target).addListener((ChannelFuture shut) -> finPassedOn(side, target, shut));
            }
        });
    }

    /**
     * A half-close travels as TCP's FIN, below TLS, in both directions: BoringSSL answers a
     * close_notify by ending its own direction too, so close_notify cannot carry a half-close.
     * It is sent when the connection ends (the TLS handler sends it on close).
     */
    private static ChannelFuture shutdownOutput(Channel target) {
        return ((DuplexChannel) target).shutdownOutput();
    }

    private void finPassedOn(Side side, Channel target, ChannelFuture shut) {
        if (closed) {
            return;
        }
        if (!shut.isSuccess()) {
            finish(true);
            return;
        }
        if (finished != null && finished != side) {
            finish(false);
            return;
        }
        finished = side;
        // once the target's own FIN arrives both directions are done: close rather than half-close
        target.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
    }

    @Override
    public void failed(Side side, Throwable cause) {
        if (!closed) {
            LOG.debugf("endpoint %s: %s side failed: %s", endpoint.endpointId(), side, cause.toString());
        }
        finish(true);
    }

    @Override
    public void clientProxyHeader() {
        // not checked here: the preamble is read before the relay starts
    }

    @Override
    public void channelClosed(Side side) {
        finish(false);
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleCheck = client.eventLoop().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (closed) {
            return;
        }
        long idle = System.nanoTime() - lastActivityNanos;
        if (idle >= idleTimeoutNanos) {
            finish(false);
        } else {
            scheduleIdleCheck(idleTimeoutNanos - idle);
        }
    }

    /** Ends the connection once: with a reset on both sides, or closing them after what is queued. */
    void finish(boolean reset) {
        if (closed) {
            return;
        }
        closed = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (reset) {
            Gateway.reset(client);
            Gateway.reset(upstream);
        } else {
            closeAfterFlush(client);
            closeAfterFlush(upstream);
        }
        metrics.closed();
        onClosed.accept(this);
    }

    private static void closeAfterFlush(Channel channel) {
        if (channel == null) {
            return;
        }
        boolean outputOpen = !(channel instanceof DuplexChannel duplex) || !duplex.isOutputShutdown();
        if (channel.isActive() && outputOpen) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            // its FIN is sent (or it is gone): no close_notify can follow it, so the close starts
            // below TLS, rather than have the TLS handler fail to write one (an exception with its
            // stack trace per connection, measured in the conn benchmark)
            ChannelHandlerContext first = channel.pipeline().firstContext();
            if (first != null) {
                first.close();
            } else {
                channel.close();
            }
        }
    }
}
