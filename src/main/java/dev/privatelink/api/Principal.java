package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Who may discover the service and create endpoints to it. Exactly one kind per entry; the
 * one-of shape leaves room for ServiceAccount and cluster principals.
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
}
