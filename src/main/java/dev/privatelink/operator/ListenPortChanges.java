package dev.privatelink.operator;

import dev.privatelink.desired.EndpointWorld;
import dev.privatelink.desired.ForwarderResources;
import dev.privatelink.desired.ForwarderRoutes;
import dev.privatelink.desired.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells, for a new version of a forwarder's ConfigMap, which endpoints' listener ports changed
 * (or which got none, the port range being used up): only those need another reconcile. Remembers the last version per namespace. The
 * SDK may ask about the same version more than once, so the answer is kept per version.
 */
final class ListenPortChanges {

    private record Seen(String resourceVersion, Map<String, Map<Integer, Integer>> ports, Set<String> changed) {}

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
        Map<String, Map<Integer, Integer>> now = placement(view);
        Map<String, Map<Integer, Integer>> previous = before == null ? Map.of() : before.ports();
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

    /** Per endpoint, its listener ports; an endpoint left without a port has none. */
    private static Map<String, Map<Integer, Integer>> placement(EndpointWorld.ForwarderView view) {
        Map<String, Map<Integer, Integer>> ports = ForwarderRoutes.listenPortsByEndpoint(view.config());
        view.unplaced().forEach(id -> ports.putIfAbsent(id, Map.of()));
        return ports;
    }
}
