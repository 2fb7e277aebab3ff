package dev.privatelink.desired;

import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routes of one forwarder, with listener ports that stay stable: a route keeps the port it
 * had in the previous configuration, so the EndpointSlices that point at it never move, and a
 * new route takes the lowest free port of the range that is not in quarantine: a port a removed
 * route freed goes to no other endpoint for {@link FreedPorts#QUARANTINE} (SEC-14).
 */
public final class ForwarderRoutes {
    private ForwarderRoutes() {}

    /**
     * @param freed the quarantine after this config: the ports it frees added, expired ones gone
     */
    public record Result(ForwarderConfig config, List<RouteRequest> unplaced, FreedPorts freed) {}

    private record Key(String endpointId, int endpointPort) {}

    public static Result assign(
            List<RouteRequest> sources,
            ForwarderConfig previous,
            FreedPorts freed,
            Instant now,
            int firstPort,
            int lastPort) {
        List<Route> before = previous == null ? List.of() : previous.routes();
        Map<Key, Integer> kept = new HashMap<>();
        for (Route r : before) {
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
        // The previous routes' ports that no route keeps are freed by this very config.
        Set<Integer> freedNow = new TreeSet<>();
        before.forEach(r -> freedNow.add(r.listenPort()));
        freedNow.removeAll(taken);
        List<RouteRequest> unplaced = new ArrayList<>();
        int next = firstPort;
        for (RouteRequest s : ordered) {
            if (ports.containsKey(s)) {
                continue;
            }
            while (next <= lastPort
                    && (taken.contains(next) || freedNow.contains(next) || freed.quarantined(next, now))) {
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
                        s.allowedWorkloads(),
                        s.gateway(),
                        s.service()))
                .sorted(Comparator.comparingInt(Route::listenPort))
                .toList();
        return new Result(new ForwarderConfig(routes), unplaced, freed.next(freedNow, taken, now));
    }

    /**
     * The config to write when the API server refuses the desired one (SEC-03: fail closed for
     * revocations): {@code served}, the config the forwarders have, reduced by every revocation
     * {@code desired} holds, and with nothing added. A route {@code desired} no longer has (or has on
     * another port) goes; a route it suspends is suspended; a route keeps only the load balancers
     * {@code desired} still names, drained ones drained, and is suspended when none is left. New
     * routes, resumed ones and new load balancers wait for a write that succeeds; a route whose
     * endpoint policy changed is suspended (the change may narrow it). It is no longer
     * than {@code served} in its JSON form, so it fits where that one did.
     */
    public static ForwarderConfig revocationsOnly(ForwarderConfig served, ForwarderConfig desired) {
        Map<Key, Route> wanted = new HashMap<>();
        desired.routes().forEach(r -> wanted.put(new Key(r.endpointId(), r.endpointPort()), r));
        List<Route> kept = new ArrayList<>();
        for (Route r : served.routes()) {
            Route want = wanted.get(new Key(r.endpointId(), r.endpointPort()));
            if (want == null || want.listenPort() != r.listenPort()) {
                continue;
            }
            // A changed endpoint policy may narrow who is admitted, and which way it changed is
            // not worth guessing here: the route is suspended until the new policy is written.
            boolean policyChanged = !Objects.equals(r.allowedWorkloads(), want.allowedWorkloads());
            List<Upstream> upstreams =
                    want.state() == RouteState.SUSPENDED || r.state() == RouteState.SUSPENDED || policyChanged
                            ? List.of()
                            : stillWanted(r.upstreams(), want.upstreams());
            RouteState state = upstreams.isEmpty() ? RouteState.SUSPENDED : RouteState.ACTIVE;
            kept.add(new Route(
                    r.endpointId(),
                    r.endpointPort(),
                    r.listenPort(),
                    upstreams,
                    r.proxyProtocol(),
                    state,
                    r.endpointAddress(),
                    r.allowedWorkloads(),
                    r.gateway(),
                    r.service()));
        }
        return new ForwarderConfig(kept);
    }

    /** The served load balancers that are still wanted; a wanted weight of 0 (drained) drains it. */
    private static List<Upstream> stillWanted(List<Upstream> served, List<Upstream> wanted) {
        List<Upstream> kept = new ArrayList<>();
        for (Upstream u : served) {
            wanted.stream()
                    .filter(w -> w.host().equals(u.host()) && w.port() == u.port())
                    .findFirst()
                    .ifPresent(w -> kept.add(w.takesTraffic() ? u : new Upstream(u.host(), u.port(), 0)));
        }
        return kept.stream().anyMatch(Upstream::takesTraffic) ? kept : List.of();
    }

    /** The endpoints of {@code desired} whose routes {@code served} does not have exactly as desired. */
    public static Set<String> unsynced(ForwarderConfig desired, ForwarderConfig served) {
        Map<String, Set<Route>> want = byEndpoint(desired);
        Map<String, Set<Route>> have = byEndpoint(served);
        Set<String> unsynced = new TreeSet<>();
        want.forEach((id, routes) -> {
            if (!routes.equals(have.get(id))) {
                unsynced.add(id);
            }
        });
        return unsynced;
    }

    private static Map<String, Set<Route>> byEndpoint(ForwarderConfig config) {
        Map<String, Set<Route>> routes = new HashMap<>();
        config.routes()
                .forEach(r -> routes.computeIfAbsent(r.endpointId(), id -> new HashSet<>())
                        .add(r));
        return routes;
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
