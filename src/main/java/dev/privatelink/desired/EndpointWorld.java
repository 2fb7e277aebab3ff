package dev.privatelink.desired;

import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.forwarder.config.ForwarderConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one endpoint's reconcile decides from, resolved once from the informer caches.
 *
 * @param endpoint        the InterfaceEndpoint as the cache holds it
 * @param service         the lookup of the endpoint service it names
 * @param withinQuota     whether its namespace is within the endpoint quota with it
 * @param forwarder       what the namespace's forwarder serves and what it could not place
 * @param forwarderPods   the forwarder pods serving the namespace
 * @param servedListenPorts per endpoint port, the listener port its EndpointSlices point at now
 * @param servedZones     the zones the endpoint has zonal Services for now
 * @param address         the ClusterIP of the endpoint's Service, once the API server allocated it
 * @param now             for the transition times of conditions
 */
public record EndpointWorld(
        InterfaceEndpoint endpoint,
        ServiceLookup service,
        boolean withinQuota,
        ForwarderView forwarder,
        List<ForwarderPod> forwarderPods,
        Map<Integer, Integer> servedListenPorts,
        Set<String> servedZones,
        Optional<String> address,
        Instant now) {

    /**
     * @param config   the configuration the forwarder serves, as the operator last wrote it
     * @param unplaced the endpoint IDs that got no listener port (the port range is used up)
     * @param readable false when the ConfigMap holds something that is not a config (edited by
     *                 hand): the forwarders then keep serving their last good one, and so must
     *                 the endpoints' slices
     * @param unsynced the endpoint IDs whose desired routes the config lacks, because the API
     *                 server refused the config that had them (SEC-03)
     * @param refusal  what the API server said then; null while nothing is refused
     */
    public record ForwarderView(
            ForwarderConfig config, Set<String> unplaced, boolean readable, Set<String> unsynced, String refusal) {
        public static final ForwarderView NONE = new ForwarderView(ForwarderConfig.EMPTY, Set.of(), true);

        public ForwarderView(ForwarderConfig config, Set<String> unplaced, boolean readable) {
            this(config, unplaced, readable, Set.of(), null);
        }

        /** Why the forwarder lacks the endpoint's routes, if it does. */
        public Optional<String> refusalFor(String endpointId) {
            return unsynced.contains(endpointId)
                    ? Optional.of(refusal == null ? "refused" : refusal)
                    : Optional.empty();
        }
    }
}
