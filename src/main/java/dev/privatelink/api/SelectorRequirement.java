package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** One requirement of a {@link NamespaceSelector}, as metav1.LabelSelectorRequirement. */
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "(self.operator == 'In' || self.operator == 'NotIn') == (has(self.values) && size(self.values) > 0)",
        message = "In and NotIn need values; Exists and DoesNotExist take none")
public class SelectorRequirement {

    @JsonPropertyDescription("The label key.")
    @Required
    @Size(min = 1, max = 317)
    private String key;

    @JsonPropertyDescription("In, NotIn, Exists or DoesNotExist.")
    @Required
    private Operator operator;

    @JsonPropertyDescription("The values for In and NotIn.")
    @Size(max = 64)
    private List<@Size(max = 63) String> values;

    public enum Operator {
        In,
        NotIn,
        Exists,
        DoesNotExist;

        /** A value this operator does not know reads as null (see {@link LenientEnum}). */
        @JsonCreator
        public static Operator of(String value) {
            return LenientEnum.parse(Operator.class, value);
        }
    }

    public SelectorRequirement() {}

    public SelectorRequirement(String key, Operator operator, List<String> values) {
        this.key = key;
        this.operator = operator;
        this.values = values;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public Operator getOperator() {
        return operator;
    }

    public void setOperator(Operator operator) {
        this.operator = operator;
    }

    public List<String> getValues() {
        return values;
    }

    public void setValues(List<String> values) {
        this.values = values;
    }
}
