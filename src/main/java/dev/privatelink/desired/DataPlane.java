package dev.privatelink.desired;

import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.ConnectionState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether an endpoint the owner let through can carry traffic yet. {@code Available} is a promise
 * that a connection to the endpoint's address is served: its forwarder listens on a port for
 * every endpoint port, and its EndpointSlices list a ready forwarder pod. Until then the
 * connection is {@code Pending}, with the reason.
 */
public final class DataPlane {
    private DataPlane() {}

    /** The reasons of a Pending endpoint that only waits for the data plane: its forwarder needs routes for it. */
    public static final Set<String> WAITING_REASONS = Set.of(
            Reasons.NO_LISTENER_PORT,
            Reasons.LISTENER_PORT_PENDING,
            Reasons.NO_READY_FORWARDER,
            Reasons.FORWARDER_CONFIG_REJECTED);

    /**
     * @param refusal what the API server said when it refused the forwarder config with this
     *                endpoint's routes, if it did: the forwarder serves an older config
     */
    static Optional<ConnectionOutcome> waitingFor(
            List<Integer> ports,
            Map<Integer, Integer> listenPorts,
            boolean unplaced,
            Optional<String> refusal,
            EndpointObjects objects) {
        if (refusal.isPresent()) {
            return Optional.of(pending(
                    Reasons.FORWARDER_CONFIG_REJECTED,
                    "the API server refused the forwarder configuration with this endpoint's routes ("
                            + refusal.get() + "); its forwarder serves the last stored one, with owners'"
                            + " revocations applied, until a write succeeds"));
        }
        if (unplaced) {
            return Optional.of(pending(
                    Reasons.NO_LISTENER_PORT,
                    "the forwarder of this namespace has no free listener port (a freed one is given to no other"
                            + " endpoint for " + FreedPorts.QUARANTINE.toMinutes()
                            + " minutes); delete unused endpoints in this namespace or ask the"
                            + " operator's admin to widen forwarder.listenPorts"));
        }
        List<Integer> withoutListener =
                ports.stream().filter(p -> !listenPorts.containsKey(p)).toList();
        if (!withoutListener.isEmpty()) {
            return Optional.of(pending(
                    Reasons.LISTENER_PORT_PENDING,
                    "accepted; waiting for the namespace's forwarder to listen for port(s) " + withoutListener));
        }
        boolean anyReady = objects.slices().stream()
                .flatMap(slice -> slice.getEndpoints().stream())
                .anyMatch(e -> e.getConditions() != null
                        && Boolean.TRUE.equals(e.getConditions().getReady()));
        if (!anyReady) {
            return Optional.of(pending(
                    Reasons.NO_READY_FORWARDER,
                    "accepted; no forwarder pod of this namespace is ready to carry the traffic"));
        }
        return Optional.empty();
    }

    private static ConnectionOutcome pending(String reason, String message) {
        return new ConnectionOutcome(ConnectionState.Pending, reason, message);
    }
}
