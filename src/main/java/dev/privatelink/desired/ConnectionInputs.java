package dev.privatelink.desired;

import dev.privatelink.api.ConnectionState;
import java.util.List;

/**
 * Everything the state of one endpoint connection depends on.
 *
 * @param previous       what the endpoint's status said last time
 * @param withinQuota    whether the consumer namespace is within its endpoint quota with this endpoint
 * @param service        what the lookup of the named endpoint service found
 * @param requestedPorts the ports the endpoint asks for; empty means every port the service offers
 */
public record ConnectionInputs(
        Previous previous, boolean withinQuota, ServiceLookup service, List<Integer> requestedPorts) {

    public ConnectionInputs {
        requestedPorts = requestedPorts == null ? List.of() : List.copyOf(requestedPorts);
    }

    /** The state and Ready reason the endpoint's status held before this decision; both null for a new one. */
    public record Previous(ConnectionState state, String reason) {
        public static final Previous NONE = new Previous(null, null);
    }
}
