package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Map;

/**
 * Namespaces by their labels: the shape of metav1.LabelSelector, with the bounds and the
 * operator rules the API server can check at admission (the built-in type has neither).
 */
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NamespaceSelector {

    @JsonPropertyDescription("Labels a namespace must all carry, with these values.")
    @Size(max = 32)
    private Map<String, String> matchLabels;

    @JsonPropertyDescription("Requirements a namespace's labels must all meet.")
    @Size(max = 16)
    private List<SelectorRequirement> matchExpressions;

    public NamespaceSelector() {}

    public static NamespaceSelector matchLabels(Map<String, String> labels) {
        NamespaceSelector s = new NamespaceSelector();
        s.matchLabels = labels;
        return s;
    }

    public NamespaceSelector withExpressions(SelectorRequirement... expressions) {
        this.matchExpressions = List.of(expressions);
        return this;
    }

    public Map<String, String> getMatchLabels() {
        return matchLabels;
    }

    public void setMatchLabels(Map<String, String> matchLabels) {
        this.matchLabels = matchLabels;
    }

    public List<SelectorRequirement> getMatchExpressions() {
        return matchExpressions;
    }

    public void setMatchExpressions(List<SelectorRequirement> matchExpressions) {
        this.matchExpressions = matchExpressions;
    }
}
