package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.config.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The soak's finding: a status PATCH of a just-deleted endpoint failed with 404 and was retried until JOSDK gave up. */
class StatusUpdatesTest {

    @Test
    void aWriteToAnObjectThatIsGoneIsNotRetried() {
        ErrorStatusUpdateControl<InterfaceEndpoint> control =
                StatusUpdates.onFailure(new KubernetesClientException("not found", 404, null));

        assertThat(control.isNoRetry()).isTrue();
        assertThat(control.isDefaultErrorProcessing()).isFalse();
        assertThat(control.getResource()).isEmpty();
    }

    @Test
    void aWrappedNotFoundCountsToo() {
        Exception wrapped = new IllegalStateException(new KubernetesClientException("not found", 404, null));

        assertThat(StatusUpdates.<InterfaceEndpoint>onFailure(wrapped).isNoRetry())
                .isTrue();
    }

    @Test
    void otherFailuresAreRetriedWithBackoff() {
        assertThat(StatusUpdates.<InterfaceEndpoint>onFailure(new KubernetesClientException("conflict", 409, null))
                        .isDefaultErrorProcessing())
                .isTrue();
        assertThat(StatusUpdates.<InterfaceEndpoint>onFailure(new UncheckedIOException(new IOException("reset")))
                        .isDefaultErrorProcessing())
                .isTrue();
    }

    @Test
    void everyReconcilerDelegatesItsFailures() {
        var gone = new KubernetesClientException("not found", 404, null);
        OperatorSettings settings = TestSettings.with(Map.of());

        assertThat(new InterfaceEndpointReconciler(settings)
                        .updateErrorStatus(null, null, gone)
                        .isNoRetry())
                .isTrue();
        assertThat(new EndpointServiceReconciler(settings)
                        .updateErrorStatus(null, null, gone)
                        .isNoRetry())
                .isTrue();
        assertThat(new ServicePermissionReconciler()
                        .updateErrorStatus(null, null, gone)
                        .isNoRetry())
                .isTrue();
        assertThat(new ForwarderReconciler(settings)
                        .updateErrorStatus(null, null, gone)
                        .isNoRetry())
                .isTrue();
    }
}
