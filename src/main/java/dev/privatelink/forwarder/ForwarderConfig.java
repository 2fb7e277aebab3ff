package dev.privatelink.forwarder;

import java.util.List;

/**
 * What one forwarder serves: the one contract between the control plane and the data plane.
 * The operator writes it (as JSON, key {@link #DATA_KEY}) into a ConfigMap per consumer
 * namespace; the forwarder watches that ConfigMap and serves every route in it.
 */
public record ForwarderConfig(List<Route> routes) {

    /** The ConfigMap key that holds the JSON form of this record. */
    public static final String DATA_KEY = "forwarder.json";

    public ForwarderConfig {
        routes = routes == null ? List.of() : List.copyOf(routes);
    }

    /**
     * One listener of the forwarder: one port of one interface endpoint.
     *
     * @param endpointId    the interface endpoint's ID ({@code vpce-…}), stamped into the PROXY v2 TLV
     * @param endpointPort  the port the consumer dials on the endpoint's Service
     * @param listenPort    the port the forwarder listens on for this route (unique within a config)
     * @param upstreams     the load balancers' addresses for this port, with weights
     * @param proxyProtocol whether a PROXY protocol v2 header precedes the client's bytes
     * @param state         whether the route forwards or refuses
     */
    public record Route(String endpointId, int endpointPort, int listenPort, List<Upstream> upstreams,
            ProxyProtocol proxyProtocol, RouteState state) {
        public Route {
            upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
            proxyProtocol = proxyProtocol == null ? ProxyProtocol.NONE : proxyProtocol;
            state = state == null ? RouteState.ACTIVE : state;
        }
    }

    /** One load balancer address; a higher weight receives proportionally more connections. */
    public record Upstream(String host, int port, int weight) {
    }

    public enum ProxyProtocol { NONE, V2 }

    /** A suspended route has no listener and no connections; it stays in the config so resume is instant. */
    public enum RouteState { ACTIVE, SUSPENDED }
}
