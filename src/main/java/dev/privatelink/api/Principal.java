package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Who may discover the service and create endpoints to it: namespaces of this cluster (by name or
 * selector), or, with {@code cluster} or {@code clusterSelector}, namespaces of peer clusters (all
 * of them when no namespace part is given). A principal without a cluster part means this cluster
 * only, so nothing granted before peering widens with it. {@code serviceAccounts} narrows a local
 * principal to those ServiceAccounts of each namespace it grants.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "has(self.cluster) || has(self.clusterSelector)"
                + " ? [has(self.__namespace__), has(self.namespaceSelector)].filter(x, x).size() <= 1"
                + " : [has(self.__namespace__), has(self.namespaceSelector)].filter(x, x).size() == 1",
        message = "set exactly one of namespace or namespaceSelector (with a cluster or clusterSelector, at most one)")
@ValidationRule(
        value = "!(has(self.cluster) && has(self.clusterSelector))",
        message = "set at most one of cluster or clusterSelector")
@ValidationRule(
        value = "!(has(self.cluster) || has(self.clusterSelector)) || !has(self.serviceAccounts)",
        message = "serviceAccounts apply to this cluster's namespaces only: a peer's workloads are not visible here")
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class Principal {

    @JsonPropertyDescription("A consumer namespace by name, or * for every namespace of the cluster.")
    @Pattern("^(\\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$")
    private String namespace;

    @JsonPropertyDescription("Every namespace whose labels match (the organizational unit). For a peer's namespaces,"
            + " the labels are those the peer states.")
    private NamespaceSelector namespaceSelector;

    @JsonPropertyDescription("A peer cluster, by the name of its ClusterPeer: its namespaces (all, or those the"
            + " namespace part names) are granted, not this cluster's.")
    @Size(max = 63)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    private String cluster;

    @JsonPropertyDescription("Peer clusters whose ClusterPeer labels match.")
    private PeerSelector clusterSelector;

    @JsonPropertyDescription("Only pods that run as one of these ServiceAccounts, in each namespace this principal"
            + " grants, may use its endpoints. Default: every workload of the namespace.")
    @Size(min = 1, max = AllowedWorkloads.MAX_SERVICE_ACCOUNTS)
    @ValidationRule(
            value = "self.all(n, self.exists_one(m, m == n))",
            message = "each ServiceAccount may be listed once")
    private List<@Pattern(AllowedWorkloads.SERVICE_ACCOUNT_NAME) @Size(max = 253) String> serviceAccounts;

    public Principal() {}

    public static Principal namespace(String name) {
        Principal p = new Principal();
        p.namespace = name;
        return p;
    }

    public static Principal selector(NamespaceSelector selector) {
        Principal p = new Principal();
        p.namespaceSelector = selector;
        return p;
    }

    /** Every namespace of the peer cluster {@code peer}; narrow with {@link #inNamespace}. */
    public static Principal cluster(String peer) {
        Principal p = new Principal();
        p.cluster = peer;
        return p;
    }

    public static Principal clusters(PeerSelector peers) {
        Principal p = new Principal();
        p.clusterSelector = peers;
        return p;
    }

    public Principal inNamespace(String name) {
        this.namespace = name;
        return this;
    }

    public Principal withServiceAccounts(String... names) {
        this.serviceAccounts = List.of(names);
        return this;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public NamespaceSelector getNamespaceSelector() {
        return namespaceSelector;
    }

    public void setNamespaceSelector(NamespaceSelector namespaceSelector) {
        this.namespaceSelector = namespaceSelector;
    }

    public String getCluster() {
        return cluster;
    }

    public void setCluster(String cluster) {
        this.cluster = cluster;
    }

    public PeerSelector getClusterSelector() {
        return clusterSelector;
    }

    public void setClusterSelector(PeerSelector clusterSelector) {
        this.clusterSelector = clusterSelector;
    }

    /** Whether this principal grants namespaces of peer clusters rather than of this one. */
    public boolean namesPeers() {
        return cluster != null || clusterSelector != null;
    }

    public List<String> getServiceAccounts() {
        return serviceAccounts;
    }

    public void setServiceAccounts(List<String> serviceAccounts) {
        this.serviceAccounts = serviceAccounts;
    }
}
