package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.cache.LeanItemStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SEC-10: JOSDK takes the controllers' item store from their annotation, so their primary
 * caches (the three kinds, Namespaces) keep objects without managedFields.
 */
@EnableKubernetesMockClient(crud = true)
class LeanCachesTest {

    KubernetesClient client;

    @Test
    void everyControllersPrimaryCacheIsLean() {
        Operator operator = new Operator(o ->
                o.withKubernetesClient(client).withCloseClientOnStop(false).checkingCRDAndValidateLocalModel(false));
        var settings = TestSettings.defaults();
        for (Reconciler<?> reconciler : List.of(
                new EndpointServiceReconciler(settings),
                new ServicePermissionReconciler(),
                new InterfaceEndpointReconciler(settings),
                new ForwarderReconciler(settings))) {
            assertThat(operator.register(reconciler)
                            .getConfiguration()
                            .getInformerConfig()
                            .getItemStore())
                    .as(reconciler.getClass().getSimpleName())
                    .isInstanceOf(LeanItemStore.class);
        }
    }
}
