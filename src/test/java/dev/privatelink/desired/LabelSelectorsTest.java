package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.NamespaceSelector;
import dev.privatelink.api.SelectorRequirement;
import dev.privatelink.api.SelectorRequirement.Operator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code PermissionsTest} leaves out of Kubernetes' selector semantics. */
class LabelSelectorsTest {

    static NamespaceSelector expression(String key, String operator, String... values) {
        return new NamespaceSelector()
                .withExpressions(new SelectorRequirement(
                        key, Operator.of(operator), values.length == 0 ? null : List.of(values)));
    }

    @Test
    void noSelectorMatchesNothing() {
        assertThat(LabelSelectors.matches(null, Map.of())).isFalse();
    }

    @Test
    void matchLabelsNeedEveryPairWithItsValue() {
        var selector = NamespaceSelector.matchLabels(Map.of("team", "retail", "env", "prod"));

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
        assertThat(LabelSelectors.matches(new NamespaceSelector(), null)).isTrue();
        assertThat(LabelSelectors.matches(expression("env", "DoesNotExist"), null))
                .isTrue();
        assertThat(LabelSelectors.matches(expression("env", "Exists"), null)).isFalse();
    }

    @Test
    void anUnknownOperatorMatchesNothing() {
        assertThat(LabelSelectors.matches(expression("env", "Gt", "1"), Map.of("env", "2")))
                .isFalse();
    }

    @Test
    void anExpressionWithoutOperatorMatchesNothingAndIsAProblem() {
        var noOperator = new NamespaceSelector().withExpressions(new SelectorRequirement("env", null, List.of("prod")));

        assertThat(LabelSelectors.matches(noOperator, Map.of("env", "prod"))).isFalse();
        assertThat(LabelSelectors.problems(noOperator, "sel"))
                .containsExactly("sel.matchExpressions[0].operator: required, one of In, NotIn, Exists, DoesNotExist");
    }

    @Test
    void valuesMustFitTheOperator() {
        assertThat(LabelSelectors.problems(expression("env", "In"), "sel"))
                .containsExactly("sel.matchExpressions[0].values: required for In");
        assertThat(LabelSelectors.problems(expression("env", "Exists", "x"), "sel"))
                .containsExactly("sel.matchExpressions[0].values: must be empty for Exists");
        assertThat(LabelSelectors.problems(expression("env", "NotIn", "x"), "sel"))
                .isEmpty();
    }
}
