package dev.privatelink.forwarder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.privatelink.forwarder.ConnectionPhase.Closed;
import dev.privatelink.forwarder.ConnectionPhase.HalfClosed;
import dev.privatelink.forwarder.ConnectionPhase.Side;
import org.junit.jupiter.api.Test;

/** One connection's phases: which transitions exist, and which are refused. */
class ConnectionPhaseTest {

    @Test
    void theSecondDirectionToFinishCompletesTheConnection() {
        ConnectionPhase forwarding = ConnectionPhase.CONNECTING.upstreamConnected();

        ConnectionPhase halfClosed = forwarding.finPassedOn(Side.CLIENT);

        assertThat(halfClosed).isEqualTo(new HalfClosed(Side.CLIENT));
        assertThat(halfClosed.finPassedOn(Side.UPSTREAM)).isEqualTo(new Closed(CloseReason.COMPLETED));
    }

    @Test
    void oneDirectionCannotFinishTwice() {
        ConnectionPhase halfClosed = new HalfClosed(Side.UPSTREAM);

        assertThatThrownBy(() -> halfClosed.finPassedOn(Side.UPSTREAM)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void noFinPassesBeforeTheUpstreamConnected() {
        assertThatThrownBy(() -> ConnectionPhase.CONNECTING.finPassedOn(Side.CLIENT))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aConnectionClosesFromAnyPhaseButOnlyOnce() {
        assertThat(ConnectionPhase.CONNECTING.close(CloseReason.UPSTREAM_UNAVAILABLE))
                .isEqualTo(new Closed(CloseReason.UPSTREAM_UNAVAILABLE));
        assertThat(new HalfClosed(Side.CLIENT).close(CloseReason.RESET)).isEqualTo(new Closed(CloseReason.RESET));
        assertThatThrownBy(() -> new Closed(CloseReason.RESET).close(CloseReason.SHUTDOWN))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new Closed(CloseReason.RESET).upstreamConnected())
                .isInstanceOf(IllegalStateException.class);
    }
}
