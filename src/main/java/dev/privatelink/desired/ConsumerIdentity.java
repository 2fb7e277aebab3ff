package dev.privatelink.desired;

import java.util.Map;

/**
 * Who asks for a connection, as permissions match it: a namespace of this cluster, or a namespace
 * of a peer cluster (whose labels, and whose namespace's labels, are as that peer states them).
 *
 * @param peer       the ClusterPeer's name; null for this cluster
 * @param peerLabels the ClusterPeer's labels, for clusterSelector principals
 */
public record ConsumerIdentity(
        String peer, Map<String, String> peerLabels, String namespace, Map<String, String> namespaceLabels) {

    public ConsumerIdentity {
        peerLabels = peerLabels == null ? Map.of() : Map.copyOf(peerLabels);
        namespaceLabels = namespaceLabels == null ? Map.of() : Map.copyOf(namespaceLabels);
    }

    public static ConsumerIdentity local(String namespace, Map<String, String> namespaceLabels) {
        return new ConsumerIdentity(null, Map.of(), namespace, namespaceLabels);
    }

    public boolean isLocal() {
        return peer == null;
    }
}
