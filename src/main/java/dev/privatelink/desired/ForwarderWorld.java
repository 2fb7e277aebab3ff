package dev.privatelink.desired;

import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.forwarder.config.ForwarderConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a consumer namespace's forwarder is decided from, resolved once from the caches.
 *
 * @param consumerNamespace the namespace the forwarder serves
 * @param endpoints         its live interface endpoints
 * @param services          the endpoint services they name, by service name ({@code vpce-svc-…})
 * @param current           the config the forwarder serves now (empty if none or unreadable)
 * @param freed             the listener ports in quarantine, as its ConfigMap records them
 * @param now               to tell which of them are released
 * @param peers             the ClusterPeers the endpoints name as their serviceCluster, by name
 * @param peered            whether the cluster has a ClusterPeer: then forwarders get a client
 *                          credential for peers' gateways
 */
public record ForwarderWorld(
        ConsumerNamespace consumerNamespace,
        List<InterfaceEndpoint> endpoints,
        Map<String, EndpointService> services,
        ForwarderConfig current,
        FreedPorts freed,
        Instant now,
        Map<String, PeerView> peers,
        boolean peered) {

    /** A world of a cluster without peers. */
    public ForwarderWorld(
            ConsumerNamespace consumerNamespace,
            List<InterfaceEndpoint> endpoints,
            Map<String, EndpointService> services,
            ForwarderConfig current,
            FreedPorts freed,
            Instant now) {
        this(consumerNamespace, endpoints, services, current, freed, now, Map.of(), false);
    }
}
