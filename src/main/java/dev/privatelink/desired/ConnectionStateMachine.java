package dev.privatelink.desired;

import static dev.privatelink.api.ConditionTypes.Reasons;

import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.ConnectionState;

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
        ConnectionState previous = in.previous();
        if (previous == ConnectionState.Terminated) {
            return terminated();
        }
        if (!in.withinQuota()) {
            return new ConnectionOutcome(
                    ConnectionState.Failed,
                    Reasons.QUOTA_EXCEEDED,
                    "the namespace has reached its quota of interface endpoints; delete one or ask for a higher quota");
        }
        // A deleted service stays "deleted" for its endpoints: it must not turn into "not found".
        boolean wasConnected =
                previous != null && previous.isConnected() || Reasons.SERVICE_DELETED.equals(in.previousReason());
        if (!in.serviceFound()) {
            return wasConnected
                    ? new ConnectionOutcome(
                            ConnectionState.Failed,
                            Reasons.SERVICE_DELETED,
                            "the endpoint service was deleted; traffic stopped")
                    : notFound();
        }
        if (!in.permitted() && !wasConnected) {
            return notFound();
        }
        if (!in.missingPorts().isEmpty()) {
            return new ConnectionOutcome(
                    ConnectionState.Failed,
                    Reasons.PORT_NOT_OFFERED,
                    "the endpoint service does not offer port(s) " + in.missingPorts());
        }
        Decision decision = in.decision().orElse(null);
        if (decision == Decision.Terminate) {
            return terminated();
        }
        if (decision == Decision.Reject) {
            return new ConnectionOutcome(
                    ConnectionState.Rejected, Reasons.REJECTED, "the service owner rejected the connection");
        }
        if (decision == Decision.Suspend) {
            return new ConnectionOutcome(
                    ConnectionState.Suspended,
                    Reasons.SUSPENDED,
                    "the service owner suspended the connection; new and existing connections are refused");
        }
        boolean accepted = decision == Decision.Accept || in.autoAccept() || !in.acceptanceRequired() || wasConnected;
        if (!accepted) {
            return new ConnectionOutcome(
                    ConnectionState.PendingAcceptance,
                    Reasons.PENDING_ACCEPTANCE,
                    "waiting for the service owner to accept the connection");
        }
        if (!in.serviceReady()) {
            return new ConnectionOutcome(
                    ConnectionState.Pending,
                    Reasons.SERVICE_NOT_READY,
                    "accepted; the endpoint service's load balancers are not ready");
        }
        return new ConnectionOutcome(
                ConnectionState.Available, Reasons.AVAILABLE, "traffic flows to the endpoint service");
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
