package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/**
 * Pods of the consumer namespace by their labels: the shape of metav1.LabelSelector with the
 * operator rules of {@link NamespaceSelector}, and tighter bounds: the selector goes into the
 * forwarder's configuration for every endpoint, which has to fit in a ConfigMap (SEC-03).
 */
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!has(self.matchExpressions) || self.matchExpressions.all(e, !has(e.values) || size(e.values) <= 16)",
        message = "a pod selector expression takes at most 16 values")
public class PodSelector {

    @JsonPropertyDescription("Labels a pod must all carry, with these values.")
    @Size(max = 8)
    private Map<String, String> matchLabels;

    @JsonPropertyDescription("Requirements a pod's labels must all meet.")
    @Size(max = 4)
    private List<SelectorRequirement> matchExpressions;

    public PodSelector() {}

    public static PodSelector matchLabels(Map<String, String> labels) {
        PodSelector s = new PodSelector();
        s.matchLabels = labels;
        return s;
    }

    public PodSelector withExpressions(SelectorRequirement... expressions) {
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
