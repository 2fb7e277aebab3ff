package dev.privatelink.desired;

import static dev.privatelink.api.ConditionTypes.ACCEPTED;

import dev.privatelink.api.Condition;
import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.ConditionedStatus;
import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.EndpointServiceSpec;
import dev.privatelink.api.Principal;
import dev.privatelink.api.ServicePermissionSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * What in a stored spec the operator cannot act on, each naming the field, for a person. A
 * current API server refuses all of it at admission; it still reaches the operator from objects
 * stored under an older CRD, or from a CRD newer than the operator (a value it does not know).
 * Such parts are ignored, never guessed at, and the object says so.
 */
public final class SpecProblems {
    private SpecProblems() {}

    /** The Accepted condition for a spec with these problems. */
    public static Condition accepted(List<String> problems, Long generation) {
        return problems.isEmpty()
                ? Conditions.of(ACCEPTED, true, Reasons.ACCEPTED, "the spec is valid", generation)
                : Conditions.of(ACCEPTED, false, Reasons.INVALID_SPEC, String.join("; ", problems), generation);
    }

    /** A Warning Event when an object's spec turns invalid (or is first seen invalid). */
    public static List<EventNote> events(HasMetadata object, ConditionedStatus previous, List<String> problems) {
        boolean wasInvalid = previous != null
                && previous.condition(ACCEPTED).map(c -> !c.isTrue()).orElse(false);
        if (problems.isEmpty() || wasInvalid) {
            return List.of();
        }
        return List.of(
                new EventNote(object, EventNote.Type.Warning, Reasons.INVALID_SPEC, String.join("; ", problems)));
    }

    public static List<String> of(EndpointServiceSpec spec) {
        if (spec == null) {
            return List.of("spec: required");
        }
        List<String> problems = new ArrayList<>();
        if (spec.getLoadBalancers() == null || spec.getLoadBalancers().isEmpty()) {
            problems.add("spec.loadBalancers: at least one is required");
        }
        if (spec.getProxyProtocol() == null) {
            problems.add("spec.proxyProtocol: not a value this operator knows (None, V2); no PROXY header is sent");
        }
        if (spec.getNetworkPolicy() == null) {
            problems.add("spec.networkPolicy: not a value this operator knows (Enabled, Disabled);"
                    + " the load balancers' pods are fenced as with Enabled");
        }
        List<ConnectionDecision> decisions = spec.getConnections() == null ? List.of() : spec.getConnections();
        for (int i = 0; i < decisions.size(); i++) {
            if (decisions.get(i) == null || decisions.get(i).getDecision() == null) {
                problems.add("spec.connections[" + i + "].decision: not a value this operator knows"
                        + " (Accept, Reject, Suspend, Terminate); the entry is ignored");
            }
        }
        return problems;
    }

    public static List<String> of(ServicePermissionSpec spec) {
        if (spec == null) {
            return List.of("spec: required");
        }
        List<String> problems = new ArrayList<>();
        if (spec.getEndpointService() == null || spec.getEndpointService().isBlank()) {
            problems.add("spec.endpointService: required");
        }
        List<Principal> principals = spec.getPrincipals() == null ? List.of() : spec.getPrincipals();
        for (int i = 0; i < principals.size(); i++) {
            Principal p = principals.get(i);
            if (p != null && p.getNamespaceSelector() != null) {
                List<String> selector = LabelSelectors.problems(
                        p.getNamespaceSelector(), "spec.principals[" + i + "].namespaceSelector");
                selector.forEach(s -> problems.add(s + "; this principal grants nothing"));
            }
        }
        return problems;
    }
}
