package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.privatelink.operator.TestSettings;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SEC-18: forwarder pods survive drains and go where the platform puts them. */
class ForwarderPlacementTest {

    static final ConsumerNamespace SHOP = new ConsumerNamespace("shop", "6f1c2d3e-0000-4000-8000-00000000c0de");

    @Test
    void replicatedForwardersKeepAllButOnePodThroughDrains() {
        var settings = TestSettings.with(Map.of("privatelink.forwarder.replicas", "3"));
        var deployment = ForwarderResources.deployment(SHOP, settings);

        var budget = ForwarderResources.disruptionBudget(SHOP, settings).orElseThrow();

        assertThat(budget.getMetadata().getName()).isEqualTo(SHOP.forwarderName());
        assertThat(budget.getMetadata().getNamespace()).isEqualTo(TestSettings.OPERATOR_NAMESPACE);
        assertThat(budget.getMetadata().getOwnerReferences()).containsExactly(SHOP.ownerReference());
        assertThat(budget.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
        assertThat(budget.getSpec().getMinAvailable()).isNull();
        assertThat(budget.getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void aSingleForwarderPodGetsNoBudgetThatWouldBlockEveryDrain() {
        var settings = TestSettings.with(Map.of("privatelink.forwarder.replicas", "1"));

        assertThat(ForwarderResources.disruptionBudget(SHOP, settings)).isEmpty();
    }

    @Test
    void placementSettingsReachTheForwarderPods() {
        var settings = TestSettings.with(
                Map.of(
                        "privatelink.forwarder.priority-class-name", "privatelink-data-plane",
                        "privatelink.forwarder.node-selector", "pool=edge, kubernetes.io/os=linux",
                        "privatelink.forwarder.tolerations",
                                "[{\"key\":\"dedicated\",\"operator\":\"Equal\",\"value\":\"edge\",\"effect\":\"NoSchedule\"}]",
                        "privatelink.forwarder.affinity",
                                "{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":"
                                        + "[{\"matchExpressions\":[{\"key\":\"pool\",\"operator\":\"In\",\"values\":[\"edge\"]}]}]}}}"));

        var pod = ForwarderResources.deployment(SHOP, settings)
                .getSpec()
                .getTemplate()
                .getSpec();

        assertThat(pod.getPriorityClassName()).isEqualTo("privatelink-data-plane");
        assertThat(pod.getNodeSelector()).containsOnly(entry("pool", "edge"), entry("kubernetes.io/os", "linux"));
        assertThat(pod.getTolerations())
                .singleElement()
                .satisfies(t -> assertThat(t.getEffect()).isEqualTo("NoSchedule"));
        assertThat(pod.getAffinity().getNodeAffinity()).isNotNull();
        assertThat(pod.getTopologySpreadConstraints())
                .as("replicas still spread across zones and nodes")
                .hasSize(2);
    }

    @Test
    void tolerationsThatAreNoJsonListFailWithTheSettingsName() {
        var settings = TestSettings.with(Map.of("privatelink.forwarder.tolerations", "dedicated=edge:NoSchedule"));

        assertThatThrownBy(() -> ForwarderResources.deployment(SHOP, settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("privatelink.forwarder.tolerations");
    }
}
