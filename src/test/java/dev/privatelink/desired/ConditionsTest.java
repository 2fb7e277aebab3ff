package dev.privatelink.desired;

import static dev.privatelink.api.StatusAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.Condition;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

    static final String EARLIER = "2024-01-01T00:00:00Z";
    static final String NOW = "2024-06-01T12:00:00Z";

    static Condition was(String type, boolean status, String since) {
        return new Condition(type, status ? Condition.TRUE : Condition.FALSE, "Before", "before", 1L, since);
    }

    static Condition only(List<Condition> conditions) {
        assertThat(conditions).hasSize(1);
        return conditions.get(0);
    }

    @Test
    void anUnchangedStatusKeepsItsLastTransitionTime() {
        var previous = List.of(was("Ready", true, EARLIER));

        var merged = Conditions.merge(previous, List.of(Conditions.of("Ready", true, "Ready", "ok", 2L)), NOW);

        assertThat(only(merged)).hasLastTransitionTime(EARLIER);
    }

    @Test
    void aStatusThatFlipsTakesNow() {
        var previous = List.of(was("Ready", true, EARLIER));

        var merged = Conditions.merge(previous, List.of(Conditions.of("Ready", false, "Gone", "gone", 2L)), NOW);

        assertThat(only(merged)).hasStatus(false).hasLastTransitionTime(NOW);
    }

    @Test
    void aNewConditionTakesNowEvenWhenAnotherTypeHasTheSameStatus() {
        var previous = List.of(was("Accepted", true, EARLIER));

        var merged = Conditions.merge(previous, List.of(Conditions.of("Ready", true, "Ready", "ok", 1L)), NOW);

        assertThat(only(merged)).hasLastTransitionTime(NOW);
    }

    @Test
    void withoutPreviousConditionsEveryConditionTakesNow() {
        var merged = Conditions.merge(
                null,
                List.of(
                        Conditions.of("Accepted", true, "Accepted", "ok", 1L),
                        Conditions.of("Ready", false, "No", "no", 1L)),
                NOW);

        assertThat(merged).extracting(Condition::getLastTransitionTime).containsExactly(NOW, NOW);
    }

    @Test
    void theOrderOfTheDesiredConditionsIsKept() {
        var previous = List.of(
                was("Ready", true, EARLIER), was("ResolvedRefs", true, EARLIER), was("Accepted", true, EARLIER));

        var merged = Conditions.merge(
                previous,
                List.of(
                        Conditions.of("Accepted", true, "Accepted", "ok", 1L),
                        Conditions.of("ResolvedRefs", true, "Resolved", "ok", 1L),
                        Conditions.of("Ready", true, "Ready", "ok", 1L)),
                NOW);

        assertThat(merged).extracting(Condition::getType).containsExactly("Accepted", "ResolvedRefs", "Ready");
    }

    @Test
    void reasonMessageAndObservedGenerationComeFromTheDesiredConditionWhileTheStatusStays() {
        var previous = List.of(was("Ready", false, EARLIER));

        var merged = Conditions.merge(
                previous, List.of(Conditions.of("Ready", false, "ServiceNotReady", "waiting for pods", 7L)), NOW);

        assertThat(only(merged))
                .hasStatus(false)
                .hasReason("ServiceNotReady")
                .hasMessage("waiting for pods")
                .hasObservedGeneration(7)
                .hasLastTransitionTime(EARLIER);
    }

    @Test
    void aPreviousConditionThatIsNoLongerDesiredIsDropped() {
        var previous = List.of(was("Accepted", true, EARLIER), was("Ready", true, EARLIER));

        var merged = Conditions.merge(previous, List.of(Conditions.of("Ready", true, "Ready", "ok", 1L)), NOW);

        assertThat(merged).extracting(Condition::getType).containsExactly("Ready");
    }
}
