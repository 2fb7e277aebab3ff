package dev.privatelink.peering;

/**
 * Why an enrolment or a peering exchange did not happen: the reason a ClusterPeer's Enrolled
 * condition and its Warning Event carry, one CamelCase word that says what to do next.
 */
public enum Refusal {
    /** The token is past its expiry: the provider's admin issues a new invite. */
    TokenExpired,
    /** The invite was already used by another cluster: one token, one peer. */
    TokenUsed,
    /** The server behind the invite's gateway addresses does not hold the root the token pins. */
    PinMismatch,
    /** The trust domain is this cluster's own, or already enrolled under another ClusterPeer. */
    TrustDomainTaken,
    /** The cluster (its kube-system namespace UID) is this one, or already enrolled under another name. */
    ClusterTaken,
    /** The token does not parse, or no invite has its code. */
    InvalidToken,
    /** No gateway address of the peer answered; the joining side tries again with backoff. */
    Unreachable,
    /** The request itself is malformed (no trust domain, roots that do not parse). */
    InvalidRequest,
    /** A sync from a caller that is not the operator of an enrolled peer. */
    NotPeer,
    /** A sync from a peer that this cluster has suspended. */
    Suspended;

    /** Refusals worth retrying without a change by a person: only an unreachable peer. */
    public boolean retried() {
        return this == Unreachable;
    }
}
