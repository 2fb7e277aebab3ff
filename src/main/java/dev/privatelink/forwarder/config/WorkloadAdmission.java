package dev.privatelink.forwarder.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which pods of the consumer namespace a route admits (the endpoint policy with the owner's
 * restriction, as the operator computed it). A route without one admits every pod of the
 * namespace. A pod is admitted when its labels match {@code podSelector} (absent: any labels) and
 * it runs as one of {@code serviceAccounts} (absent: any; empty: none, so nobody is admitted).
 */
// an empty serviceAccounts list is kept on the wire: it admits nobody, where an absent one admits all
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadAdmission(Selector podSelector, List<String> serviceAccounts) {

    /** Admits nobody: the policies have nothing in common. */
    public static final WorkloadAdmission NOBODY = new WorkloadAdmission(null, List.of());

    public WorkloadAdmission {
        serviceAccounts = serviceAccounts == null ? null : List.copyOf(serviceAccounts);
    }

    /** Labels as metav1.LabelSelector matches them; an empty selector matches every pod. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Selector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
        public Selector {
            matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
            matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
        }

        boolean matches(Map<String, String> labels) {
            for (Map.Entry<String, String> wanted : matchLabels.entrySet()) {
                if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
                    return false;
                }
            }
            for (int i = 0; i < matchExpressions.size(); i++) {
                if (!matchExpressions.get(i).matches(labels)) {
                    return false;
                }
            }
            return true;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Requirement(String key, Operator operator, List<String> values) {
        public Requirement {
            values = values == null ? List.of() : List.copyOf(values);
        }

        boolean matches(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case In -> value != null && values.contains(value);
                case NotIn -> value == null || !values.contains(value);
                case Exists -> labels.containsKey(key);
                case DoesNotExist -> !labels.containsKey(key);
            };
        }
    }

    public enum Operator {
        In,
        NotIn,
        Exists,
        DoesNotExist
    }

    /**
     * Whether a pod with these labels, running as this ServiceAccount, is admitted. Called on the
     * forwarder's event loops: no I/O.
     *
     * @param labels         the pod's labels (never null)
     * @param serviceAccount the pod's {@code spec.serviceAccountName}
     */
    public boolean admits(Map<String, String> labels, String serviceAccount) {
        if (serviceAccounts != null && !serviceAccounts.contains(serviceAccount)) {
            return false;
        }
        return podSelector == null || podSelector.matches(labels);
    }

    /** What makes this admission one the forwarder cannot apply, each under {@code field}; empty when it can. */
    List<String> problems(String field) {
        List<String> problems = new ArrayList<>();
        if (serviceAccounts != null && serviceAccounts.stream().anyMatch(sa -> sa == null || sa.isBlank())) {
            problems.add(field + ".serviceAccounts: a name is blank");
        }
        List<Requirement> expressions = podSelector == null ? List.of() : podSelector.matchExpressions();
        for (int i = 0; i < expressions.size(); i++) {
            Requirement r = expressions.get(i);
            String at = field + ".podSelector.matchExpressions[" + i + "]";
            if (r == null || r.key() == null || r.key().isBlank()) {
                problems.add(at + ": no key");
            } else if (r.operator() == null) {
                problems.add(at + ": no operator");
            } else if ((r.operator() == Operator.In || r.operator() == Operator.NotIn)
                    == r.values().isEmpty()) {
                problems.add(at + ": In and NotIn need values; Exists and DoesNotExist take none");
            }
        }
        return problems;
    }
}
