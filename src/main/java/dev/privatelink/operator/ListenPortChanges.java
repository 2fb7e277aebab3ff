package dev.privatelink.operator;

import dev.privatelink.desired.EndpointWorld;
import dev.privatelink.desired.ForwarderResources;
import dev.privatelink.desired.ForwarderRoutes;
import dev.privatelink.desired.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells, for a new version of a forwarder's ConfigMap, which endpoints' listener ports changed
 * (or which got none, the port range being used up, or lost their routes to a refused write): only those need another reconcile. Remembers the last version per namespace. The
 * SDK may ask about the same version more than once, so the answer is kept per version.
 */
final class ListenPortChanges {

    private record Seen(String resourceVersion, Map<String, Placement> placement, Set<String> changed) {}

    /** An endpoint's listener ports, and why the forwarder lacks its routes if it does (SEC-03). */
    private record Placement(Map<Integer, Integer> ports, String refusal) {}

    private final Map<String, Seen> lastSeen = new ConcurrentHashMap<>();

    /** The endpoint IDs whose listener ports differ from the last version seen, in the ConfigMap's consumer namespace. */
    Set<String> changedEndpointIds(ConfigMap configMap) {
        String consumer = Labels.consumerNamespace(configMap);
        if (consumer == null) {
            return Set.of();
        }
        String version = configMap.getMetadata().getResourceVersion();
        Seen before = lastSeen.get(consumer);
        if (before != null && Objects.equals(before.resourceVersion(), version)) {
            return before.changed();
        }
        EndpointWorld.ForwarderView view = ForwarderResources.view(configMap);
        if (!view.readable()) {
            // The forwarders keep their last good config: nothing moved.
            return Set.of();
        }
        Map<String, Placement> now = placement(view);
        Map<String, Placement> previous = before == null ? Map.of() : before.placement();
        Set<String> changed = new HashSet<>();
        Set<String> ids = new HashSet<>(now.keySet());
        ids.addAll(previous.keySet());
        for (String id : ids) {
            if (!Objects.equals(now.get(id), previous.get(id))) {
                changed.add(id);
            }
        }
        lastSeen.put(consumer, new Seen(version, now, Set.copyOf(changed)));
        return changed;
    }

    /**
     * Per endpoint, its listener ports (none when it was left without a port) and whether the
     * forwarder lacks its routes: a change of either is news to the endpoint.
     */
    private static Map<String, Placement> placement(EndpointWorld.ForwarderView view) {
        Map<String, Map<Integer, Integer>> ports = ForwarderRoutes.listenPortsByEndpoint(view.config());
        view.unplaced().forEach(id -> ports.putIfAbsent(id, Map.of()));
        view.unsynced().forEach(id -> ports.putIfAbsent(id, Map.of()));
        Map<String, Placement> placement = new HashMap<>();
        ports.forEach((id, p) ->
                placement.put(id, new Placement(p, view.refusalFor(id).orElse(null))));
        return placement;
    }
}
