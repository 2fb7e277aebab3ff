package dev.privatelink.forwarder;

import static dev.privatelink.forwarder.ForwarderState.AWAITING_CONFIG;
import static dev.privatelink.forwarder.ForwarderState.DRAINING;
import static dev.privatelink.forwarder.ForwarderState.SERVING;
import static dev.privatelink.forwarder.ForwarderState.SERVING_INCOMPLETELY;
import static dev.privatelink.forwarder.ForwarderState.STOPPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The forwarder's lifecycle: which transitions exist, and which are refused. */
class ForwarderStateTest {

    @Test
    void aConfigServesCompletelyOrNot() {
        assertThat(AWAITING_CONFIG.configApplied(true)).isEqualTo(SERVING);
        assertThat(AWAITING_CONFIG.configApplied(false)).isEqualTo(SERVING_INCOMPLETELY);
        assertThat(SERVING.configApplied(false)).isEqualTo(SERVING_INCOMPLETELY);
        assertThat(SERVING_INCOMPLETELY.configApplied(true)).isEqualTo(SERVING);
    }

    @Test
    void noConfigIsTakenOnceShutdownBegan() {
        assertThat(DRAINING.takesConfigs()).isFalse();
        assertThat(STOPPED.takesConfigs()).isFalse();
        assertThatThrownBy(() -> DRAINING.configApplied(true)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> STOPPED.configApplied(true)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aStoppedForwarderCannotDrainAgain() {
        assertThat(SERVING.drain()).isEqualTo(DRAINING);
        assertThat(DRAINING.drain()).isEqualTo(DRAINING);
        assertThatThrownBy(STOPPED::drain).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyStateCanStop() {
        for (ForwarderState state : ForwarderState.values()) {
            assertThat(state.stop()).isEqualTo(STOPPED);
        }
    }
}
