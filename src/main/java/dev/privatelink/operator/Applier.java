package dev.privatelink.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.privatelink.desired.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Makes the cluster hold exactly the desired objects of one kind, writing only what differs.
 *
 * <ul>
 *   <li>An object matches when every field the operator renders has the rendered value
 *       ({@link ObjectMatch}): fields the API server defaults or others add are left alone, and
 *       a change someone else made to a rendered field is put back.
 *   <li>What it writes goes into the informer's cache at once (JOSDK's recent-operation cache),
 *       so the next reconcile sees its own write even before the watch event arrives.
 *   <li>It never adopts an object it did not create (one without the operator's managed-by
 *       label): it leaves it as it is and reports the name as a conflict.
 * </ul>
 */
final class Applier<T extends HasMetadata> {
    private static final Logger LOG = Logger.getLogger(Applier.class);

    private final KubernetesClient client;
    private final InformerEventSource<T, ?> cache;

    Applier(KubernetesClient client, InformerEventSource<T, ?> cache) {
        this.client = client;
        this.cache = cache;
    }

    /**
     * Creates or updates every desired object and deletes those of {@code current} that are not
     * desired; returns the conflicts, for a person.
     */
    List<String> sync(Collection<T> desired, Collection<T> current) {
        Map<String, T> existing = new HashMap<>();
        current.forEach(c -> existing.put(c.getMetadata().getName(), c));
        List<String> conflicts = new ArrayList<>();
        for (T d : desired) {
            apply(d, existing.get(d.getMetadata().getName())).ifPresent(conflicts::add);
        }
        Set<String> wanted =
                desired.stream().map(d -> d.getMetadata().getName()).collect(Collectors.toSet());
        current.stream()
                .filter(c -> !wanted.contains(c.getMetadata().getName()))
                .forEach(this::delete);
        return conflicts;
    }

    /** Creates {@code desired}, or updates {@code existing} to it where it differs; returns a conflict if any. */
    Optional<String> apply(T desired, T existing) {
        if (existing == null) {
            try {
                T created = client.resource(desired).create();
                cache.handleRecentResourceCreate(ResourceID.fromResource(created), created);
                return Optional.empty();
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw e;
                }
                // Our cache has not seen it: someone else's, or ours from a write the watch has not delivered yet.
                existing = client.resource(desired).get();
                if (existing == null) {
                    throw e;
                }
            }
        }
        if (!createdByOperator(existing)) {
            return Optional.of(describe(existing) + " exists");
        }
        if (ObjectMatch.matches(desired, existing, json(desired), json(existing))) {
            return Optional.empty();
        }
        T update = client.getKubernetesSerialization().clone(desired);
        update.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        keepAllocatedFields(update, existing);
        LOG.debugf("updating %s", describe(update));
        T updated = client.resource(update).update();
        cache.handleRecentResourceUpdate(ResourceID.fromResource(updated), updated, existing);
        return Optional.empty();
    }

    private JsonNode json(HasMetadata obj) {
        return client.getKubernetesSerialization().convertValue(obj, JsonNode.class);
    }

    void delete(T existing) {
        LOG.debugf("deleting %s", describe(existing));
        client.resource(existing).withGracePeriod(0).delete();
    }

    private static boolean createdByOperator(HasMetadata obj) {
        Map<String, String> labels = obj.getMetadata().getLabels();
        return labels != null && Labels.MANAGED_BY_VALUE.equals(labels.get(Labels.MANAGED_BY));
    }

    private static String describe(HasMetadata obj) {
        return obj.getKind() + " " + obj.getMetadata().getNamespace() + "/"
                + obj.getMetadata().getName();
    }

    /** Fields the API server allocates and that an update must carry over unchanged. */
    private static void keepAllocatedFields(HasMetadata desired, HasMetadata existing) {
        if (desired instanceof Service d && existing instanceof Service e && e.getSpec() != null) {
            d.getSpec().setClusterIP(e.getSpec().getClusterIP());
            d.getSpec().setClusterIPs(e.getSpec().getClusterIPs());
            if (Objects.equals(d.getSpec().getType(), e.getSpec().getType())) {
                d.getSpec().setIpFamilies(e.getSpec().getIpFamilies());
                d.getSpec().setIpFamilyPolicy(e.getSpec().getIpFamilyPolicy());
            }
        }
    }
}
