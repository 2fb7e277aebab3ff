package dev.privatelink.desired;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.Map;

/** Label and annotation keys the operator puts on what it creates, in one place. */
public final class Labels {
    private Labels() {}

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "kube-privatelink";
    public static final String NAME = "app.kubernetes.io/name";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String COMPONENT_ENDPOINT = "endpoint";
    public static final String COMPONENT_FORWARDER = "forwarder";
    public static final String COMPONENT_FORWARDER_CONFIG = "forwarder-config";
    public static final String COMPONENT_FORWARDER_POD_READER = "forwarder-pod-reader";
    /** A forwarder's own ServiceAccount, and the Role and RoleBinding that let it read its ConfigMap. */
    public static final String COMPONENT_FORWARDER_IDENTITY = "forwarder-identity";
    /** The NetworkPolicy of a consumer namespace's forwarder pods, in the operator's namespace. */
    public static final String COMPONENT_FORWARDER_POLICY = "forwarder-policy";
    /** The gateway's pods (the chart's), in the operator's namespace. */
    public static final String COMPONENT_GATEWAY = "gateway";
    /** The gateway's config, in the operator's namespace (what peer clusters' consumers may reach). */
    public static final String COMPONENT_GATEWAY_CONFIG = "gateway-config";
    /** A NetworkPolicy in an owner's namespace that admits forwarders to a load balancer's pods. */
    public static final String COMPONENT_LOAD_BALANCER_POLICY = "load-balancer-policy";
    /** This cluster's CA (Secret privatelink-ca). */
    public static final String COMPONENT_CERTIFICATE_AUTHORITY = "certificate-authority";
    /** The gateway's serving certificate and key (Secret privatelink-gateway-tls). */
    public static final String COMPONENT_GATEWAY_CREDENTIAL = "gateway-credential";
    /** A forwarder's client certificate for peers' gateways, with the peers' roots. */
    public static final String COMPONENT_FORWARDER_CREDENTIAL = "forwarder-credential";

    /**
     * Set on every namespace by the API server, from its name; tenants cannot change it. The only
     * namespace label a NetworkPolicy of the operator trusts.
     */
    public static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

    /** On endpoint Services and slices: the InterfaceEndpoint they belong to. */
    public static final String ENDPOINT = "privatelink.dev/endpoint";

    public static final String ENDPOINT_ID = "privatelink.dev/endpoint-id";
    /** On endpoint Services and slices: the zone a zonal Service serves; absent on the regional one. */
    public static final String ZONE = "privatelink.dev/zone";
    /** On forwarder objects: the consumer namespace they serve. */
    public static final String CONSUMER_NAMESPACE = "privatelink.dev/consumer-namespace";

    /** On a forwarder's ConfigMap: the endpoint IDs it has no listener port for, comma-separated. */
    public static final String UNPLACED_ENDPOINTS = "privatelink.dev/unplaced-endpoints";
    /**
     * On a forwarder's ConfigMap: the endpoint IDs whose routes it lacks because the API server
     * refused the config with them (comma-separated), and what the API server said.
     */
    public static final String UNSYNCED_ENDPOINTS = "privatelink.dev/unsynced-endpoints";

    public static final String CONFIG_REFUSED = "privatelink.dev/config-refused";
    /** On a forwarder's ConfigMap: the listener ports in quarantine and until when (see {@link FreedPorts}). */
    public static final String FREED_LISTEN_PORTS = "privatelink.dev/freed-listen-ports";

    public static final String SLICE_SERVICE_NAME = "kubernetes.io/service-name";
    public static final String SLICE_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
    public static final String SLICE_MANAGED_BY_VALUE = "privatelink.dev/operator";

    public static final String ZONE_NODE_LABEL = "topology.kubernetes.io/zone";
    public static final String HOSTNAME_NODE_LABEL = "kubernetes.io/hostname";

    /** The consumer namespace a forwarder object serves, from its label. */
    public static String consumerNamespace(HasMetadata forwarderObject) {
        Map<String, String> labels = forwarderObject.getMetadata().getLabels();
        return labels == null ? null : labels.get(CONSUMER_NAMESPACE);
    }

    /** The selector of everything the operator creates. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;

    /** In a fixed order: rendered objects must not vary between runs. */
    public static Map<String, String> managed(String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGED_BY_VALUE);
        labels.put(COMPONENT, component);
        return labels;
    }
}
