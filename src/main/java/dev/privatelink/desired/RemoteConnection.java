package dev.privatelink.desired;

import static dev.privatelink.api.ConditionTypes.READY;

import dev.privatelink.api.Condition;
import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpointStatus;
import dev.privatelink.peering.PeeringMessages.EndpointAnswer;
import java.util.List;
import java.util.Optional;

/**
 * The state of an endpoint to another cluster's service, on the consumer's side. The provider
 * decides (its owner accepts, suspends...); this side shows what it answered. Without an answer
 * (the peer unreachable, or this operator just restarted) the endpoint keeps what it had: silence
 * is never a decision, and traffic of an available endpoint keeps flowing.
 *
 * @param endpointId the ID the provider assigned; null until it answered
 * @param ports      the ports the endpoint exposes
 */
public record RemoteConnection(ConnectionOutcome outcome, String endpointId, List<Integer> ports) {

    public static RemoteConnection decide(
            PeerView peer, Optional<EndpointAnswer> answer, InterfaceEndpointStatus previous) {
        String previousId = previous == null ? null : previous.getEndpointId();
        List<Integer> previousPorts = previous == null || previous.getPorts() == null ? List.of() : previous.getPorts();
        if (!peer.usable()) {
            ConnectionState state =
                    Reasons.PEER_NOT_ALLOWED.equals(peer.problem()) ? ConnectionState.Failed : ConnectionState.Pending;
            return new RemoteConnection(
                    new ConnectionOutcome(state, peer.problem(), peer.message()), previousId, previousPorts);
        }
        if (answer.isEmpty()) {
            if (previous != null && previous.getState() != null && previousId != null) {
                String reason = previousReason(previous);
                // Pending for want of its data plane only: the provider's last word was Available
                boolean wasAvailable = DataPlane.WAITING_REASONS.contains(reason);
                return new RemoteConnection(
                        new ConnectionOutcome(
                                wasAvailable ? ConnectionState.Available : previous.getState(),
                                wasAvailable ? Reasons.AVAILABLE : reason,
                                "as the provider cluster last answered (no answer since this operator started)"),
                        previousId,
                        previousPorts);
            }
            return new RemoteConnection(
                    new ConnectionOutcome(
                            ConnectionState.Pending,
                            Reasons.AWAITING_PROVIDER,
                            "waiting for the provider cluster " + peer.name() + " to record the endpoint"),
                    null,
                    List.of());
        }
        EndpointAnswer a = answer.get();
        ConnectionState state = a.state() == null ? ConnectionState.Pending : a.state();
        String reason = a.reason() == null ? Reasons.RECORDED_BY_PROVIDER : a.reason();
        String message = a.message() == null ? "as the provider cluster answered" : a.message();
        return new RemoteConnection(
                new ConnectionOutcome(state, reason, message),
                a.endpointId(),
                state.isConnected() ? a.ports() : List.of());
    }

    private static String previousReason(InterfaceEndpointStatus previous) {
        return previous.condition(READY).map(Condition::getReason).orElse(Reasons.AWAITING_PROVIDER);
    }
}
