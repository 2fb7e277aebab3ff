package dev.privatelink.forwarder;

import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.ServiceRef;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Serves a {@link ForwarderConfig}: one listener per active route, each forwarding TCP to the
 * route's upstreams. A new config is applied as a difference: routes that did not change keep
 * their listener and connections; routes that were suspended or removed lose both at once.
 *
 * <p>Free of CDI and of any global state, so tests build it directly and one JVM can run
 * several, each with its own config. Not to be called from an event loop: {@link #apply} and
 * {@link #drain} wait for sockets to bind and close.
 */
public final class Forwarder implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Forwarder.class);

    /** What an {@link #apply} achieved; a failure leaves that route unserved until a later apply binds it. */
    public record Applied(int listening, List<String> failures) {
        public boolean complete() {
            return failures.isEmpty();
        }
    }

    private final ForwarderSettings settings;
    private final ConnectionBudget budget;
    private final SourcePolicy sourcePolicy;
    private final MeterRegistry registry;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final DnsAddressResolverGroup resolver;
    private final ServerBootstrap serverTemplate;
    private final UpstreamDialer dialer;
    private final Map<Integer, RouteListener> listeners = new HashMap<>();
    // by endpoint ID and endpoint service (an endpoint moved to another service starts new
    // series), guarded by this object's lock
    private final Map<MeterKey, EndpointMetrics> metrics = new HashMap<>();
    private final String consumerNamespace;
    // changed under this object's lock, read from any thread
    private volatile ForwarderState state = ForwarderState.AWAITING_CONFIG;
    private volatile GatewayClient gatewayClient;

    /** A forwarder with its own event loops, one per core, on the best transport. */
    public Forwarder(ForwarderSettings settings, MeterRegistry registry) {
        this(settings, registry, Transport.best(), null);
    }

    /**
     * @param sharedGroup event loops of {@code transport} to run on, left running by {@link #close};
     *                    {@code null} for a group of this forwarder's own
     */
    public Forwarder(
            ForwarderSettings settings, MeterRegistry registry, Transport transport, EventLoopGroup sharedGroup) {
        this(settings, registry, transport, sharedGroup, SourcePolicy.ALLOW_ALL);
    }

    /** A forwarder with its own event loops that admits only the sources {@code sourcePolicy} admits. */
    Forwarder(ForwarderSettings settings, MeterRegistry registry, SourcePolicy sourcePolicy) {
        this(settings, registry, Transport.best(), null, sourcePolicy);
    }

    /**
     * @param sourcePolicy asked for every accepted connection before its upstream is dialled
     */
    public Forwarder(
            ForwarderSettings settings,
            MeterRegistry registry,
            Transport transport,
            EventLoopGroup sharedGroup,
            SourcePolicy sourcePolicy) {
        this(settings, registry, transport, sharedGroup, sourcePolicy, null);
    }

    /**
     * @param consumerNamespace the namespace whose endpoints this forwarder serves, a tag of every
     *                          endpoint's meters; {@code null} when it serves none in particular
     */
    public Forwarder(
            ForwarderSettings settings,
            MeterRegistry registry,
            Transport transport,
            EventLoopGroup sharedGroup,
            SourcePolicy sourcePolicy,
            String consumerNamespace) {
        this.settings = settings;
        this.consumerNamespace = consumerNamespace;
        this.sourcePolicy = sourcePolicy;
        this.budget = new ConnectionBudget(
                settings.maxConnections(),
                settings.maxConnectionsPerSource(),
                new SourceRate(settings.maxNewConnectionsPerSourcePerSecond(), System::nanoTime));
        this.registry = registry;
        this.ownsGroup = sharedGroup == null;
        this.group = ownsGroup
                ? transport.newGroup(
                        Runtime.getRuntime().availableProcessors(), new DefaultThreadFactory("forwarder", true))
                : sharedGroup;
        this.resolver = new DnsAddressResolverGroup(
                new DnsNameResolverBuilder().datagramChannelType(transport.datagramChannelType()));
        // TCP_NODELAY: Netty's socket channels (epoll and NIO) turn it on when they are created;
        // setting it again would cost a syscall per socket. No SO_KEEPALIVE: the idle timeout
        // already ends connections to peers that went away, and each option is a syscall on the
        // path of every new connection.
        WriteBufferWaterMark waterMark =
                new WriteBufferWaterMark(settings.writeBufferLowMark(), settings.writeBufferHighMark());
        this.serverTemplate = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark);
        this.dialer = new UpstreamDialer(
                new Bootstrap()
                        .channel(transport.socketChannelType())
                        .option(ChannelOption.AUTO_READ, false)
                        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                                settings.connectTimeout().toMillis()),
                resolver,
                settings.upstreamGuard());
    }

    /**
     * Serves {@code config} from now on. Waits until new listeners are bound and closed ones have
     * released their ports; connections of closed routes are reset within milliseconds.
     */
    public synchronized Applied apply(ForwarderConfig config) {
        if (!state.takesConfigs()) {
            return new Applied(0, List.of("the forwarder is shutting down"));
        }
        Map<Integer, Route> wanted = new LinkedHashMap<>();
        for (Route route : config.routes()) {
            if (route.state() == RouteState.ACTIVE) {
                wanted.put(route.listenPort(), route);
            }
        }
        // close first, so that a port moving from one endpoint to another is free to bind again
        for (Iterator<Map.Entry<Integer, RouteListener>> it =
                        listeners.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<Integer, RouteListener> entry = it.next();
            Route want = wanted.get(entry.getKey());
            if (want == null
                    || !want.endpointId().equals(entry.getValue().plan().route().endpointId())) {
                LOG.infof(
                        "closing listener %d of endpoint %s",
                        entry.getKey(), entry.getValue().plan().route().endpointId());
                entry.getValue().closeNow(CloseReason.ROUTE_CLOSED);
                it.remove();
            }
        }
        List<String> failures = new ArrayList<>();
        for (Route route : wanted.values()) {
            RouteListener listener = listeners.get(route.listenPort());
            if (listener == null) {
                open(route)
                        .ifPresentOrElse(
                                l -> listeners.put(route.listenPort(), l),
                                () -> failures.add("listener " + route.listenPort() + " of endpoint "
                                        + route.endpointId() + " could not bind"));
            } else if (!listener.plan().route().equals(route)) {
                listener.update(plan(route));
            }
        }
        unregisterMetersExceptOf(config);
        state = state.configApplied(failures.isEmpty());
        return new Applied(listeners.size(), List.copyOf(failures));
    }

    private Optional<RouteListener> open(Route route) {
        RouteListener listener = new RouteListener(plan(route), settings, dialer, budget, sourcePolicy);
        InetSocketAddress address = new InetSocketAddress(settings.bindAddress(), route.listenPort());
        try {
            listener.bind(serverTemplate, address);
            LOG.infof("listening on %s for endpoint %s", address, route.endpointId());
            return Optional.of(listener);
        } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
            LOG.errorf("cannot listen on %s for endpoint %s: %s", address, route.endpointId(), e.toString());
            return Optional.empty();
        }
    }

    /** Drops the meters of endpoints that {@code config} no longer has (suspended ones keep theirs). */
    private void unregisterMetersExceptOf(ForwarderConfig config) {
        Set<MeterKey> endpoints = config.routes().stream().map(MeterKey::of).collect(Collectors.toSet());
        List<MeterKey> gone =
                metrics.keySet().stream().filter(k -> !endpoints.contains(k)).toList();
        gone.forEach(k -> metrics.remove(k).unregister());
    }

    private record MeterKey(String endpointId, ServiceRef service) {
        static MeterKey of(Route route) {
            return new MeterKey(route.endpointId(), route.service());
        }
    }

    private RoutePlan plan(Route route) {
        EndpointMetrics endpointMetrics = metrics.computeIfAbsent(
                MeterKey.of(route),
                k -> new EndpointMetrics(
                        registry, EndpointMetrics.tags(k.endpointId(), k.service(), consumerNamespace)));
        GatewayClient client = gatewayClient;
        return new RoutePlan(
                route,
                UpstreamOrder.of(route.upstreams()),
                endpointMetrics,
                RoutePlan.proxyDestination(route),
                route.gateway() == null || client == null
                        ? null
                        : client.contextFor(route.gateway().trustDomain()));
    }

    /**
     * The credentials for routes to other clusters' gateways, used by every new connection from
     * now on (a rotated credential, new peer roots). Without them such a route resets its
     * connections: it never sends them in the clear.
     */
    public synchronized void useGatewayClient(GatewayClient client) {
        this.gatewayClient = client;
        // new connections of routes to gateways handshake with it; live ones keep the TLS they have
        for (RouteListener listener : listeners.values()) {
            if (listener.plan().route().gateway() != null) {
                listener.update(plan(listener.plan().route()));
            }
        }
    }

    ForwarderState state() {
        return state;
    }

    /** Whether every active route of the last config is listening and no shutdown has begun. */
    public boolean isServing() {
        return state == ForwarderState.SERVING;
    }

    /** Where the listener for {@code listenPort} is bound, if it is. */
    public synchronized Optional<InetSocketAddress> listenerAddress(int listenPort) {
        return Optional.ofNullable(listeners.get(listenPort)).map(RouteListener::localAddress);
    }

    /** Live connections across all routes. */
    public synchronized int connectionCount() {
        return listeners.values().stream()
                .mapToInt(RouteListener::connectionCount)
                .sum();
    }

    /** Bytes read from one side and not yet written to the other, across all connections. */
    synchronized long bufferedBytes() {
        return listeners.values().stream()
                .mapToLong(RouteListener::bufferedBytes)
                .sum();
    }

    /**
     * Graceful shutdown: stop accepting, let live connections finish for up to {@code grace},
     * then reset the rest. Applies are refused from now on.
     *
     * @return whether every connection finished within the grace period
     */
    public boolean drain(Duration grace) {
        List<CompletableFuture<Void>> finished = new ArrayList<>();
        synchronized (this) {
            state = state.drain();
            listeners.values().forEach(l -> finished.add(l.stopAccepting()));
        }
        LOG.infof("draining %d connections for up to %s", connectionCount(), grace);
        try {
            CompletableFuture.allOf(finished.toArray(CompletableFuture[]::new))
                    .get(grace.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            LOG.infof("drain grace period over, resetting %d connections", connectionCount());
            closeListeners(CloseReason.SHUTDOWN);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeListeners(CloseReason.SHUTDOWN);
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Resets every connection at once and releases the event loops (when they are this forwarder's own). */
    @Override
    public void close() {
        List<CompletableFuture<Void>> finished;
        synchronized (this) {
            if (state == ForwarderState.STOPPED) {
                return;
            }
            state = state.stop();
            finished = closeListeners(CloseReason.SHUTDOWN);
            // a closed forwarder serves no endpoint: this matters where forwarders share a registry
            metrics.values().forEach(EndpointMetrics::unregister);
            metrics.clear();
        }
        try {
            CompletableFuture.allOf(finished.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("connections still closing at shutdown: %s", e.toString());
        }
        resolver.close();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private synchronized List<CompletableFuture<Void>> closeListeners(CloseReason reason) {
        List<CompletableFuture<Void>> finished = new ArrayList<>();
        listeners.values().forEach(l -> finished.add(l.closeNow(reason)));
        listeners.clear();
        return finished;
    }
}
