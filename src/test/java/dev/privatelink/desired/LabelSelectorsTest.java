package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code PermissionsTest} leaves out of Kubernetes' selector semantics. */
class LabelSelectorsTest {

    static LabelSelector expression(String key, String operator, String... values) {
        return new LabelSelectorBuilder()
                .addNewMatchExpression()
                .withKey(key)
                .withOperator(operator)
                .withValues(values)
                .endMatchExpression()
                .build();
    }

    @Test
    void noSelectorMatchesNothing() {
        assertThat(LabelSelectors.matches(null, Map.of())).isFalse();
    }

    @Test
    void matchLabelsNeedEveryPairWithItsValue() {
        var selector = new LabelSelectorBuilder()
                .withMatchLabels(Map.of("team", "retail", "env", "prod"))
                .build();

        assertThat(LabelSelectors.matches(selector, Map.of("team", "retail", "env", "prod", "extra", "x")))
                .isTrue();
        assertThat(LabelSelectors.matches(selector, Map.of("team", "retail"))).isFalse();
        assertThat(LabelSelectors.matches(selector, Map.of("team", "retail", "env", "dev")))
                .isFalse();
    }

    @Test
    void inNeedsTheLabel() {
        assertThat(LabelSelectors.matches(expression("env", "In", "prod"), Map.of()))
                .isFalse();
    }

    @Test
    void existsIgnoresTheValue() {
        assertThat(LabelSelectors.matches(expression("env", "Exists"), Map.of("env", "")))
                .isTrue();
    }

    @Test
    void noLabelsAreLikeEmptyLabels() {
        assertThat(LabelSelectors.matches(new LabelSelectorBuilder().build(), null))
                .isTrue();
        assertThat(LabelSelectors.matches(expression("env", "DoesNotExist"), null))
                .isTrue();
        assertThat(LabelSelectors.matches(expression("env", "Exists"), null)).isFalse();
    }

    @Test
    void anUnknownOperatorMatchesNothing() {
        assertThat(LabelSelectors.matches(expression("env", "Gt", "1"), Map.of("env", "2")))
                .isFalse();
    }
}
