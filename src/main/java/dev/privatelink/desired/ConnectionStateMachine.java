package dev.privatelink.desired;

import static dev.privatelink.api.ConditionTypes.Reasons;

import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.ConnectionState;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * PrivateLink's connection states, decided from the owner's declarations and the world.
 * Acceptance is sticky: once a connection was accepted, removing the permission that let it in
 * does not cut it (as in PrivateLink); the owner cuts it with Reject or Terminate.
 */
public final class ConnectionStateMachine {
    private ConnectionStateMachine() {}

    /** What a namespace that may not see the service reads: the same as for a name that does not exist. */
    static final String NOT_FOUND_MESSAGE =
            "no endpoint service with this name exists, or it is not shared with this namespace";

    public static ConnectionOutcome decide(ConnectionInputs in) {
        ConnectionState previous = in.previous().state();
        if (previous == ConnectionState.Terminated) {
            return terminated();
        }
        if (!in.withinQuota()) {
            return quotaExceeded();
        }
        // A deleted service stays "deleted" for its endpoints: it must not turn into "not found".
        boolean wasConnected = previous != null && previous.isConnected()
                || Reasons.SERVICE_DELETED.equals(in.previous().reason());
        if (!(in.service() instanceof ServiceLookup.Found found)) {
            return wasConnected
                    ? new ConnectionOutcome(
                            ConnectionState.Failed,
                            Reasons.SERVICE_DELETED,
                            "the endpoint service was deleted; traffic stopped")
                    : notFound();
        }
        if (!found.grant().permitted() && !wasConnected) {
            return notFound();
        }
        List<Integer> missing = missingPorts(in.requestedPorts(), found.readyPorts());
        if (!missing.isEmpty()) {
            return new ConnectionOutcome(
                    ConnectionState.Failed,
                    Reasons.PORT_NOT_OFFERED,
                    "the endpoint service does not offer port(s) " + missing);
        }
        Optional<ConnectionOutcome> ownerCut = found.decision().flatMap(ConnectionStateMachine::cutBy);
        if (ownerCut.isPresent()) {
            return ownerCut.get();
        }
        boolean accepted = found.decision().equals(Optional.of(Decision.Accept))
                || found.grant() == Grant.AUTO_ACCEPT
                || !found.acceptanceRequired()
                || wasConnected;
        if (!accepted) {
            return new ConnectionOutcome(
                    ConnectionState.PendingAcceptance,
                    Reasons.PENDING_ACCEPTANCE,
                    "waiting for the service owner to accept the connection");
        }
        if (found.readyPorts().isEmpty()) {
            return new ConnectionOutcome(
                    ConnectionState.Pending,
                    Reasons.SERVICE_NOT_READY,
                    "accepted; the endpoint service's load balancers are not ready");
        }
        return new ConnectionOutcome(
                ConnectionState.Available, Reasons.AVAILABLE, "traffic flows to the endpoint service");
    }

    /** The outcome of a decision that stops traffic; none for Accept. */
    private static Optional<ConnectionOutcome> cutBy(Decision decision) {
        return switch (decision) {
            case Accept -> Optional.empty();
            case Terminate -> Optional.of(terminated());
            case Reject ->
                Optional.of(new ConnectionOutcome(
                        ConnectionState.Rejected, Reasons.REJECTED, "the service owner rejected the connection"));
            case Suspend ->
                Optional.of(new ConnectionOutcome(
                        ConnectionState.Suspended,
                        Reasons.SUSPENDED,
                        "the service owner suspended the connection; new and existing connections are refused"));
        };
    }

    /** Requested ports the service does not offer; none while the service is not ready (its offer is unknown). */
    static List<Integer> missingPorts(List<Integer> requested, Optional<List<Integer>> offered) {
        return offered.map(ports ->
                        requested.stream().filter(p -> !ports.contains(p)).toList())
                .orElse(List.of());
    }

    /** The ports an endpoint exposes: those it asks for, or else every port the service offers; ascending. */
    public static List<Integer> exposedPorts(List<Integer> requested, Optional<List<Integer>> offered) {
        List<Integer> ports = requested.isEmpty() ? offered.orElse(List.of()) : requested;
        return List.copyOf(new TreeSet<>(ports));
    }

    static ConnectionOutcome quotaExceeded() {
        return new ConnectionOutcome(
                ConnectionState.Failed,
                Reasons.QUOTA_EXCEEDED,
                "the namespace has reached its quota of interface endpoints; delete one or ask for a higher quota");
    }

    private static ConnectionOutcome notFound() {
        return new ConnectionOutcome(ConnectionState.Failed, Reasons.SERVICE_NOT_FOUND, NOT_FOUND_MESSAGE);
    }

    private static ConnectionOutcome terminated() {
        return new ConnectionOutcome(
                ConnectionState.Terminated,
                Reasons.TERMINATED,
                "the service owner terminated the connection; delete and recreate the endpoint to connect again");
    }
}
