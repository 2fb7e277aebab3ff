package dev.privatelink.peering;

import dev.privatelink.api.ConnectionState;
import java.util.List;
import java.util.Map;

/**
 * What two operators say to each other once peered (CROSS-CLUSTER.md, "Peering API"). The
 * consumer side owns "this endpoint exists and wants service S" and sends all of them at once; the
 * provider side owns the endpoint ID, the state and the reason, and answers each. Level-triggered:
 * every message is the whole picture, so a lost one is repaired by the next.
 */
public final class PeeringMessages {

    private PeeringMessages() {}

    /** Every endpoint of the consumer cluster that names the provider as its serviceCluster. */
    public record Snapshot(List<RequestedEndpoint> endpoints) {
        public Snapshot {
            endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        }
    }

    /**
     * One consumer endpoint, as the consumer cluster states it.
     *
     * @param namespace       its namespace in the consumer cluster
     * @param name            its name there
     * @param uid             its UID there: a recreated endpoint is a new connection
     * @param serviceName     the vpce-svc-... name it asks for
     * @param ports           the ports it asks for; empty for all the service offers
     * @param namespaceLabels its namespace's labels, for the provider's namespace selectors (asserted by the peer)
     */
    public record RequestedEndpoint(
            String namespace,
            String name,
            String uid,
            String serviceName,
            List<Integer> ports,
            Map<String, String> namespaceLabels) {
        public RequestedEndpoint {
            ports = ports == null ? List.of() : List.copyOf(ports);
            namespaceLabels = namespaceLabels == null ? Map.of() : Map.copyOf(namespaceLabels);
        }
    }

    /** The provider's answer to a snapshot: one entry per requested endpoint it has recorded. */
    public record Answer(List<EndpointAnswer> endpoints) {
        public Answer {
            endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        }
    }

    /**
     * The provider's view of one consumer endpoint. A service that is not permitted is answered
     * exactly as one that does not exist.
     *
     * @param endpointId the ID the provider assigned (null until it has recorded the endpoint)
     * @param ports      the ports the endpoint may use, once connected
     */
    public record EndpointAnswer(
            String namespace,
            String name,
            String uid,
            String endpointId,
            ConnectionState state,
            String reason,
            String message,
            List<Integer> ports) {
        public EndpointAnswer {
            ports = ports == null ? List.of() : List.copyOf(ports);
        }
    }
}
