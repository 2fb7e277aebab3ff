package dev.privatelink.peering;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.peering.PeeringMessages.Answer;
import dev.privatelink.peering.PeeringMessages.Snapshot;

/**
 * The consumer side of the peering API: sends the snapshot to the peer's operator (through its
 * gateway, over mutual TLS, as this cluster's operator) and returns its answer.
 */
@FunctionalInterface
public interface PeerLink {
    /** @throws PeeringException when the peer could not be reached or refused; nothing is then concluded */
    Answer sync(ClusterPeer peer, Snapshot snapshot) throws PeeringException;
}
