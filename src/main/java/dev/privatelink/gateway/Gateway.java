package dev.privatelink.gateway;

import dev.privatelink.forwarder.ConnectionBudget;
import dev.privatelink.forwarder.RefusalReason;
import dev.privatelink.forwarder.SourceRate;
import dev.privatelink.forwarder.Transport;
import dev.privatelink.forwarder.UpstreamDialer;
import dev.privatelink.gateway.Authorization.Allowed;
import dev.privatelink.gateway.Authorization.Decision;
import dev.privatelink.gateway.Authorization.Denied;
import dev.privatelink.gateway.config.GatewayConfig;
import dev.privatelink.pki.ChainVerifier;
import dev.privatelink.pki.Credential;
import dev.privatelink.pki.CredentialWatch;
import dev.privatelink.pki.MutualTls;
import dev.privatelink.pki.RunwayGauge;
import dev.privatelink.pki.SpiffeId;
import dev.privatelink.pki.SpiffeTrustManager;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jboss.logging.Logger;

/**
 * The provider cluster's gateway: one TCP port, TLS 1.3 with client certificates from peer trust
 * domains, then a PROXY v2 preamble naming an endpoint ID and port. Every connection is decided
 * locally and purely ({@link Authorization}) from the certificate, the preamble and the current
 * {@link GatewayConfig}; an allowed one is relayed to the owner's load balancer, with a fresh
 * PROXY v2 header where the owner asked for one. Every new config is checked against every live
 * connection, and those it no longer allows are reset at once.
 *
 * <p>Free of CDI and of global state, like the forwarder: tests build it directly.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Gateway.class);

    private final GatewaySettings settings;
    private final Clock clock;
    private final GatewayMetrics metrics;
    private final EventLoopGroup group;
    private final UpstreamDialer dialer;
    private final SpiffeTrustManager trust;
    private final Set<GatewayConnection> live = ConcurrentHashMap.newKeySet();
    private volatile GatewayConfig config = GatewayConfig.EMPTY;
    private volatile Map<String, List<X509Certificate>> roots = Map.of();
    private final ConnectionBudget budget;
    // null until the first credential: handshakes are refused until then
    private volatile Credential credential;
    private volatile SslContext tls;
    private volatile boolean configApplied;
    private Channel server;
    private final Bootstrap peeringBootstrap;
    private final Counter peeringToOperator;
    private final Counter peeringToPeer;

    public Gateway(GatewaySettings settings, Credential credential, MeterRegistry registry, Clock clock) {
        this(settings, GatewayLimits.defaults(), credential, registry, clock);
    }

    /** @param credential what to present; null for none yet (connections are refused until {@link #useCredential}) */
    public Gateway(
            GatewaySettings settings,
            GatewayLimits limits,
            Credential credential,
            MeterRegistry registry,
            Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.metrics = new GatewayMetrics(registry);
        // no cap per source: a peer's forwarder carries many clients
        this.budget = new ConnectionBudget(
                limits.maxConnections(),
                limits.maxConnections(),
                new SourceRate(limits.maxNewConnectionsPerSourcePerSecond(), System::nanoTime));
        Transport transport = Transport.best();
        // one event loop per core, as the forwarder: Netty's default of two per core cost a third
        // more CPU per request in the cross-cluster benchmark (more wake-ups, smaller batches)
        this.group = transport.newGroup(
                Runtime.getRuntime().availableProcessors(), new DefaultThreadFactory("gateway", true));
        WriteBufferWaterMark waterMark =
                new WriteBufferWaterMark(settings.writeBufferLowMark(), settings.writeBufferHighMark());
        this.dialer = new UpstreamDialer(
                new Bootstrap()
                        .channel(transport.socketChannelType())
                        .option(ChannelOption.AUTO_READ, false)
                        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                                settings.connectTimeout().toMillis()),
                // upstreams are IP addresses (the config refuses names): nothing is looked up
                DefaultAddressResolverGroup.INSTANCE,
                settings.upstreamGuard());
        this.trust = SpiffeTrustManager.peers(td -> roots.getOrDefault(td, List.of()), clock);
        if (credential != null) {
            useCredential(credential);
        }
        RunwayGauge.register(registry, "gateway", this::heldCertificates, clock);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        // limits and a credential first, before any TLS work
                        if (admit(channel) == null) {
                            return;
                        }
                        // with peering passed through, the ClientHello's server name decides first
                        channel.pipeline()
                                .addLast(
                                        "tls",
                                        settings.peeringUpstream() == null
                                                ? tlsHandler(channel)
                                                : new SniRouter(
                                                        new Routes(),
                                                        settings.preambleTimeout()
                                                                .toMillis()))
                                .addLast(
                                        "preamble",
                                        new PreambleReader(
                                                new Admission(),
                                                settings.preambleTimeout().toNanos()));
                    }
                });
        this.peeringBootstrap = PeeringPassthrough.bootstrap(transport.socketChannelType(), settings.connectTimeout());
        this.peeringToOperator = Counter.builder("privatelink.gateway.peering.bytes")
                .description("Bytes passed through between peer operators and this cluster's operator")
                .tag("direction", "to_operator")
                .register(registry);
        this.peeringToPeer = Counter.builder("privatelink.gateway.peering.bytes")
                .description("Bytes passed through between peer operators and this cluster's operator")
                .tag("direction", "to_peer")
                .register(registry);
        try {
            this.server = bootstrap
                    .bind(settings.bindAddress(), settings.port())
                    .sync()
                    .channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IllegalStateException("interrupted while binding", e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        LOG.infof(
                "gateway listening on %s (TLS 1.3 through %s)",
                server.localAddress(), MutualTls.provider().name());
    }

    private SslHandler tlsHandler(Channel channel) {
        SslHandler handler = tls.newHandler(channel.alloc());
        handler.setHandshakeTimeout(settings.preambleTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return handler;
    }

    /** Where the {@link SniRouter} sends a connection. */
    private final class Routes implements SniRouter.Routes {
        @Override
        public void terminate(ChannelHandlerContext ctx) {
            ctx.pipeline().replace(ctx.handler(), "tls", tlsHandler(ctx.channel()));
        }

        @Override
        public void passThrough(ChannelHandlerContext ctx) {
            PeeringPassthrough passthrough = new PeeringPassthrough(ctx.channel(), peeringToOperator, peeringToPeer);
            ctx.pipeline().remove("preamble");
            ctx.pipeline().replace(ctx.handler(), "peering", passthrough.clientRelay());
            passthrough.start(peeringBootstrap, settings.peeringUpstream());
        }
    }

    /**
     * Serves {@code next} from now on: new connections are decided by it, and every live
     * connection is decided again and reset if it no longer passes.
     */
    public void apply(GatewayConfig next) {
        List<String> problems = next.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid gateway config: " + String.join("; ", problems));
        }
        Map<String, List<X509Certificate>> nextRoots = next.rootsByTrustDomain();
        roots = nextRoots;
        config = next;
        configApplied = true;
        for (GatewayConnection connection : live) {
            connection.recheck(next, nextRoots);
        }
    }

    /** Presents {@code credential} from the next handshake on; live connections keep theirs. */
    public void useCredential(Credential next) {
        tls = MutualTls.server(next, trust);
        credential = next;
    }

    /**
     * Keeps this gateway on the chain and key in these files (a mounted Secret's), read again when
     * they change; a pair that is not usable keeps the last good one. Not started.
     */
    public CredentialWatch watchCredential(Path chain, Path key, MeterRegistry registry) {
        return new CredentialWatch(
                "gateway",
                CredentialWatch.chainAndKey(chain, key),
                held -> useCredential(held.credential()),
                registry,
                clock);
    }

    /** Whether it can serve: a config applied and a credential held (readiness). */
    public boolean isReady() {
        return configApplied && tls != null;
    }

    /** Its own chain and every peer's roots: what its runway is the earliest expiry of. */
    private List<X509Certificate> heldCertificates() {
        List<X509Certificate> held = new ArrayList<>();
        Credential current = credential;
        if (current != null) {
            held.addAll(current.chain());
        }
        roots.values().forEach(held::addAll);
        return held;
    }

    /**
     * Takes a place for a new connection within the limits, and a credential to handshake with,
     * before any TLS work; a refused one is reset and counted (null).
     */
    private SslContext admit(SocketChannel channel) {
        InetAddress source = channel.remoteAddress().getAddress();
        Optional<RefusalReason> refusal = budget.tryAcquire(source);
        if (refusal.isPresent()) {
            metrics.refused(
                    refusal.get() == RefusalReason.SOURCE_RATE ? Denial.SOURCE_RATE : Denial.GATEWAY_LIMIT,
                    GatewayMetrics.NO_ENDPOINT);
            reset(channel);
            return null;
        }
        channel.closeFuture().addListener(closed -> budget.release(source));
        SslContext context = tls;
        if (context == null) {
            metrics.refused(Denial.NO_CREDENTIAL, GatewayMetrics.NO_ENDPOINT);
            reset(channel);
        }
        return context;
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections relayed now. */
    public int liveConnections() {
        return live.size();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        for (GatewayConnection connection : new ArrayList<>(live)) {
            connection.resetAsync();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * SO_LINGER 0 makes close() send RST: a denial or a cut is a reset with no message. The close
     * starts below the pipeline's first handler, so that the TLS handler sends no close_notify
     * (which would read as a clean end of the stream).
     */
    static void reset(Channel channel) {
        if (channel != null && channel.isOpen()) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            ChannelHandlerContext first = channel.pipeline().firstContext();
            if (first != null) {
                first.close();
            } else {
                channel.close();
            }
        }
    }

    /** Decides a connection once its handshake and preamble are in. */
    private final class Admission implements PreambleReader.Sink {

        @Override
        public void preambleRead(ChannelHandlerContext ctx, Preamble preamble, ByteBuf rest) {
            Channel channel = ctx.channel();
            List<X509Certificate> chain = peerChain(channel);
            Optional<SpiffeId> consumer = chain.isEmpty() ? Optional.empty() : ChainVerifier.identity(chain.get(0));
            GatewayConfig current = config;
            Decision decision = consumer.isEmpty()
                    ? new Denied(Denial.HANDSHAKE)
                    : Authorization.decide(current, consumer.get(), preamble.endpointId(), preamble.port());
            if (!(decision instanceof Allowed allowed)) {
                rest.release();
                Denial reason = ((Denied) decision).reason();
                String tag = current.endpoint(preamble.endpointId()).isPresent()
                        ? preamble.endpointId()
                        : GatewayMetrics.NO_ENDPOINT;
                metrics.refused(reason, tag);
                LOG.debugf("refused %s for %s: %s", consumer.orElse(null), preamble.endpointId(), reason.tag());
                reset(channel);
                return;
            }
            GatewayConnection connection = new GatewayConnection(
                    channel,
                    consumer.get(),
                    chain,
                    clock.instant(),
                    preamble,
                    allowed.endpoint(),
                    allowed.port().upstreams(),
                    metrics,
                    settings,
                    live::remove);
            live.add(connection);
            ctx.pipeline().replace(ctx.handler(), "relay", connection.clientRelay());
            if (rest.isReadable()) {
                ctx.fireChannelRead(rest); // reaches the relay, which keeps it until the upstream connects
            } else {
                rest.release();
            }
            connection.start(dialer);
            // a config applied between the decision and the registration above must reach this one too
            if (config != current) {
                connection.recheck(config, roots);
            }
        }

        @Override
        public void refused(ChannelHandlerContext ctx, Denial reason) {
            metrics.refused(reason, GatewayMetrics.NO_ENDPOINT);
            reset(ctx.channel());
        }

        private static List<X509Certificate> peerChain(Channel channel) {
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            try {
                List<X509Certificate> chain = new ArrayList<>();
                for (Certificate certificate : tls.engine().getSession().getPeerCertificates()) {
                    chain.add((X509Certificate) certificate);
                }
                return chain;
            } catch (SSLPeerUnverifiedException e) {
                return List.of();
            }
        }
    }
}
