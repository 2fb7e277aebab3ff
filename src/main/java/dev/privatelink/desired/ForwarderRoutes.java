package dev.privatelink.desired;

import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routes of one forwarder, with listener ports that stay stable: a route keeps the port it
 * had in the previous configuration, so the EndpointSlices that point at it never move, and a
 * new route takes the lowest free port of the range.
 */
public final class ForwarderRoutes {
    private ForwarderRoutes() {}

    public record Result(ForwarderConfig config, List<RouteRequest> unplaced) {}

    private record Key(String endpointId, int endpointPort) {}

    public static Result assign(List<RouteRequest> sources, ForwarderConfig previous, int firstPort, int lastPort) {
        Map<Key, Integer> kept = new HashMap<>();
        for (Route r : previous == null ? List.<Route>of() : previous.routes()) {
            kept.put(new Key(r.endpointId(), r.endpointPort()), r.listenPort());
        }
        List<RouteRequest> ordered = sources.stream()
                .sorted(Comparator.comparing(RouteRequest::endpointId).thenComparingInt(RouteRequest::endpointPort))
                .toList();
        Set<Integer> taken = new HashSet<>();
        Map<RouteRequest, Integer> ports = new HashMap<>();
        for (RouteRequest s : ordered) {
            Integer port = kept.get(new Key(s.endpointId(), s.endpointPort()));
            if (port != null && port >= firstPort && port <= lastPort && taken.add(port)) {
                ports.put(s, port);
            }
        }
        List<RouteRequest> unplaced = new ArrayList<>();
        int next = firstPort;
        for (RouteRequest s : ordered) {
            if (ports.containsKey(s)) {
                continue;
            }
            while (next <= lastPort && taken.contains(next)) {
                next++;
            }
            if (next > lastPort) {
                unplaced.add(s);
                continue;
            }
            taken.add(next);
            ports.put(s, next);
        }
        List<Route> routes = ordered.stream()
                .filter(ports::containsKey)
                .map(s -> new Route(
                        s.endpointId(),
                        s.endpointPort(),
                        ports.get(s),
                        s.upstreams(),
                        s.proxyProtocol(),
                        s.state(),
                        s.endpointAddress(),
                        s.allowedWorkloads()))
                .sorted(Comparator.comparingInt(Route::listenPort))
                .toList();
        return new Result(new ForwarderConfig(routes), unplaced);
    }

    /** For one endpoint, its listener port per endpoint port. */
    public static Map<Integer, Integer> listenPorts(ForwarderConfig config, String endpointId) {
        return listenPortsByEndpoint(config).getOrDefault(endpointId, Map.of());
    }

    /** Per endpoint ID, its listener port per endpoint port. */
    public static Map<String, Map<Integer, Integer>> listenPortsByEndpoint(ForwarderConfig config) {
        Map<String, Map<Integer, Integer>> ports = new HashMap<>();
        for (Route r : config.routes()) {
            ports.computeIfAbsent(r.endpointId(), id -> new HashMap<>()).put(r.endpointPort(), r.listenPort());
        }
        return ports;
    }
}
