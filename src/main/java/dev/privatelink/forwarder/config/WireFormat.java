package dev.privatelink.forwarder.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.RemoteGateway;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.ServiceRef;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link ForwarderConfig}, compact enough that a namespace at its endpoint quota
 * with the largest services the schema allows fits in the 1 MiB a ConfigMap holds (SEC-03): a
 * route list repeats per port what is the same for every port of an endpoint, and the load
 * balancers' addresses (up to 8 names of 253 characters) per route.
 *
 * <ul>
 *   <li>{@code upstreamSets}: each distinct set of load balancers once; a set's entries omit the
 *       port when it is the route's endpoint port (the usual case, so one set serves every port).
 *   <li>{@code active} and {@code suspended}: one entry per endpoint with what is the same for all
 *       its ports (ID, upstream set, PROXY protocol, endpoint service) once, and its ports and listener ports as two
 *       parallel lists. A field that holds for a whole endpoint belongs in {@link Entry} and
 *       {@link Group}, and so stays once per endpoint however many ports it has.
 * </ul>
 *
 * The state is which list an entry is in, so that suspending an endpoint never makes the document
 * longer: the operator's fail-closed config (a stored one with revocations applied) always fits
 * where the stored one did. {@code format} tells the forms apart; a document without it is the
 * route list of older operators, which is still read.
 */
final class WireFormat {
    private WireFormat() {}

    static final int FORMAT = 2;

    /**
     * What a forwarder of format 1 reads as its route list. Not a list, so such a forwarder
     * (during an upgrade) rejects the document and keeps serving its last good config, instead
     * of reading no routes and closing every listener.
     */
    static final String ROUTES_OF_OLDER_FORWARDERS = "format 2: see active and suspended";

    record Document(
            int format,
            String routes,
            List<List<UpstreamEntry>> upstreamSets,
            List<Entry> active,
            List<Entry> suspended) {}

    /** One endpoint: its ports and, position by position, the forwarder's listener ports for them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(
            String endpointId,
            Integer upstreamSet,
            ProxyProtocol proxyProtocol,
            List<Integer> ports,
            List<Integer> listenPorts,
            String endpointAddress,
            WorkloadAdmission allowedWorkloads,
            RemoteGateway gateway,
            String service) {}

    /** A load balancer; without a port, the forwarder dials the route's endpoint port. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record UpstreamEntry(String host, int weight, Integer port) {}

    /** The route list older operators wrote. */
    record RouteList(List<Route> routes) {}

    /** What the routes of one entry share. */
    private record Group(
            String endpointId,
            RouteState state,
            ProxyProtocol proxyProtocol,
            Integer upstreamSet,
            String endpointAddress,
            WorkloadAdmission allowedWorkloads,
            RemoteGateway gateway,
            ServiceRef service) {}

    static String write(ObjectMapper json, ForwarderConfig config) {
        Map<List<UpstreamEntry>, Integer> sets = new LinkedHashMap<>();
        Map<Group, List<Route>> groups = new LinkedHashMap<>();
        for (Route route : config.routes()) {
            List<UpstreamEntry> set = route.upstreams().stream()
                    .map(u ->
                            new UpstreamEntry(u.host(), u.weight(), u.port() == route.endpointPort() ? null : u.port()))
                    .toList();
            Integer setIndex = set.isEmpty() ? null : sets.computeIfAbsent(set, s -> sets.size());
            groups.computeIfAbsent(
                            new Group(
                                    route.endpointId(),
                                    route.state(),
                                    route.proxyProtocol(),
                                    setIndex,
                                    route.endpointAddress(),
                                    route.allowedWorkloads(),
                                    route.gateway(),
                                    route.service()),
                            g -> new ArrayList<>())
                    .add(route);
        }
        List<Entry> active = new ArrayList<>();
        List<Entry> suspended = new ArrayList<>();
        groups.forEach((group, routes) -> {
            Entry entry = new Entry(
                    group.endpointId(),
                    group.upstreamSet(),
                    group.proxyProtocol() == ProxyProtocol.NONE ? null : group.proxyProtocol(),
                    routes.stream().map(Route::endpointPort).toList(),
                    routes.stream().map(Route::listenPort).toList(),
                    group.endpointAddress(),
                    group.allowedWorkloads(),
                    group.gateway(),
                    group.service() == null ? null : group.service().toString());
            (group.state() == RouteState.SUSPENDED ? suspended : active).add(entry);
        });
        Document document =
                new Document(FORMAT, ROUTES_OF_OLDER_FORWARDERS, List.copyOf(sets.keySet()), active, suspended);
        try {
            return json.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a forwarder config always serializes", e);
        }
    }

    static ForwarderConfig read(ObjectMapper json, String text) {
        try {
            JsonNode tree = json.readTree(text);
            if (tree == null || !tree.isObject()) {
                throw new IllegalArgumentException("not a forwarder config: not a JSON object");
            }
            JsonNode format = tree.get("format");
            if (format == null) {
                RouteList legacy = json.treeToValue(tree, RouteList.class);
                return new ForwarderConfig(legacy.routes());
            }
            if (!format.canConvertToInt() || format.intValue() != FORMAT) {
                throw new IllegalArgumentException("not a forwarder config this forwarder knows: format " + format);
            }
            return fromDocument(json.treeToValue(tree, Document.class));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a forwarder config: " + e.getOriginalMessage(), e);
        }
    }

    private static ForwarderConfig fromDocument(Document document) {
        List<List<UpstreamEntry>> sets = orEmpty(document.upstreamSets());
        List<Route> routes = new ArrayList<>();
        addRoutes(routes, document.active(), RouteState.ACTIVE, sets);
        addRoutes(routes, document.suspended(), RouteState.SUSPENDED, sets);
        return new ForwarderConfig(routes);
    }

    private static void addRoutes(
            List<Route> routes, List<Entry> entries, RouteState state, List<List<UpstreamEntry>> sets) {
        for (Entry entry : orEmpty(entries)) {
            List<Integer> ports = orEmpty(entry.ports());
            List<Integer> listenPorts = orEmpty(entry.listenPorts());
            if (ports.size() != listenPorts.size() || ports.contains(null) || listenPorts.contains(null)) {
                throw new IllegalArgumentException("not a forwarder config: endpoint " + entry.endpointId()
                        + " has not one listener port per port");
            }
            Integer setIndex = entry.upstreamSet();
            if (setIndex != null && (setIndex < 0 || setIndex >= sets.size())) {
                throw new IllegalArgumentException("not a forwarder config: endpoint " + entry.endpointId()
                        + " names upstream set " + setIndex + " of " + sets.size());
            }
            List<UpstreamEntry> set = setIndex == null ? List.of() : orEmpty(sets.get(setIndex));
            ServiceRef service = ServiceRef.fromWire(entry.service());
            for (int i = 0; i < ports.size(); i++) {
                int port = ports.get(i);
                List<Upstream> upstreams = set.stream()
                        .map(u -> new Upstream(u.host(), u.port() == null ? port : u.port(), u.weight()))
                        .toList();
                routes.add(new Route(
                        entry.endpointId(),
                        port,
                        listenPorts.get(i),
                        upstreams,
                        entry.proxyProtocol(),
                        state,
                        entry.endpointAddress(),
                        entry.allowedWorkloads(),
                        entry.gateway(),
                        service));
            }
        }
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
