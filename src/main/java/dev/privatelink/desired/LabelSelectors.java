package dev.privatelink.desired;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Kubernetes label selector semantics: matchLabels and matchExpressions, all of them. */
public final class LabelSelectors {
    private LabelSelectors() {}

    /** An empty selector matches everything, as in Kubernetes; a null or invalid one matches nothing. */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
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
        List<LabelSelectorRequirement> expressions =
                selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
        return expressions.stream().allMatch(r -> matches(r, have));
    }

    /**
     * What makes a selector one the API server would refuse for a built-in kind, for a person;
     * empty when it is valid. A selector with problems matches nothing.
     */
    public static List<String> problems(LabelSelector selector, String field) {
        List<String> problems = new ArrayList<>();
        List<LabelSelectorRequirement> expressions =
                selector == null || selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
        for (int i = 0; i < expressions.size(); i++) {
            LabelSelectorRequirement r = expressions.get(i);
            String at = field + ".matchExpressions[" + i + "]";
            boolean hasValues = r.getValues() != null && !r.getValues().isEmpty();
            if (r.getKey() == null || r.getKey().isBlank()) {
                problems.add(at + ".key: required");
            }
            if (r.getOperator() == null) {
                problems.add(at + ".operator: required (In, NotIn, Exists or DoesNotExist)");
            } else if (!OPERATORS.contains(r.getOperator())) {
                problems.add(at + ".operator: " + r.getOperator() + " is not In, NotIn, Exists or DoesNotExist");
            } else if (r.getOperator().equals("In") || r.getOperator().equals("NotIn")) {
                if (!hasValues) {
                    problems.add(at + ".values: required for " + r.getOperator());
                }
            } else if (hasValues) {
                problems.add(at + ".values: must be empty for " + r.getOperator());
            }
        }
        return problems;
    }

    private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

    private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        if (r.getOperator() == null) {
            return false;
        }
        return switch (r.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> labels.containsKey(r.getKey());
            case "DoesNotExist" -> !labels.containsKey(r.getKey());
            // An operator the API server would have rejected; matching nothing is the safe answer.
            default -> false;
        };
    }
}
