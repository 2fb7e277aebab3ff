package dev.privatelink.forwarder;

import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A route as the forwarder serves it: the route, its upstreams ready to draw from, its meters.
 *
 * @param proxyDestination the endpoint's address and port for the PROXY header; null: the listener's
 * @param gatewayTls       for a route to another cluster's gateway, the TLS client context for it;
 *                         null for a local route, or when the forwarder has no credentials for one
 */
record RoutePlan(
        Route route,
        UpstreamOrder upstreams,
        EndpointMetrics metrics,
        InetSocketAddress proxyDestination,
        SslContext gatewayTls) {

    /** The endpoint's address and port, when the route names an address (parsed once, not per connection). */
    static InetSocketAddress proxyDestination(Route route) {
        if (route.endpointAddress() == null) {
            return null;
        }
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(route.endpointAddress());
        return address == null ? null : new InetSocketAddress(address, route.endpointPort());
    }
}
