package dev.privatelink.peering;

import dev.privatelink.peering.PeeringMessages.Answer;
import dev.privatelink.peering.PeeringMessages.Snapshot;

/**
 * The provider side of the peering API: records a peer's endpoints and answers with their state.
 * The transport has authenticated the caller as the operator of the ClusterPeer named {@code peer}.
 */
@FunctionalInterface
public interface PeeringService {
    Answer sync(String peer, Snapshot snapshot) throws PeeringException;
}
