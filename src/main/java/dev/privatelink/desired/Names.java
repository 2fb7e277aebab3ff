package dev.privatelink.desired;

import dev.privatelink.ids.Ids;
import java.util.Locale;

/** Names of the objects the operator creates, kept within Kubernetes' length limits. */
public final class Names {
    private Names() {}

    private static final int DNS_LABEL_MAX = 63;
    /** Deployment names longer than this make pod names that exceed a DNS label. */
    private static final int DEPLOYMENT_MAX = 47;

    /** How much of a namespace name a forwarder name keeps, so that people can tell them apart. */
    private static final int FORWARDER_NAME_PREFIX = 24;

    /**
     * The forwarder Deployment and its ConfigMap for one consumer namespace. The hash of the
     * namespace's UID makes it unique: no namespace can choose a name that yields another's
     * forwarder name (a truncated name plus a hash of the name could be chosen), and a namespace
     * deleted and created again gets a new forwarder.
     */
    public static String forwarder(String namespace, String namespaceUid) {
        String readable = namespace.length() <= FORWARDER_NAME_PREFIX
                ? namespace
                : namespace.substring(0, FORWARDER_NAME_PREFIX).replaceAll("-+$", "");
        String name = "plfwd-" + readable + "-" + Ids.shortHash(namespaceUid, 16);
        if (name.length() > DEPLOYMENT_MAX) {
            throw new IllegalStateException("forwarder name too long: " + name);
        }
        return name;
    }

    /**
     * The NetworkPolicy that fences one load balancer's pods. A Service backs at most one endpoint
     * service, so its name alone is unique among them.
     */
    public static String loadBalancerPolicy(String loadBalancer) {
        return "privatelink-" + loadBalancer;
    }

    /** The Service that serves an endpoint in one zone. */
    public static String zonalService(String endpointName, String zone) {
        String sanitized = zone.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return fit(endpointName + "-" + sanitized, DNS_LABEL_MAX);
    }

    public static String slice(String serviceName, String family) {
        return fit(serviceName, DNS_LABEL_MAX - family.length() - 1) + "-" + family;
    }

    /** Keeps short names as they are; cuts long ones and appends a hash of the whole. */
    static String fit(String name, int max) {
        if (name.length() <= max) {
            return name;
        }
        String hash = Ids.shortHash(name, 8);
        String head = name.substring(0, max - hash.length() - 1).replaceAll("-+$", "");
        return head + "-" + hash;
    }
}
