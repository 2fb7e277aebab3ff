package dev.privatelink.api;

import java.util.Objects;
import java.util.function.Function;
import org.assertj.core.api.AbstractObjectAssert;

/** Assertions on one status condition: {@code assertThat(status).condition(READY).hasReason("ServiceNotFound")}. */
public final class ConditionAssert extends AbstractObjectAssert<ConditionAssert, Condition> {

    ConditionAssert(Condition actual) {
        super(actual, ConditionAssert.class);
    }

    /** True or False, as the condition's status says. */
    public ConditionAssert hasStatus(boolean expected) {
        return hasStatus(expected ? Condition.TRUE : Condition.FALSE);
    }

    /** "True", "False" or "Unknown". */
    public ConditionAssert hasStatus(String expected) {
        return has("status", Condition::getStatus, expected);
    }

    public ConditionAssert isTrue() {
        return hasStatus(true);
    }

    public ConditionAssert isFalse() {
        return hasStatus(false);
    }

    public ConditionAssert hasReason(String expected) {
        return has("reason", Condition::getReason, expected);
    }

    public ConditionAssert hasMessage(String expected) {
        return has("message", Condition::getMessage, expected);
    }

    public ConditionAssert hasMessageContaining(String expected) {
        isNotNull();
        String message = actual.getMessage();
        if (message == null || !message.contains(expected)) {
            failWithMessage(
                    "Expected the message of condition %s to contain%n  %s%nbut it was%n  %s",
                    actual.getType(), expected, message);
        }
        return myself;
    }

    public ConditionAssert hasObservedGeneration(long expected) {
        return has("observedGeneration", Condition::getObservedGeneration, expected);
    }

    public ConditionAssert hasLastTransitionTime(String expected) {
        return has("lastTransitionTime", Condition::getLastTransitionTime, expected);
    }

    private ConditionAssert has(String field, Function<Condition, Object> get, Object expected) {
        isNotNull();
        Object value = get.apply(actual);
        if (!Objects.equals(value, expected)) {
            failWithMessage(
                    "Expected condition %s to have %s%n  %s%nbut it had%n  %s%n(condition: %s)",
                    actual.getType(), field, expected, value, actual);
        }
        return myself;
    }
}
