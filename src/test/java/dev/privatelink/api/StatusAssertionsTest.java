package dev.privatelink.api;

import static dev.privatelink.api.StatusAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The status assertions fail when they should, and say why. */
class StatusAssertionsTest {

    static InterfaceEndpointStatus notFound() {
        InterfaceEndpointStatus status = new InterfaceEndpointStatus();
        status.setObservedGeneration(1L);
        status.setConditions(List.of(new Condition(
                ConditionTypes.READY,
                Condition.FALSE,
                "ServiceNotFound",
                "no such service",
                1L,
                "2024-01-01T00:00:00Z")));
        return status;
    }

    @Test
    void aMatchingConditionPasses() {
        assertThat(notFound())
                .hasObservedGeneration(1)
                .condition(ConditionTypes.READY)
                .hasStatus(false)
                .hasReason("ServiceNotFound")
                .hasMessageContaining("no such")
                .hasObservedGeneration(1);
    }

    @Test
    void anotherReasonFailsNamingBoth() {
        assertThatThrownBy(() ->
                        assertThat(notFound()).condition(ConditionTypes.READY).hasReason("Available"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Available")
                .hasMessageContaining("ServiceNotFound");
    }

    @Test
    void anotherStatusFails() {
        assertThatThrownBy(() ->
                        assertThat(notFound()).condition(ConditionTypes.READY).isTrue())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("status");
    }

    @Test
    void aMissingConditionFailsListingTheConditionsThereAre() {
        assertThatThrownBy(() -> assertThat(notFound()).condition(ConditionTypes.ACCEPTED))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Accepted")
                .hasMessageContaining("Ready=False");
    }

    @Test
    void noStatusFails() {
        assertThatThrownBy(() -> assertThat((ConditionedStatus) null).condition(ConditionTypes.READY))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void anOlderObservedGenerationFails() {
        assertThatThrownBy(() -> assertThat(notFound()).hasObservedGeneration(2))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() ->
                        assertThat(notFound()).condition(ConditionTypes.READY).hasObservedGeneration(2))
                .isInstanceOf(AssertionError.class);
    }
}
