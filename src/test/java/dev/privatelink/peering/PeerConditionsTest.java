package dev.privatelink.peering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ClusterPeerStatus;
import dev.privatelink.api.Condition;
import dev.privatelink.api.ConditionTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PeerConditionsTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void eachWriterKeepsTheOthersConditions() {
        ClusterPeerStatus status = new ClusterPeerStatus();
        PeerConditions.connected(status, true, PeerConditions.Reasons.SYNCED, "synced", 1L, NOW);

        PeerConditions.enrolled(status, false, PeerConditions.Reasons.INVITE_PENDING, "waiting", 1L, NOW);

        assertThat(status.getConditions())
                .extracting(Condition::getType)
                .containsExactly(PeerConditions.CONNECTED, PeerConditions.ENROLLED);
        assertThat(status.getLastContact()).isEqualTo(NOW.toString());
    }

    @Test
    void aConditionKeepsItsTransitionTimeWhileItsStatusHolds() {
        ClusterPeerStatus status = new ClusterPeerStatus();
        PeerConditions.enrolled(status, false, "Unreachable", "first", 1L, NOW);

        PeerConditions.enrolled(status, false, "Unreachable", "again", 1L, NOW.plusSeconds(60));

        Condition enrolled = status.condition(PeerConditions.ENROLLED).orElseThrow();
        assertThat(enrolled.getLastTransitionTime()).isEqualTo(NOW.toString());
        assertThat(enrolled.getMessage()).isEqualTo("again");
    }

    @Test
    void readyIsEnrolledAndNotSuspended() {
        ClusterPeerStatus status = new ClusterPeerStatus();
        PeerConditions.ready(status, false, 1L, NOW);
        assertThat(reason(status)).isEqualTo("False/NotEnrolled");

        status.setTrustDomain("east");
        PeerConditions.enrolled(status, true, PeerConditions.Reasons.ENROLLED, "ok", 1L, NOW);
        PeerConditions.ready(status, false, 1L, NOW);
        assertThat(reason(status)).isEqualTo("True/Ready");

        PeerConditions.ready(status, true, 2L, NOW);
        assertThat(reason(status)).isEqualTo("False/Suspended");
    }

    @Test
    void anUnreachablePeerIsRetriedAtHalfTheTimeItHasFailedBetween5SecondsAnd5Minutes() {
        assertThat(PeerConditions.retryDelay(Optional.empty(), NOW)).isEqualTo(Duration.ofSeconds(5));
        assertThat(PeerConditions.retryDelay(failingSince(NOW.minusSeconds(4)), NOW))
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(PeerConditions.retryDelay(failingSince(NOW.minusSeconds(120)), NOW))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(PeerConditions.retryDelay(failingSince(NOW.minus(Duration.ofHours(3))), NOW))
                .isEqualTo(Duration.ofMinutes(5));
    }

    static Optional<Condition> failingSince(Instant since) {
        return Optional.of(
                new Condition(PeerConditions.ENROLLED, Condition.FALSE, "Unreachable", "", 1L, since.toString()));
    }

    static String reason(ClusterPeerStatus status) {
        return status.condition(ConditionTypes.READY)
                .map(c -> c.getStatus() + "/" + c.getReason())
                .orElse(null);
    }
}
