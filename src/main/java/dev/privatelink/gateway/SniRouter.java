package dev.privatelink.gateway;

import dev.privatelink.peering.PeeringWire;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;

/**
 * The first handler of a gateway connection when peering is passed through: it reads the TLS
 * ClientHello (Netty's parser, at most its bounded size) without answering it, and by the server
 * name hands the connection on, with the ClientHello bytes still unread by anyone else: {@link
 * PeeringWire#SERVER_NAME} to the operator's peering port untouched, every other name (or none)
 * to the gateway's own TLS, which requires a client certificate as before.
 */
final class SniRouter extends AbstractSniHandler<Boolean> {

    /** What a routed connection becomes; called on the event loop, with this handler still in place. */
    interface Routes {
        void terminate(ChannelHandlerContext ctx);

        void passThrough(ChannelHandlerContext ctx);
    }

    /**
     * The most a ClientHello may take before it is decided: a TLS 1.3 one with post-quantum key
     * shares is about 2 KiB, and Netty's own bound (16 MiB) would let a client that never sends
     * a certificate make the gateway hold that much per connection.
     */
    static final int MAX_CLIENT_HELLO = 64 * 1024;

    private final Routes routes;

    SniRouter(Routes routes, long timeoutMillis) {
        super(MAX_CLIENT_HELLO, timeoutMillis);
        this.routes = routes;
    }

    static boolean isPeering(String hostname) {
        return PeeringWire.SERVER_NAME.equalsIgnoreCase(hostname);
    }

    @Override
    protected Future<Boolean> lookup(ChannelHandlerContext ctx, String hostname) {
        return ctx.executor().newSucceededFuture(isPeering(hostname));
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<Boolean> future) {
        if (Boolean.TRUE.equals(future.getNow())) {
            routes.passThrough(ctx);
        } else {
            routes.terminate(ctx);
        }
    }
}
