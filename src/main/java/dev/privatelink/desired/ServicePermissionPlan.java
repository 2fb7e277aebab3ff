package dev.privatelink.desired;

import static dev.privatelink.api.ConditionTypes.READY;
import static dev.privatelink.api.ConditionTypes.RESOLVED_REFS;

import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.api.ServicePermissionStatus;
import java.time.Instant;
import java.util.List;

/**
 * What a permission's reconcile reports: whether its spec can be acted on and whether the
 * endpoint service it grants access to exists. Granting itself happens on the consumer side.
 */
public record ServicePermissionPlan(ServicePermissionStatus status, List<EventNote> events) {

    public static ServicePermissionPlan of(ServicePermission permission, boolean targetFound, Instant now) {
        List<String> problems = SpecProblems.of(permission.getSpec());
        String target =
                permission.getSpec() == null ? null : permission.getSpec().getEndpointService();
        Long generation = permission.getMetadata().getGeneration();
        String message = targetFound
                ? "grants access to endpoint service " + target
                : "endpoint service " + target + " not found in this namespace";
        String reason = targetFound ? Reasons.RESOLVED : Reasons.ENDPOINT_SERVICE_NOT_FOUND;
        ServicePermissionStatus status = new ServicePermissionStatus();
        status.setObservedGeneration(generation);
        var previous = permission.getStatus();
        status.setConditions(Conditions.merge(
                previous == null ? null : previous.getConditions(),
                List.of(
                        SpecProblems.accepted(problems, generation),
                        Conditions.of(RESOLVED_REFS, targetFound, reason, message, generation),
                        problems.isEmpty()
                                ? Conditions.of(
                                        READY, targetFound, targetFound ? Reasons.READY : reason, message, generation)
                                : Conditions.of(
                                        READY, false, Reasons.INVALID_SPEC, String.join("; ", problems), generation)),
                now.toString()));
        return new ServicePermissionPlan(status, SpecProblems.events(permission, previous, problems));
    }
}
