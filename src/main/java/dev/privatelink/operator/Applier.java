package dev.privatelink.operator;

import dev.privatelink.ids.Ids;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.HttpURLConnection;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Makes the cluster hold exactly the desired objects of one kind, writing only what differs.
 * Each object carries a hash of what the operator wanted it to be, so defaults the API server
 * adds never look like a difference and an unchanged object is never written again.
 */
public final class Applier {
    static final String DESIRED_HASH = "privatelink.dev/desired-hash";
    private static final Logger LOG = Logger.getLogger(Applier.class);

    private final KubernetesClient client;
    private final KubernetesSerialization serialization;

    public Applier(KubernetesClient client) {
        this.client = client;
        this.serialization = client.getKubernetesSerialization();
    }

    /** Creates or updates every desired object and deletes those of {@code current} that are not desired. */
    public <T extends HasMetadata> void sync(Collection<T> desired, Collection<T> current) {
        Map<String, T> existing = new HashMap<>();
        current.forEach(c -> existing.put(c.getMetadata().getName(), c));
        for (T d : desired) {
            apply(d, existing.get(d.getMetadata().getName()));
        }
        Set<String> wanted =
                desired.stream().map(d -> d.getMetadata().getName()).collect(Collectors.toSet());
        current.stream()
                .filter(c -> !wanted.contains(c.getMetadata().getName()))
                .forEach(this::delete);
    }

    /** Creates {@code desired}, or updates {@code existing} to it if it differs; returns what the cluster holds. */
    public <T extends HasMetadata> T apply(T desired, T existing) {
        String hash = Ids.shortHash(serialization.asJson(desired), 16);
        if (desired.getMetadata().getAnnotations() == null) {
            desired.getMetadata().setAnnotations(new HashMap<>());
        }
        desired.getMetadata().getAnnotations().put(DESIRED_HASH, hash);
        if (existing != null && hash.equals(annotation(existing))) {
            return existing;
        }
        if (existing == null) {
            try {
                return client.resource(desired).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw e;
                }
                // The cache had not seen it yet: update what is there.
                existing = client.resource(desired).get();
                if (existing == null) {
                    throw e;
                }
            }
        }
        desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        keepAllocatedFields(desired, existing);
        LOG.debugf(
                "updating %s %s/%s",
                desired.getKind(),
                desired.getMetadata().getNamespace(),
                desired.getMetadata().getName());
        return client.resource(desired).update();
    }

    public void delete(HasMetadata existing) {
        LOG.debugf(
                "deleting %s %s/%s",
                existing.getKind(),
                existing.getMetadata().getNamespace(),
                existing.getMetadata().getName());
        client.resource(existing).withGracePeriod(0).delete();
    }

    private static String annotation(HasMetadata obj) {
        Map<String, String> annotations = obj.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(DESIRED_HASH);
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
