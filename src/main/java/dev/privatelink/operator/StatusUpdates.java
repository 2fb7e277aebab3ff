package dev.privatelink.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
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

    /**
     * What a failed reconcile means. A 404 says an object the reconcile wrote (most often the
     * primary's status, when the object was deleted while it was being reconciled) is gone: its
     * deletion is itself an event that reconciles whatever is left, so retrying would only fail
     * again and log an error per attempt. Everything else is retried with backoff.
     */
    static <R extends HasMetadata> ErrorStatusUpdateControl<R> onFailure(Exception failure) {
        return isNotFound(failure)
                ? ErrorStatusUpdateControl.<R>noStatusUpdate().withNoRetry()
                : ErrorStatusUpdateControl.defaultErrorProcessing();
    }

    static boolean isNotFound(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getCode() == 404) {
                return true;
            }
        }
        return false;
    }
}
