package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonCreator;

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

    /** A value this operator does not know (written by a newer one) reads as null (see {@link LenientEnum}). */
    @JsonCreator
    public static ConnectionState of(String value) {
        return LenientEnum.parse(ConnectionState.class, value);
    }

    /** The owner has let it through at some point and not taken it back for good. */
    public boolean isConnected() {
        return this == Pending || this == Available || this == Suspended;
    }
}
