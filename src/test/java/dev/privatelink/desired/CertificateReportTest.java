package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ClusterPeerStatus;
import dev.privatelink.api.Condition;
import dev.privatelink.api.ConditionTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a pass of certificate rotation writes into a ClusterPeer's status, and only that. */
class CertificateReportTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void runwayReadsInDaysAndHoursThenHoursAndMinutes() {
        assertThat(CertificateReport.runway(Duration.ofDays(2).plusHours(17).plusMinutes(59)))
                .isEqualTo("2d17h");
        assertThat(CertificateReport.runway(Duration.ofHours(5).plusMinutes(12)))
                .isEqualTo("5h12m");
        assertThat(CertificateReport.runway(Duration.ofMinutes(40))).isEqualTo("40m");
        assertThat(CertificateReport.runway(Duration.ofSeconds(20))).isEqualTo("1m");
        assertThat(CertificateReport.runway(Duration.ofSeconds(-1))).isEqualTo("expired");
    }

    @Test
    void issuedSetsRunwayExpiryAndATrueConditionAndKeepsTheOtherConditions() {
        ClusterPeerStatus status = new ClusterPeerStatus();
        status.setTrustDomain("west.example");
        Condition enrolled = new Condition("Enrolled", "True", "Joined", "joined", 1L, "2025-12-31T00:00:00Z");
        status.setConditions(new ArrayList<>(List.of(enrolled)));

        ClusterPeerStatus after = CertificateReport.issued(Optional.of(NOW.plus(Duration.ofHours(50))), "fine")
                .applyTo(status, NOW);

        assertThat(after.getRunway()).isEqualTo("2d2h");
        assertThat(after.getCertificatesExpire()).isEqualTo("2026-01-03T02:00:00Z");
        assertThat(after.getTrustDomain()).isEqualTo("west.example");
        assertThat(after.getConditions())
                .extracting(Condition::getType)
                .containsExactly("Enrolled", "CertificatesReady");
        assertThat(after.condition("Enrolled")).containsSame(enrolled);
        assertThat(after.condition(ConditionTypes.CERTIFICATES_READY)).hasValueSatisfying(c -> {
            assertThat(c.isTrue()).isTrue();
            assertThat(c.getReason()).isEqualTo("Issued");
            assertThat(c.getLastTransitionTime()).isEqualTo(NOW.toString());
        });
    }

    @Test
    void blockedTurnsTheConditionFalseWithItsReasonAndKeepsTheRunwayOfWhatWasIssued() {
        ClusterPeerStatus ready = CertificateReport.issued(Optional.of(NOW.plus(Duration.ofDays(2))), "fine")
                .applyTo(new ClusterPeerStatus(), NOW);

        Instant later = NOW.plus(Duration.ofHours(30));
        ClusterPeerStatus blocked = CertificateReport.blocked(
                        Optional.of(NOW.plus(Duration.ofDays(2))), "CertificateWriteRefused", "grant update")
                .applyTo(ready, later);

        assertThat(blocked.getRunway()).isEqualTo("18h0m");
        assertThat(blocked.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("CertificateWriteRefused");
            assertThat(c.getMessage()).isEqualTo("grant update");
            assertThat(c.getLastTransitionTime()).isEqualTo(later.toString());
        });
    }

    @Test
    void anUnchangedConditionKeepsItsTransitionTime() {
        ClusterPeerStatus first = CertificateReport.issued(Optional.of(NOW.plus(Duration.ofDays(2))), "fine")
                .applyTo(null, NOW);

        ClusterPeerStatus second = CertificateReport.issued(Optional.of(NOW.plus(Duration.ofDays(3))), "fine")
                .applyTo(first, NOW.plus(Duration.ofHours(1)));

        assertThat(second.condition(ConditionTypes.CERTIFICATES_READY)
                        .orElseThrow()
                        .getLastTransitionTime())
                .isEqualTo(NOW.toString());
    }
}
