package dev.privatelink.sandbox;

import dev.privatelink.api.InterfaceEndpoint;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The part of Kubernetes' garbage collection the sandbox needs, since the mock API server has
 * none: when an InterfaceEndpoint is deleted, the Services and EndpointSlices it owns (by owner
 * reference) go too, and a sweep every half minute removes those whose owner was gone before
 * they were written (a reconcile racing the deletion); and Events go an hour after they were
 * last seen, as kube-apiserver's {@code --event-ttl} makes them.
 */
final class GarbageCollector implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GarbageCollector.class);
    static final Duration EVENT_TTL = Duration.ofHours(1);

    private final KubernetesClient client;
    private final SharedIndexInformer<InterfaceEndpoint> endpoints;
    private final ScheduledExecutorService periodic = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-gc");
        t.setDaemon(true);
        return t;
    });

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
        periodic.scheduleWithFixedDelay(this::sweepOrphans, 30, 30, TimeUnit.SECONDS);
        periodic.scheduleWithFixedDelay(this::expireEvents, 1, 1, TimeUnit.MINUTES);
    }

    /** Services and slices owned by an InterfaceEndpoint that is no more (as the API server says, not a cache). */
    private void sweepOrphans() {
        try {
            List<HasMetadata> owned = new ArrayList<>();
            owned.addAll(client.services().inAnyNamespace().list().getItems());
            owned.addAll(client.resources(EndpointSlice.class)
                    .inAnyNamespace()
                    .list()
                    .getItems());
            String kind = HasMetadata.getKind(InterfaceEndpoint.class);
            for (HasMetadata o : owned) {
                List<OwnerReference> owners = o.getMetadata().getOwnerReferences() == null
                        ? List.of()
                        : o.getMetadata().getOwnerReferences().stream()
                                .filter(r -> kind.equals(r.getKind()))
                                .toList();
                if (!owners.isEmpty()
                        && owners.stream().noneMatch(r -> exists(o.getMetadata().getNamespace(), r))) {
                    LOG.infof(
                            "garbage collector: deleting %s %s/%s, its owner is gone",
                            o.getKind(),
                            o.getMetadata().getNamespace(),
                            o.getMetadata().getName());
                    client.resource(o).withGracePeriod(0).delete();
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("garbage collector: sweeping orphans: %s", e.toString());
        }
    }

    private boolean exists(String namespace, OwnerReference owner) {
        InterfaceEndpoint ep = client.resources(InterfaceEndpoint.class)
                .inNamespace(namespace)
                .withName(owner.getName())
                .get();
        return ep != null && owner.getUid().equals(ep.getMetadata().getUid());
    }

    private void expireEvents() {
        try {
            Instant cutoff = Instant.now().minus(EVENT_TTL);
            client.v1().events().inAnyNamespace().list().getItems().stream()
                    .filter(e -> lastSeen(e).isBefore(cutoff))
                    .forEach(e -> client.resource(e).withGracePeriod(0).delete());
        } catch (RuntimeException e) {
            LOG.warnf("garbage collector: expiring Events: %s", e.toString());
        }
    }

    private static Instant lastSeen(Event event) {
        for (String time : new String[] {
            event.getLastTimestamp(),
            event.getFirstTimestamp(),
            event.getMetadata().getCreationTimestamp()
        }) {
            if (time != null) {
                try {
                    return Instant.parse(time);
                } catch (DateTimeParseException e) {
                    // the next one
                }
            }
        }
        return Instant.now();
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
        periodic.shutdownNow();
        endpoints.stop();
    }
}
