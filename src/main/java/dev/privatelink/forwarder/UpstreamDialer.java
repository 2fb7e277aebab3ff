package dev.privatelink.forwarder;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;

/**
 * Connects to the first upstream of a list that accepts, trying them in order, on the event loop
 * of the client's channel (so both channels of a connection share one thread and need no locks).
 */
final class UpstreamDialer {

    interface Callback {
        void connected(Channel upstream);

        void attemptFailed(InetSocketAddress upstream, Throwable cause);

        void exhausted(Throwable lastCause);

        /** Whether the client has gone, so that further attempts are pointless. */
        boolean abandoned();
    }

    private final Bootstrap template;

    /** @param template a bootstrap with channel type, options and resolver set; group and handler are set per dial */
    UpstreamDialer(Bootstrap template) {
        this.template = template;
    }

    /** @param handlers a fresh handler for each attempt's channel (a handler belongs to one pipeline) */
    void dial(EventLoop loop, List<InetSocketAddress> upstreams, Supplier<ChannelHandler> handlers, Callback callback) {
        attempt(template.clone(loop), handlers, upstreams, 0, null, callback);
    }

    private void attempt(
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
        bootstrap.handler(handlers.get()).connect(upstream).addListener((ChannelFuture attempt) -> {
            if (attempt.isSuccess()) {
                callback.connected(attempt.channel());
                return;
            }
            callback.attemptFailed(upstream, attempt.cause());
            if (callback.abandoned()) {
                callback.exhausted(attempt.cause());
            } else {
                attempt(bootstrap, handlers, upstreams, index + 1, attempt.cause(), callback);
            }
        });
    }
}
