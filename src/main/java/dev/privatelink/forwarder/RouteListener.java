package dev.privatelink.forwarder;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The listener of one route and the connections it accepted. Its plan can be replaced while it
 * listens (new upstreams, say): new connections take the new plan, live ones keep theirs.
 */
final class RouteListener {

    private static final long CLOSE_WAIT_SECONDS = 5;

    private final ForwarderSettings settings;
    private final UpstreamDialer dialer;
    private final ConnectionBudget budget;
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile RoutePlan plan;
    // null while accepting; once accepting stopped, completes when the last connection has ended
    private volatile CompletableFuture<Void> allClosed;
    private Channel serverChannel;

    RouteListener(RoutePlan plan, ForwarderSettings settings, UpstreamDialer dialer, ConnectionBudget budget) {
        this.plan = plan;
        this.settings = settings;
        this.dialer = dialer;
        this.budget = budget;
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
        plan = newPlan;
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
                : connections.size() >= settings.maxConnectionsPerRoute()
                        ? Optional.of(RefusalReason.ROUTE_LIMIT)
                        : budget.tryAcquire(source);
        if (refusal.isPresent()) {
            current.metrics().refused(refusal.get());
            ProxiedConnection.reset(client);
            return;
        }
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
        CompletableFuture<Void> closing = allClosed;
        if (closing != null && connections.isEmpty()) {
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
        if (connections.isEmpty()) {
            allClosed.complete(null);
        }
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
