package dev.privatelink.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An informer's store that keeps objects without what no reconcile reads but that can be most
 * of their size: {@code metadata.managedFields} (server-side apply bookkeeping, often larger
 * than the spec) and kubectl's last-applied-configuration annotation (a second copy of the
 * object). A tenant who inflates their objects then costs the operator's memory less (SEC-10).
 * Writing such an object back is safe: an update without managedFields keeps the stored ones,
 * and the operator writes only the status of tenants' objects.
 */
public final class LeanItemStore<T extends HasMetadata> implements ItemStore<T> {

    public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private final BasicItemStore<T> delegate = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

    /** Takes out what is not kept; the object is the informer's own fresh copy. */
    public static <T extends HasMetadata> T lean(T object) {
        ObjectMeta metadata = object == null ? null : object.getMetadata();
        if (metadata != null) {
            metadata.setManagedFields(null);
            Map<String, String> annotations = metadata.getAnnotations();
            if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
                annotations.remove(LAST_APPLIED);
            }
        }
        return object;
    }

    @Override
    public String getKey(T object) {
        return delegate.getKey(object);
    }

    @Override
    public T put(String key, T object) {
        return delegate.put(key, lean(object));
    }

    @Override
    public T remove(String key) {
        return delegate.remove(key);
    }

    @Override
    public Stream<String> keySet() {
        return delegate.keySet();
    }

    @Override
    public Stream<T> values() {
        return delegate.values();
    }

    @Override
    public int size() {
        return delegate.size();
    }

    @Override
    public T get(String key) {
        return delegate.get(key);
    }
}
