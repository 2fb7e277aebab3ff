package dev.privatelink.desired;

import static dev.privatelink.api.ConditionTypes.ACCEPTED;
import static dev.privatelink.api.ConditionTypes.READY;
import static dev.privatelink.api.ConditionTypes.RESOLVED_REFS;

import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.api.ServicePermissionStatus;
import java.time.Instant;
import java.util.List;

/** The status of a permission: whether the endpoint service it grants access to exists. */
public final class ServicePermissionPlan {
    private ServicePermissionPlan() {}

    public static ServicePermissionStatus status(ServicePermission permission, boolean targetFound, Instant now) {
        String target = permission.getSpec().getEndpointService();
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
                        Conditions.of(ACCEPTED, true, Reasons.ACCEPTED, "the spec is valid", generation),
                        Conditions.of(RESOLVED_REFS, targetFound, reason, message, generation),
                        Conditions.of(READY, targetFound, targetFound ? Reasons.READY : reason, message, generation)),
                now.toString()));
        return status;
    }
}
