package dev.privatelink.forwarder.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.privatelink.pki.SpiffeId;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one forwarder serves: the one contract between the control plane and the data plane.
 * The operator writes it (as JSON, key {@link #DATA_KEY}, in the compact form of {@link
 * WireFormat}) into a ConfigMap per consumer namespace; the forwarder watches that ConfigMap and
 * serves every route in it.
 */
public record ForwarderConfig(List<Route> routes) {

    /** The ConfigMap key that holds the JSON form of this record. */
    public static final String DATA_KEY = "forwarder.json";

    // Unknown fields are ignored so that an operator newer than its forwarders can add fields
    // without stopping them (they keep serving what they understand during a rolling upgrade).
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static final Comparator<Route> LISTEN_PORT_ORDER = Comparator.comparingInt(Route::listenPort)
            .thenComparing(Route::endpointId, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingInt(Route::endpointPort);

    public static final ForwarderConfig EMPTY = new ForwarderConfig(List.of());

    /** Routes in listen-port order: a config is a set of listeners, whatever order it was built in. */
    public ForwarderConfig {
        routes = routes == null
                ? List.of()
                : routes.stream().sorted(LISTEN_PORT_ORDER).toList();
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
     * @param endpointAddress the endpoint's address (its Service's ClusterIP), what the consumer dialled:
     *                        with {@code endpointPort}, the destination of the PROXY v2 header, as
     *                        PrivateLink sends it (SEC-16); {@code null} (not allocated yet, or an
     *                        older operator): the listener's own address and port
     * @param allowedWorkloads which pods of the consumer namespace the endpoint admits; null: every pod
     * @param gateway         set when the service is in another cluster: the upstreams are that
     *                        cluster's gateway, dialled with mutual TLS 1.3 and a PROXY v2 preamble
     * @param service       the endpoint service the endpoint connects to, for the metrics' labels (so
     *                      an owner can select its own); {@code null} from an older operator
     */
    public record Route(
            String endpointId,
            int endpointPort,
            int listenPort,
            List<Upstream> upstreams,
            ProxyProtocol proxyProtocol,
            RouteState state,
            @JsonInclude(JsonInclude.Include.NON_NULL) String endpointAddress,
            // absent, not null, on the wire: most routes admit every pod
            @JsonInclude(JsonInclude.Include.NON_NULL) WorkloadAdmission allowedWorkloads,
            @JsonInclude(JsonInclude.Include.NON_NULL) RemoteGateway gateway,
            @JsonInclude(JsonInclude.Include.NON_NULL) ServiceRef service) {
        public Route {
            upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
            proxyProtocol = proxyProtocol == null ? ProxyProtocol.NONE : proxyProtocol;
            state = state == null ? RouteState.ACTIVE : state;
        }

        /** A route to a service of this cluster, without the name of its endpoint service (tests, the standalone forwarder). */
        public Route(
                String endpointId,
                int endpointPort,
                int listenPort,
                List<Upstream> upstreams,
                ProxyProtocol proxyProtocol,
                RouteState state,
                String endpointAddress,
                WorkloadAdmission allowedWorkloads) {
            this(
                    endpointId,
                    endpointPort,
                    listenPort,
                    upstreams,
                    proxyProtocol,
                    state,
                    endpointAddress,
                    allowedWorkloads,
                    null,
                    null);
        }

        /** A route whose endpoint has no address (yet) and that admits every pod of the consumer namespace. */
        public Route(
                String endpointId,
                int endpointPort,
                int listenPort,
                List<Upstream> upstreams,
                ProxyProtocol proxyProtocol,
                RouteState state) {
            this(endpointId, endpointPort, listenPort, upstreams, proxyProtocol, state, null, null, null, null);
        }

        /** The same route, naming the endpoint service it connects to. */
        public Route withService(ServiceRef service) {
            return new Route(
                    endpointId,
                    endpointPort,
                    listenPort,
                    upstreams,
                    proxyProtocol,
                    state,
                    endpointAddress,
                    allowedWorkloads,
                    gateway,
                    service);
        }
    }

    /**
     * An EndpointService, by namespace and name. On the wire it is one string, {@code
     * namespace/name} (neither may contain a slash), once per endpoint.
     */
    public record ServiceRef(String namespace, String name) {
        /**
         * The reference {@code namespace/name} names; null for anything else: a label is not worth
         * refusing a config for.
         */
        public static ServiceRef fromWire(String text) {
            int slash = text == null ? -1 : text.indexOf('/');
            if (slash <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
                return null;
            }
            return new ServiceRef(text.substring(0, slash), text.substring(slash + 1));
        }

        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }

    /** One load balancer address; a higher weight receives proportionally more connections. */
    public record Upstream(String host, int port, int weight) {
        /**
         * The one weight rule: weight 0 keeps a load balancer named (a drained side of a
         * blue/green switch) but sends it no new connection.
         */
        public static boolean takesTraffic(int weight) {
            return weight > 0;
        }

        public boolean takesTraffic() {
            return takesTraffic(weight);
        }
    }

    /**
     * The provider cluster's gateway, for a route to a service of another cluster: the route's
     * upstreams are the gateway's addresses, and the gateway must prove it is the gateway of
     * {@code trustDomain} (a certificate for {@code spiffe://<trustDomain>/privatelink/gateway}).
     * The preamble (PROXY v2 with the endpoint ID) is always sent, inside TLS; whether the owner
     * gets one is the owner's choice, made at its gateway.
     */
    public record RemoteGateway(String trustDomain) {}

    public enum ProxyProtocol {
        NONE,
        V2
    }

    /** A suspended route has no listener and no connections; it stays in the config so resume is instant. */
    public enum RouteState {
        ACTIVE,
        SUSPENDED
    }

    /**
     * Parses the JSON form the operator writes: the compact form ({@link WireFormat#FORMAT}), or
     * the route list older operators wrote (no {@code format} field).
     *
     * @throws IllegalArgumentException if the text is not JSON of this shape, is of a format newer
     *                                  than this code knows, or describes a config that cannot be
     *                                  served (see {@link #problems()})
     */
    public static ForwarderConfig fromJson(String json) {
        ForwarderConfig config = WireFormat.read(JSON, json);
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid forwarder config: " + String.join("; ", problems));
        }
        return config;
    }

    /**
     * Reads the config a ConfigMap holds under {@link #DATA_KEY}. Callers choose what a bad one
     * means: the forwarder keeps serving its last config, the operator writes a fresh one.
     *
     * @throws IllegalArgumentException if the key is missing or its value is not a servable config
     */
    public static ForwarderConfig from(ConfigMap configMap) {
        Map<String, String> data = configMap.getData();
        String json = data == null ? null : data.get(DATA_KEY);
        if (json == null) {
            throw new IllegalArgumentException("no key " + DATA_KEY);
        }
        return fromJson(json);
    }

    /** The JSON form, as stored under {@link #DATA_KEY}: the compact form (see {@link WireFormat}). */
    public String toJson() {
        return WireFormat.write(JSON, this);
    }

    /** What makes this config unservable, for a person; empty when it can be served. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        Set<Integer> listenPorts = new HashSet<>();
        for (Route route : routes) {
            String name = "route " + route.endpointId() + " (listenPort " + route.listenPort() + ")";
            if (route.endpointId() == null || route.endpointId().isBlank()) {
                problems.add(name + ": endpointId is missing");
            }
            if (route.endpointAddress() != null
                    && !NetUtil.isValidIpV4Address(route.endpointAddress())
                    && !NetUtil.isValidIpV6Address(route.endpointAddress())) {
                problems.add(name + ": endpointAddress is not an IP address");
            }
            if (!isPort(route.listenPort())) {
                problems.add(name + ": listenPort is not a TCP port");
            } else if (!listenPorts.add(route.listenPort())) {
                problems.add(name + ": listenPort is used by another route");
            }
            if (route.gateway() != null
                    && !SpiffeId.isTrustDomain(route.gateway().trustDomain())) {
                problems.add(name + ": gateway.trustDomain is not a trust domain name");
            }
            if (route.allowedWorkloads() != null) {
                route.allowedWorkloads().problems(name + ": allowedWorkloads").forEach(problems::add);
            }
            for (Upstream upstream : route.upstreams()) {
                if (upstream.host() == null || upstream.host().isBlank()) {
                    problems.add(name + ": an upstream has no host");
                }
                if (!isPort(upstream.port())) {
                    problems.add(name + ": upstream " + upstream.host() + " has no valid port");
                }
                if (upstream.weight() < 0) {
                    problems.add(name + ": upstream " + upstream.host() + " has a negative weight");
                }
            }
        }
        return problems;
    }

    private static boolean isPort(int port) {
        return port > 0 && port < 65536;
    }
}
