package dev.privatelink.operator;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * This cluster's UID as peers know it: the UID of its kube-system namespace, which lives as long
 * as the cluster (the convention of Submariner and of the MCS API's ClusterProperty).
 */
final class ClusterIdentity {
    static final String NAMESPACE = "kube-system";

    private final KubernetesClient client;
    private volatile String uid;

    ClusterIdentity(KubernetesClient client) {
        this.client = client;
    }

    String uid() {
        String known = uid;
        if (known == null) {
            Namespace namespace = client.namespaces().withName(NAMESPACE).get();
            if (namespace == null || namespace.getMetadata().getUid() == null) {
                throw new IllegalStateException("namespace " + NAMESPACE + " not found: this cluster's UID is unknown");
            }
            uid = known = namespace.getMetadata().getUid();
        }
        return known;
    }
}
