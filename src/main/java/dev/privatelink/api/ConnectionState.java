package dev.privatelink.api;

/** The states of an endpoint connection, as PrivateLink names them. */
public enum ConnectionState {
    /** Permitted; waits for the owner to accept. */
    PendingAcceptance,
    /** Accepted; the data path is not ready yet (for instance a load balancer is missing). */
    Pending,
    /** Traffic flows. */
    Available,
    /** The owner rejected it. */
    Rejected,
    /** The owner suspended it; resumable. Connections are refused. */
    Suspended,
    /** Final: the consumer must delete and recreate the endpoint. */
    Terminated,
    /** It cannot be set up; the Ready condition says why. */
    Failed;

    /** The owner has let it through at some point and not taken it back for good. */
    public boolean isConnected() {
        return this == Pending || this == Available || this == Suspended;
    }
}
