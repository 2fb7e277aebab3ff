package dev.privatelink.desired;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/**
 * A namespace with interface endpoints, as its forwarder objects (in the operator's namespace)
 * name and own it.
 */
public record ConsumerNamespace(String name, String uid) {

    public static ConsumerNamespace of(Namespace namespace) {
        return new ConsumerNamespace(
                namespace.getMetadata().getName(), namespace.getMetadata().getUid());
    }

    /** The name of its forwarder Deployment and ConfigMap: unique per namespace, even a recreated one. */
    public String forwarderName() {
        return Names.forwarder(name, uid);
    }

    /**
     * The namespace owns its forwarder objects (a cluster-scoped owner may own namespaced objects),
     * so the garbage collector removes them with it even while the operator is down.
     */
    public OwnerReference ownerReference() {
        return new OwnerReferenceBuilder()
                .withApiVersion("v1")
                .withKind("Namespace")
                .withName(name)
                .withUid(uid)
                .withBlockOwnerDeletion(false)
                .build();
    }
}
