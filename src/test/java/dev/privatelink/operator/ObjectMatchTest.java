package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ObjectMatchTest {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private static Service rendered() {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName("api")
                .withNamespace("shop")
                .withLabels(Map.of("app.kubernetes.io/managed-by", "kube-privatelink"))
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .addNewPort()
                .withName("tcp-443")
                .withPort(443)
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build();
    }

    private static boolean matches(HasMetadata rendered, HasMetadata actual) {
        return ObjectMatch.matches(
                rendered,
                actual,
                JSON.convertValue(rendered, JsonNode.class),
                JSON.convertValue(actual, JsonNode.class));
    }

    private static Service edited(UnaryOperator<ServiceBuilder> edit) {
        return edit.apply(new ServiceBuilder(rendered())).build();
    }

    @Test
    void whatTheApiServerAddsIsNoDrift() {
        Service stored = edited(b -> b.editMetadata()
                .withUid("u-1")
                .withResourceVersion("7")
                .addToLabels("team", "shop")
                .endMetadata()
                .editSpec()
                .withClusterIP("10.96.5.5")
                .withSessionAffinity("None")
                .editFirstPort()
                .withNewTargetPort(443)
                .endPort()
                .endSpec());
        assertThat(matches(rendered(), stored)).isTrue();
    }

    @Test
    void aChangedValueIsDrift() {
        assertThat(matches(
                        rendered(),
                        edited(b -> b.editSpec()
                                .editFirstPort()
                                .withPort(9999)
                                .endPort()
                                .endSpec())))
                .isFalse();
    }

    @Test
    void aChangedLabelIsDrift() {
        assertThat(matches(
                        rendered(),
                        edited(b -> b.editMetadata()
                                .addToLabels("app.kubernetes.io/managed-by", "someone")
                                .endMetadata())))
                .isFalse();
    }

    @Test
    void anAddedListEntryIsDrift() {
        assertThat(matches(
                        rendered(),
                        edited(b ->
                                b.editSpec().addNewPort().withPort(22).endPort().endSpec())))
                .isFalse();
    }

    @Test
    void aSelectorAddedToAServiceRenderedWithoutOneIsDrift() {
        assertThat(matches(
                        rendered(),
                        edited(b ->
                                b.editSpec().withSelector(Map.of("app", "x")).endSpec())))
                .isFalse();
    }

    @Test
    void endpointsAddedToASliceRenderedEmptyAreDrift() {
        EndpointSlice empty = new EndpointSliceBuilder()
                .withNewMetadata()
                .withName("api-ipv4")
                .endMetadata()
                .withAddressType("IPv4")
                .build();
        EndpointSlice filled = new EndpointSliceBuilder(empty)
                .addNewEndpoint()
                .withAddresses("10.244.0.9")
                .endEndpoint()
                .build();
        assertThat(matches(empty, filled)).isFalse();
        assertThat(matches(empty, empty)).isTrue();
    }

    @Test
    void numbersCompareByValue() {
        assertThat(ObjectMatch.covers(JSON.convertValue(1, JsonNode.class), JSON.convertValue(1L, JsonNode.class)))
                .isTrue();
        assertThat(ObjectMatch.covers(JSON.convertValue(1, JsonNode.class), JSON.convertValue(2L, JsonNode.class)))
                .isFalse();
    }
}
