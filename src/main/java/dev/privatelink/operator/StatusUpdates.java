package dev.privatelink.operator;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Writes a status only when it differs from the one the object has: unconditional writes make
 * every reconcile trigger the next. Conditions keep their transition time while unchanged (see
 * Conditions.merge), so an unchanged status compares equal.
 */
final class StatusUpdates {
    private StatusUpdates() {}

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    static <S, R extends CustomResource<?, S>> UpdateControl<R> patchIfChanged(R resource, S desired) {
        S previous = resource.getStatus();
        if (previous != null && JSON.asJson(previous).equals(JSON.asJson(desired))) {
            return UpdateControl.noUpdate();
        }
        resource.setStatus(desired);
        return UpdateControl.patchStatus(resource);
    }
}
