package dev.privatelink.forwarder;

import dev.privatelink.forwarder.config.WorkloadAdmission;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The listener of one route and the connections it accepted. Its plan can be replaced while it
 * listens (new upstreams, say): new connections take the new plan, live ones keep theirs, except
 * that a changed endpoint policy resets the live connections it no longer admits.
 *
 * <p>Every accepted connection passes the limits, then the {@link SourcePolicy}, before its
 * upstream is dialled. A source the policy knows is decided on the spot; for one it must look
 * up, the client's channel waits unread (AUTO_READ is off) among the pending ones, holding its
 * place in the limits, and is reset if the route closes meanwhile.
 */
final class RouteListener {

    private static final long CLOSE_WAIT_SECONDS = 5;

    private final ForwarderSettings settings;
    private final UpstreamDialer dialer;
    private final ConnectionBudget budget;
    private final SourcePolicy sourcePolicy;
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    // clients waiting for the source policy's decision, with their source address; whoever
    // removes one (the decision, or a close of the route) takes charge of it
    private final Map<Channel, InetAddress> pending = new ConcurrentHashMap<>();
    private volatile RoutePlan plan;
    // null while accepting; once accepting stopped, completes when the last connection has ended
    private volatile CompletableFuture<Void> allClosed;
    private Channel serverChannel;

    RouteListener(
            RoutePlan plan,
            ForwarderSettings settings,
            UpstreamDialer dialer,
            ConnectionBudget budget,
            SourcePolicy sourcePolicy) {
        this.plan = plan;
        this.settings = settings;
        this.dialer = dialer;
        this.budget = budget;
        this.sourcePolicy = sourcePolicy;
    }

    /** Binds, waiting for the outcome. */
    void bind(ServerBootstrap template, InetSocketAddress address) {
        ChannelFuture bound = template.clone()
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel client) {
                        accept(client);
                    }
                })
                .bind(address)
                .syncUninterruptibly();
        serverChannel = bound.channel();
    }

    RoutePlan plan() {
        return plan;
    }

    void update(RoutePlan newPlan) {
        WorkloadAdmission before = plan.route().allowedWorkloads();
        plan = newPlan;
        WorkloadAdmission now = newPlan.route().allowedWorkloads();
        if (!Objects.equals(before, now)) {
            // a narrowed endpoint policy takes effect for live connections too, as it does in
            // PrivateLink for every request; a source the policy cannot judge now keeps its connection
            for (ProxiedConnection connection : connections) {
                SourcePolicy.Decision decision = sourcePolicy.known(connection.source(), now);
                if (decision != null && !decision.allows()) {
                    connection.closeAsync(CloseReason.NOT_ALLOWED_ANY_MORE);
                }
            }
        }
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    int connectionCount() {
        return connections.size();
    }

    long bufferedBytes() {
        return connections.stream().mapToLong(ProxiedConnection::bufferedBytes).sum();
    }

    private void accept(Channel client) {
        RoutePlan current = plan;
        InetAddress source = ((InetSocketAddress) client.remoteAddress()).getAddress();
        Optional<RefusalReason> refusal = !accepting()
                ? Optional.of(RefusalReason.ROUTE_CLOSING)
                : connections.size() + pending.size() >= settings.maxConnectionsPerRoute()
                        ? Optional.of(RefusalReason.ROUTE_LIMIT)
                        : budget.tryAcquire(source);
        if (refusal.isPresent()) {
            refuse(client, current, refusal.get());
            return;
        }
        SourcePolicy.Decision known = sourcePolicy.known(source, current.route().allowedWorkloads());
        if (known == null) {
            awaitDecision(client, source, current);
        } else if (known.allows()) {
            admit(client, source, current);
        } else {
            budget.release(source);
            refuse(client, current, known.refusal());
        }
    }

    /** The policy must look {@code source} up: the client waits, unread, until it has. */
    private void awaitDecision(Channel client, InetAddress source, RoutePlan current) {
        pending.put(client, source);
        sourcePolicy
                .decide(source, current.route().allowedWorkloads())
                .whenComplete((decision, error) -> client.eventLoop()
                        .execute(() -> decided(
                                client,
                                source,
                                error != null || decision == null
                                        ? SourcePolicy.Decision.refuse(RefusalReason.SOURCE_UNVERIFIED)
                                        : decision)));
        // a close that began after the check in accept() may have missed this client
        if (!accepting()) {
            client.eventLoop().execute(() -> refusePending(client));
        }
    }

    /** On the client's event loop, once the policy has decided. */
    private void decided(Channel client, InetAddress source, SourcePolicy.Decision decision) {
        if (pending.remove(client) == null) {
            return; // the route closed meanwhile and reset it
        }
        RoutePlan current = plan;
        if (!accepting()) {
            budget.release(source);
            refuse(client, current, RefusalReason.ROUTE_CLOSING);
        } else if (!decision.allows()) {
            budget.release(source);
            refuse(client, current, decision.refusal());
        } else if (!client.isOpen()) {
            budget.release(source); // the client gave up while it waited
        } else {
            admit(client, source, current);
        }
        allClosedIfDone();
    }

    /** Resets a client still waiting for a decision, if nothing else took charge of it first. */
    private void refusePending(Channel client) {
        InetAddress source = pending.remove(client);
        if (source != null) {
            budget.release(source);
            refuse(client, plan, RefusalReason.ROUTE_CLOSING);
            allClosedIfDone();
        }
    }

    private static void refuse(Channel client, RoutePlan plan, RefusalReason reason) {
        plan.metrics().refused(reason);
        ProxiedConnection.reset(client);
    }

    private void admit(Channel client, InetAddress source, RoutePlan current) {
        ProxiedConnection connection = new ProxiedConnection(client, current, settings, ended -> {
            budget.release(source);
            closed(ended);
        });
        connections.add(connection);
        client.pipeline().addLast(connection.clientHandler());
        connection.start(dialer);
        // a close that began after the check above may have missed this connection
        if (!accepting()) {
            connection.finish(CloseReason.ROUTE_CLOSED);
        }
    }

    private boolean accepting() {
        return allClosed == null;
    }

    private void closed(ProxiedConnection connection) {
        connections.remove(connection);
        allClosedIfDone();
    }

    private void allClosedIfDone() {
        CompletableFuture<Void> closing = allClosed;
        if (closing != null && connections.isEmpty() && pending.isEmpty()) {
            closing.complete(null);
        }
    }

    /**
     * Stops accepting; live connections go on. Returns once the port is free.
     *
     * @return completes when the last connection has ended
     */
    synchronized CompletableFuture<Void> stopAccepting() {
        if (allClosed == null) {
            allClosed = new CompletableFuture<>();
        }
        serverChannel.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        // a client still waiting for the source policy is not admitted any more
        for (Channel client : pending.keySet()) {
            client.eventLoop().execute(() -> refusePending(client));
        }
        allClosedIfDone();
        return allClosed;
    }

    /** Stops accepting and resets every live connection. */
    CompletableFuture<Void> closeNow(CloseReason reason) {
        CompletableFuture<Void> done = stopAccepting();
        for (ProxiedConnection connection : connections) {
            connection.closeAsync(reason);
        }
        return done;
    }
}
