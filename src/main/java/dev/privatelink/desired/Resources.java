package dev.privatelink.desired;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import java.util.Optional;

/** Facts about Kubernetes objects that several decisions read. */
public final class Resources {
    private Resources() {}

    /** Not on its way out: an object with a deletion timestamp is as good as gone for every decision. */
    public static boolean isLive(HasMetadata obj) {
        return obj.getMetadata().getDeletionTimestamp() == null;
    }

    /** The Service's allocated cluster IP; none for a headless Service or before allocation. */
    public static Optional<String> clusterIp(Service service) {
        String ip = service.getSpec() == null ? null : service.getSpec().getClusterIP();
        return ip == null || ip.isBlank() || "None".equals(ip) ? Optional.empty() : Optional.of(ip);
    }
}
