package dev.privatelink.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

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

    /**
     * How often the operator reads the forwarder pods' byte counters into the EndpointServices'
     * status (connections[].usage), in seconds.
     */
    @WithDefault("60")
    int usageIntervalSeconds();

    /**
     * This cluster's trust domain: the authority of the SPIFFE IDs of its gateway, operator and
     * consumer namespaces when it peers with other clusters, and what peers know it by. Lowercase
     * letters, digits, dots, dashes and underscores (a DNS-like name such as {@code prod-eu.example.com}
     * reads best). Unset: {@code cluster-<UID of the kube-system namespace>}, unique without a
     * choice. It is fixed at the first start: the CA (Secret {@code privatelink-ca}) is made for it,
     * and changing it later blocks certificate rotation until that Secret is deleted and every peer
     * enrols again.
     */
    Optional<String> trustDomain();

    Forwarder forwarder();

    NetworkPolicy networkPolicy();

    Peering peering();

    /** Peering with other clusters (ClusterPeer): the operator's peering port and what invites advertise. */
    interface Peering {
        /**
         * The operator's peering port (TLS, operator to operator), which this cluster's gateway
         * passes peering connections through to (its --peering-upstream).
         */
        @WithDefault("8444")
        int port();

        /**
         * This cluster's gateway as peers reach it (host:port, comma-separated), put into invite
         * tokens and enrolment answers. None: invites cannot be issued (a condition says so) and
         * peers can only consume from this cluster through a static ClusterPeer.
         */
        Optional<List<String>> gatewayAddresses();
    }

    /**
     * What the forwarders' NetworkPolicies admit besides their consumer namespace and their load
     * balancers' pods: the cluster DNS (for headless load balancers) and the API server (for the
     * watch of their ConfigMap).
     */
    interface NetworkPolicy {
        /**
         * The API server's addresses (CIDRs) as pods reach it after the kubernetes Service is
         * translated. None: any address on {@link #apiServerPorts()}, since the API server runs
         * outside the pod network and is not selectable by labels.
         */
        Optional<List<String>> apiServerCidrs();

        /** The API server's ports after translation (443 or 6443 on most clusters). */
        @WithDefault("443,6443")
        List<Integer> apiServerPorts();

        /** The namespace of the cluster DNS pods. */
        @WithDefault("kube-system")
        String dnsNamespace();

        /** The cluster DNS pods' labels, as key=value pairs separated by commas. */
        @WithDefault("k8s-app=kube-dns")
        String dnsPodLabels();

        /** The port the DNS pods listen on, UDP and TCP (53; 5353 on OpenShift). */
        @WithDefault("53")
        int dnsPort();
    }

    interface Forwarder {
        @WithDefault("ghcr.io/kube-privatelink/kube-privatelink:0.1.0")
        String image();

        @WithDefault("2")
        int replicas();

        /**
         * Image pull secrets (names, in the operator's namespace) that every forwarder's own
         * ServiceAccount carries, so that its pods can pull a private image.
         */
        Optional<List<String>> imagePullSecrets();

        /**
         * The ClusterRole (pods get/list/watch, shipped by the chart) the operator binds each
         * forwarder's own ServiceAccount to in its consumer namespace, so that a forwarder can
         * check that a connection comes from a pod of its namespace.
         */
        @WithDefault("kube-privatelink-forwarder-pods")
        String podReaderRole();

        /** Listener ports of a forwarder are taken from [firstListenPort, lastListenPort]. */
        @WithDefault("10000")
        int firstListenPort();

        @WithDefault("19999")
        int lastListenPort();

        @WithDefault("100m")
        String cpuRequest();

        @WithDefault("128Mi")
        String memoryRequest();

        /**
         * Room for ForwarderSettings.DEFAULT_MAX_CONNECTIONS idle connections with the JVM options
         * of forwarder-jvm.options: ~103 MiB base, the heap's growth (~2.8 KiB per connection) and
         * the kernel's sockets (~8 KiB per proxied connection, which cgroup v2 charges to the pod),
         * about 310 MiB at 20,000 (BENCHMARKS.md, "Memory as deployed"); AsDeployedTest checks it.
         */
        @WithDefault("384Mi")
        String memoryLimit();

        /**
         * The forwarder pods' JVM options (their JDK_JAVA_OPTIONS), replacing the tuned ones of
         * forwarder-jvm.options; unset or empty: those. Keep -Xmx and the memory limit together.
         */
        Optional<String> jvmOptions();

        /** The forwarder pods' PriorityClass: they carry tenants' traffic, so platforms rank them high. */
        Optional<String> priorityClassName();

        /**
         * Where forwarder pods may run, as node labels {@code key=value,key=value}: a forwarder
         * carries plaintext traffic of its tenant, so keep it off nodes dedicated to others.
         */
        Optional<String> nodeSelector();

        /** The forwarder pods' tolerations, as a JSON list of Kubernetes tolerations. */
        Optional<String> tolerations();

        /**
         * The forwarder pods' affinity, as a JSON Kubernetes affinity object. Their replicas
         * spread across zones and nodes in any case (topology spread constraints).
         */
        Optional<String> affinity();
    }
}
