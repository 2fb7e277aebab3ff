package dev.privatelink.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The operator's configuration (application.properties, or PRIVATELINK_* environment variables). */
@ConfigMapping(prefix = "privatelink")
public interface OperatorSettings {

    /** The namespace the operator runs in; forwarders and their configuration live there too. */
    @WithDefault("kube-privatelink-system")
    String namespace();

    /** The most interface endpoints one consumer namespace may have. */
    @WithDefault("100")
    int endpointQuota();

    /** The cluster's DNS domain, for upstream names of headless load balancers. */
    @WithDefault("cluster.local")
    String clusterDomain();

    /**
     * Whether ExternalName and selector-less Services may be load balancers. Off by default: such
     * a Service may point anywhere (cloud metadata, other tenants, the internet), and the
     * forwarder would connect there on a tenant's behalf. Only a cluster admin sets this.
     */
    @WithDefault("false")
    boolean allowExternalLoadBalancers();

    Forwarder forwarder();

    interface Forwarder {
        @WithDefault("ghcr.io/kube-privatelink/kube-privatelink:0.1.0")
        String image();

        @WithDefault("2")
        int replicas();

        @WithDefault("kube-privatelink-forwarder")
        String serviceAccount();

        /** Listener ports of a forwarder are taken from [firstListenPort, lastListenPort]. */
        @WithDefault("10000")
        int firstListenPort();

        @WithDefault("19999")
        int lastListenPort();

        @WithDefault("100m")
        String cpuRequest();

        @WithDefault("128Mi")
        String memoryRequest();

        @WithDefault("256Mi")
        String memoryLimit();
    }
}
