package dev.privatelink.sandbox;

import dev.privatelink.api.InterfaceEndpoint;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The part of Kubernetes' garbage collector the sandbox needs, since the mock API server has
 * none: when an InterfaceEndpoint is deleted, the Services and EndpointSlices it owns (by owner
 * reference) go too.
 */
final class GarbageCollector implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GarbageCollector.class);

    private final KubernetesClient client;
    private final SharedIndexInformer<InterfaceEndpoint> endpoints;

    GarbageCollector(KubernetesClient client) {
        this.client = client;
        this.endpoints =
                client.resources(InterfaceEndpoint.class).inAnyNamespace().runnableInformer(0);
        endpoints.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(InterfaceEndpoint ep) {}

            @Override
            public void onUpdate(InterfaceEndpoint before, InterfaceEndpoint after) {}

            @Override
            public void onDelete(InterfaceEndpoint ep, boolean finalStateUnknown) {
                collect(ep);
            }
        });
    }

    void start() {
        endpoints.start();
    }

    private void collect(HasMetadata owner) {
        String namespace = owner.getMetadata().getNamespace();
        String uid = owner.getMetadata().getUid();
        List<HasMetadata> owned = new ArrayList<>();
        owned.addAll(client.services().inNamespace(namespace).list().getItems());
        owned.addAll(client.resources(EndpointSlice.class)
                .inNamespace(namespace)
                .list()
                .getItems());
        owned.stream()
                .filter(o -> o.getMetadata().getOwnerReferences() != null
                        && o.getMetadata().getOwnerReferences().stream().anyMatch(r -> uid.equals(r.getUid())))
                .forEach(o -> {
                    LOG.infof(
                            "garbage collector: deleting %s %s/%s",
                            o.getKind(), namespace, o.getMetadata().getName());
                    client.resource(o).withGracePeriod(0).delete();
                });
    }

    @Override
    public void close() {
        endpoints.stop();
    }
}
