package dev.privatelink.desired;

import dev.privatelink.api.NamespaceSelector;
import dev.privatelink.api.PodSelector;
import dev.privatelink.api.SelectorRequirement;
import dev.privatelink.api.SelectorRequirement.Operator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Label selector matching, as Kubernetes does it for namespaces. */
public final class LabelSelectors {
    private LabelSelectors() {}

    /** An empty selector matches everything, as in Kubernetes; a null or invalid one matches nothing. */
    public static boolean matches(NamespaceSelector selector, Map<String, String> labels) {
        if (selector == null || !problems(selector, "").isEmpty()) {
            return false;
        }
        Map<String, String> have = labels == null ? Map.of() : labels;
        Map<String, String> want = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
        for (var e : want.entrySet()) {
            if (!e.getValue().equals(have.get(e.getKey()))) {
                return false;
            }
        }
        return expressions(selector).stream().allMatch(r -> matches(r, have));
    }

    /**
     * What makes a selector one the API server refuses, for a person, each naming the field under
     * {@code field}; empty when it is valid. A selector with problems matches nothing.
     */
    public static List<String> problems(NamespaceSelector selector, String field) {
        return problems(expressions(selector), field);
    }

    /** The same for a pod selector. */
    public static List<String> problems(PodSelector selector, String field) {
        return problems(
                selector == null || selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions(),
                field);
    }

    private static List<String> problems(List<SelectorRequirement> expressions, String field) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < expressions.size(); i++) {
            SelectorRequirement r = expressions.get(i);
            String at = field + ".matchExpressions[" + i + "]";
            if (r == null) {
                problems.add(at + ": empty");
                continue;
            }
            boolean hasValues = r.getValues() != null && !r.getValues().isEmpty();
            if (r.getKey() == null || r.getKey().isBlank()) {
                problems.add(at + ".key: required");
            }
            if (r.getOperator() == null) {
                problems.add(at + ".operator: required, one of In, NotIn, Exists, DoesNotExist");
            } else if (needsValues(r.getOperator()) != hasValues) {
                problems.add(at + ".values: " + (hasValues ? "must be empty for " : "required for ") + r.getOperator());
            }
        }
        return problems;
    }

    private static List<SelectorRequirement> expressions(NamespaceSelector selector) {
        return selector == null || selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
    }

    private static boolean needsValues(Operator operator) {
        return operator == Operator.In || operator == Operator.NotIn;
    }

    private static boolean matches(SelectorRequirement r, Map<String, String> labels) {
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator()) {
            case In -> value != null && values.contains(value);
            case NotIn -> value == null || !values.contains(value);
            case Exists -> labels.containsKey(r.getKey());
            case DoesNotExist -> !labels.containsKey(r.getKey());
        };
    }
}
