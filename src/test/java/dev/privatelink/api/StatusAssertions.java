package dev.privatelink.api;

/**
 * Entry point for the status assertions; import {@code assertThat} statically next to AssertJ's:
 * {@code assertThat(endpoint.getStatus()).condition(READY).hasStatus(false).hasReason("ServiceNotFound")}.
 */
public final class StatusAssertions {
    private StatusAssertions() {}

    public static ConditionedStatusAssert assertThat(ConditionedStatus status) {
        return new ConditionedStatusAssert(status);
    }

    public static ConditionAssert assertThat(Condition condition) {
        return new ConditionAssert(condition);
    }
}
