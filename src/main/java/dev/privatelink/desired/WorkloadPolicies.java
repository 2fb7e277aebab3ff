package dev.privatelink.desired;

import static dev.privatelink.api.ConditionTypes.WORKLOADS_ADMITTED;

import dev.privatelink.api.AllowedWorkloads;
import dev.privatelink.api.Condition;
import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.InterfaceEndpointStatus;
import dev.privatelink.api.PodSelector;
import dev.privatelink.api.SelectorRequirement;
import dev.privatelink.api.WorkloadsInForce;
import dev.privatelink.forwarder.config.WorkloadAdmission;
import dev.privatelink.forwarder.config.WorkloadAdmission.Operator;
import dev.privatelink.forwarder.config.WorkloadAdmission.Requirement;
import dev.privatelink.forwarder.config.WorkloadAdmission.Selector;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The endpoint policy in force: which workloads of the consumer namespace an endpoint's forwarder
 * admits. The endpoint's {@code spec.allowedWorkloads} (a pod selector and/or ServiceAccounts)
 * intersected with the owner's restriction (the ServiceAccounts its permissions grant the
 * namespace, see {@link Permissions#serviceAccounts}): a pod must match the selector and run as a
 * ServiceAccount both name. Where nothing is left, nobody is admitted, and the status says so.
 */
public final class WorkloadPolicies {
    private WorkloadPolicies() {}

    /**
     * @param status   for {@code status.allowedWorkloads}; null when every pod of the namespace is admitted
     * @param admitted whether any workload can be admitted at all
     * @param reason   for the WorkloadsAdmitted condition
     * @param message  for the WorkloadsAdmitted condition, for a person
     */
    public record InForce(WorkloadsInForce status, boolean admitted, String reason, String message) {

        static final InForce EVERYONE =
                new InForce(null, true, Reasons.ALL_WORKLOADS, "every pod of the namespace may use the endpoint");

        static InForce nobody(WorkloadsInForce status, String why) {
            return new InForce(
                    status,
                    false,
                    Reasons.NO_WORKLOAD_ADMITTED,
                    why + ": no pod may use the endpoint; its forwarder refuses every connection");
        }

        public Condition condition(Long generation) {
            return Conditions.of(WORKLOADS_ADMITTED, admitted, reason, message, generation);
        }
    }

    /**
     * @param policy the endpoint's {@code spec.allowedWorkloads}; null: every pod
     * @param owner  the ServiceAccounts the owner restricts the namespace to; empty: no restriction
     */
    public static InForce of(AllowedWorkloads policy, Optional<Set<String>> owner) {
        PodSelector selector = policy == null ? null : policy.getPodSelector();
        List<String> mine = policy == null ? null : policy.getServiceAccounts();
        List<String> selectorProblems = LabelSelectors.problems(selector, "spec.allowedWorkloads.podSelector");
        if (!selectorProblems.isEmpty()) {
            return InForce.nobody(new WorkloadsInForce(null, List.of()), String.join("; ", selectorProblems));
        }
        List<String> serviceAccounts = intersection(mine, owner);
        if (serviceAccounts != null && serviceAccounts.size() > AllowedWorkloads.MAX_SERVICE_ACCOUNTS) {
            // only the owner's union can be this long (the endpoint names at most as many): it
            // would make the forwarder's configuration grow with every principal (SEC-03)
            return InForce.nobody(
                    new WorkloadsInForce(null, List.of()),
                    "the owner's permissions name " + serviceAccounts.size() + " ServiceAccounts for this namespace,"
                            + " more than the " + AllowedWorkloads.MAX_SERVICE_ACCOUNTS + " a forwarder carries;"
                            + " name the ones that may connect in spec.allowedWorkloads.serviceAccounts");
        }
        if (selector == null && serviceAccounts == null) {
            return InForce.EVERYONE;
        }
        WorkloadsInForce status = new WorkloadsInForce(labelSelector(selector), serviceAccounts);
        if (serviceAccounts != null && serviceAccounts.isEmpty()) {
            return InForce.nobody(
                    status,
                    "the endpoint's serviceAccounts " + mine + " and those the owner's permission allows "
                            + new TreeSet<>(owner.orElseThrow()) + " have none in common");
        }
        List<String> parts = new ArrayList<>();
        if (selector != null) {
            parts.add("whose labels match spec.allowedWorkloads.podSelector");
        }
        if (serviceAccounts != null) {
            parts.add("that run as " + serviceAccountNames(serviceAccounts));
        }
        String ownerNote = owner.map(sas -> " (the owner's permission allows only "
                        + serviceAccountNames(List.copyOf(new TreeSet<>(sas))) + ")")
                .orElse("");
        return new InForce(
                status,
                true,
                Reasons.WORKLOAD_POLICY,
                "only pods of the namespace " + String.join(" and ", parts) + " may use the endpoint" + ownerNote);
    }

    private static String serviceAccountNames(List<String> names) {
        return (names.size() == 1 ? "ServiceAccount " : "ServiceAccounts ") + String.join(", ", names);
    }

    /** Sorted; null when neither side restricts ServiceAccounts. */
    private static List<String> intersection(List<String> mine, Optional<Set<String>> owner) {
        if (mine == null && owner.isEmpty()) {
            return null;
        }
        Set<String> result = new TreeSet<>(mine == null ? owner.get() : mine);
        owner.ifPresent(result::retainAll);
        return List.copyOf(result);
    }

    private static LabelSelector labelSelector(PodSelector selector) {
        if (selector == null) {
            return null;
        }
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressions() == null
                ? null
                : selector.getMatchExpressions().stream()
                        .map(r -> new LabelSelectorRequirement(
                                r.getKey(), r.getOperator().name(), r.getValues()))
                        .toList();
        return new LabelSelector(expressions, selector.getMatchLabels());
    }

    /**
     * What an endpoint's forwarder route admits, from the endpoint's status: nobody while its
     * WorkloadsAdmitted condition is False (whatever became of the empty list of ServiceAccounts
     * on its way through a status patch), else what {@code status.allowedWorkloads} says.
     */
    public static WorkloadAdmission admission(InterfaceEndpointStatus status) {
        boolean nobody = status.condition(WORKLOADS_ADMITTED)
                .map(c -> Condition.FALSE.equals(c.getStatus()))
                .orElse(false);
        return nobody ? WorkloadAdmission.NOBODY : admission(status.getAllowedWorkloads());
    }

    /**
     * The forwarder's form of what is in force; null (every pod) when nothing is named. A selector
     * it cannot read (an operator it does not know) admits nobody.
     */
    public static WorkloadAdmission admission(WorkloadsInForce inForce) {
        if (inForce == null) {
            return null;
        }
        LabelSelector labels = inForce.getPodSelector();
        if (labels == null) {
            return new WorkloadAdmission(null, inForce.getServiceAccounts());
        }
        List<Requirement> requirements = new ArrayList<>();
        for (LabelSelectorRequirement r : labels.getMatchExpressions() == null
                ? List.<LabelSelectorRequirement>of()
                : labels.getMatchExpressions()) {
            Operator operator = operator(r.getOperator());
            if (operator == null) {
                return WorkloadAdmission.NOBODY;
            }
            requirements.add(new Requirement(r.getKey(), operator, r.getValues()));
        }
        Map<String, String> matchLabels = labels.getMatchLabels();
        return new WorkloadAdmission(new Selector(matchLabels, requirements), inForce.getServiceAccounts());
    }

    private static Operator operator(String name) {
        for (SelectorRequirement.Operator known : SelectorRequirement.Operator.values()) {
            if (known.name().equals(name)) {
                return Operator.valueOf(name);
            }
        }
        return null;
    }
}
