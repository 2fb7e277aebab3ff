package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Who may discover the service and create endpoints to it. Exactly one kind per entry (the
 * one-of shape leaves room for cluster principals); {@code serviceAccounts} narrows either kind to
 * those ServiceAccounts of each namespace it grants.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "[has(self.__namespace__), has(self.namespaceSelector)].filter(x, x).size() == 1",
        message = "set exactly one principal kind: namespace or namespaceSelector")
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class Principal {

    @JsonPropertyDescription("A consumer namespace by name, or * for every namespace of the cluster.")
    @Pattern("^(\\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$")
    private String namespace;

    @JsonPropertyDescription("Every namespace whose labels match (the organizational unit).")
    private NamespaceSelector namespaceSelector;

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

    public List<String> getServiceAccounts() {
        return serviceAccounts;
    }

    public void setServiceAccounts(List<String> serviceAccounts) {
        this.serviceAccounts = serviceAccounts;
    }
}
