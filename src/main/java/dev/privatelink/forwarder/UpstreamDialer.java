package dev.privatelink.forwarder;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Connects to the first upstream of a list that accepts, trying them in order, on the event loop
 * of the client's channel (so both channels of a connection share one thread and need no locks).
 */
public final class UpstreamDialer {

    public interface Callback {
        void connected(Channel upstream);

        void attemptFailed(InetSocketAddress upstream, Throwable cause);

        void exhausted(Throwable lastCause);

        /** Whether the client has gone, so that further attempts are pointless. */
        boolean abandoned();
    }

    private final Bootstrap template;
    private final AddressResolverGroup<InetSocketAddress> resolver;
    private final UpstreamGuard guard;

    /**
     * @param template a bootstrap with channel type and options set; group and handler are set per dial
     * @param resolver looks names up; the addresses it returns pass the guard before they are dialled
     */
    public UpstreamDialer(Bootstrap template, AddressResolverGroup<InetSocketAddress> resolver, UpstreamGuard guard) {
        this.template = template;
        this.resolver = resolver;
        this.guard = guard;
    }

    /**
     * @param handlers a fresh handler for each attempt's channel (a handler belongs to one pipeline)
     * @param from     the local address to connect from; null for the system's choice
     */
    public void dial(
            EventLoop loop,
            List<InetSocketAddress> upstreams,
            Supplier<ChannelHandler> handlers,
            InetAddress from,
            Callback callback) {
        Bootstrap bootstrap = template.clone(loop);
        if (from != null) {
            bootstrap.localAddress(new InetSocketAddress(from, 0));
        }
        attempt(loop, bootstrap, handlers, upstreams, 0, null, callback);
    }

    private void attempt(
            EventLoop loop,
            Bootstrap bootstrap,
            Supplier<ChannelHandler> handlers,
            List<InetSocketAddress> upstreams,
            int index,
            Throwable lastCause,
            Callback callback) {
        if (index == upstreams.size()) {
            callback.exhausted(lastCause);
            return;
        }
        InetSocketAddress upstream = upstreams.get(index);
        Consumer<Throwable> next = cause -> {
            callback.attemptFailed(upstream, cause);
            if (callback.abandoned()) {
                callback.exhausted(cause);
            } else {
                attempt(loop, bootstrap, handlers, upstreams, index + 1, cause, callback);
            }
        };
        if (!upstream.isUnresolved()) {
            connect(bootstrap, handlers, upstream, callback, next);
            return;
        }
        // Names are looked up here rather than by the bootstrap, so that what they resolve to passes the guard.
        resolver.getResolver(loop).resolve(upstream).addListener((Future<InetSocketAddress> lookup) -> {
            if (lookup.isSuccess()) {
                connect(bootstrap, handlers, lookup.getNow(), callback, next);
            } else {
                next.accept(lookup.cause());
            }
        });
    }

    private void connect(
            Bootstrap bootstrap,
            Supplier<ChannelHandler> handlers,
            InetSocketAddress address,
            Callback callback,
            Consumer<Throwable> next) {
        Optional<String> refusal = guard.refusal(address.getAddress());
        if (refusal.isPresent()) {
            next.accept(new ConnectException("will not connect to " + address + ": " + refusal.get()));
            return;
        }
        bootstrap.handler(handlers.get()).connect(address).addListener((ChannelFuture attempt) -> {
            if (attempt.isSuccess()) {
                callback.connected(attempt.channel());
            } else {
                next.accept(attempt.cause());
            }
        });
    }
}
