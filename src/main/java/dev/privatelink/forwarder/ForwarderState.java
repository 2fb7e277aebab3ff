package dev.privatelink.forwarder;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a {@link Forwarder} is in its life: awaiting its first config → serving (every active
 * route listening, or only some) → draining → stopped. Graceful shutdown is a state, not a flag:
 * readiness is derived from it, and the transitions below reject what cannot follow the
 * current state.
 */
enum ForwarderState {
    /** No config applied yet. */
    AWAITING_CONFIG,
    /** Every active route of the last config is listening. */
    SERVING,
    /** A config is applied, but some active routes have no listener (their port could not be bound). */
    SERVING_INCOMPLETELY,
    /** Shutting down: no listeners and no more configs; live connections finish. */
    DRAINING,
    /** Closed: no listeners, every connection reset, no more configs. */
    STOPPED;

    private static final Set<ForwarderState> TAKING_CONFIGS =
            EnumSet.of(AWAITING_CONFIG, SERVING, SERVING_INCOMPLETELY);

    /** Whether a config may be applied; one arriving while shutting down is refused. */
    boolean takesConfigs() {
        return TAKING_CONFIGS.contains(this);
    }

    /** A config was applied; {@code complete} when every active route of it got its listener. */
    ForwarderState configApplied(boolean complete) {
        if (!takesConfigs()) {
            throw illegal("apply a config");
        }
        return complete ? SERVING : SERVING_INCOMPLETELY;
    }

    /** Shutdown began: stop accepting, let connections finish. Draining again is a no-op. */
    ForwarderState drain() {
        if (this == STOPPED) {
            throw illegal("drain");
        }
        return DRAINING;
    }

    /** Every connection was reset; from any state, once or again. */
    ForwarderState stop() {
        return STOPPED;
    }

    private IllegalStateException illegal(String transition) {
        return new IllegalStateException("forwarder " + this + ": cannot " + transition);
    }
}
