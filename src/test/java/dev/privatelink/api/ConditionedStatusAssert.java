package dev.privatelink.api;

import java.util.Objects;
import org.assertj.core.api.AbstractObjectAssert;

/** Assertions on a status of any of the three kinds: its observed generation and its conditions by type. */
public final class ConditionedStatusAssert extends AbstractObjectAssert<ConditionedStatusAssert, ConditionedStatus> {

    ConditionedStatusAssert(ConditionedStatus actual) {
        super(actual, ConditionedStatusAssert.class);
    }

    /** The condition of this type; fails, listing the conditions there are, when there is none. */
    public ConditionAssert condition(String type) {
        isNotNull();
        return actual.condition(type).map(ConditionAssert::new).orElseGet(() -> {
            failWithMessage("Expected a condition %s but the status has %s", type, actual.getConditions());
            throw new IllegalStateException("unreachable");
        });
    }

    public ConditionedStatusAssert doesNotHaveCondition(String type) {
        isNotNull();
        actual.condition(type).ifPresent(c -> failWithMessage("Expected no condition %s but found %s", type, c));
        return myself;
    }

    public ConditionedStatusAssert hasObservedGeneration(long expected) {
        isNotNull();
        if (!Objects.equals(actual.getObservedGeneration(), expected)) {
            failWithMessage(
                    "Expected status.observedGeneration %s but it was %s", expected, actual.getObservedGeneration());
        }
        return myself;
    }
}
