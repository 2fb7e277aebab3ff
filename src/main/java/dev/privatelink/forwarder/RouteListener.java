package dev.privatelink.forwarder;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import java.net.InetSocketAddress;
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
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> allClosed = new CompletableFuture<>();
    private volatile RoutePlan plan;
    private volatile boolean closing;
    private Channel serverChannel;

    RouteListener(RoutePlan plan, ForwarderSettings settings, UpstreamDialer dialer) {
        this.plan = plan;
        this.settings = settings;
        this.dialer = dialer;
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
        return connections.stream().mapToLong(Connection::bufferedBytes).sum();
    }

    private void accept(Channel client) {
        RoutePlan current = plan;
        if (closing || connections.size() >= settings.maxConnectionsPerRoute()) {
            current.metrics().refused.increment();
            Connection.reset(client);
            return;
        }
        Connection connection = new Connection(client, current, settings, this::closed);
        connections.add(connection);
        client.pipeline().addLast(connection.clientHandler());
        connection.start(dialer);
        // a close that began after the check above may have missed this connection
        if (closing) {
            connection.finish(CloseReason.ROUTE_CLOSED);
        }
    }

    private void closed(Connection connection) {
        connections.remove(connection);
        if (closing && connections.isEmpty()) {
            allClosed.complete(null);
        }
    }

    /**
     * Stops accepting; live connections go on. Returns once the port is free.
     *
     * @return completes when the last connection has ended
     */
    CompletableFuture<Void> stopAccepting() {
        closing = true;
        serverChannel.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        if (connections.isEmpty()) {
            allClosed.complete(null);
        }
        return allClosed;
    }

    /** Stops accepting and resets every live connection. */
    CompletableFuture<Void> closeNow(CloseReason reason) {
        CompletableFuture<Void> done = stopAccepting();
        for (Connection connection : connections) {
            connection.closeAsync(reason);
        }
        return done;
    }
}
