package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.InterfaceEndpoint;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A record left out of a peer's snapshots goes only once it has stayed out for the grace period. */
class PeerEndpointRecordsAbsencesTest {

    static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

    static InterfaceEndpoint record(String uid) {
        InterfaceEndpoint ep = new InterfaceEndpoint();
        ep.setMetadata(
                new ObjectMetaBuilder().withName("shop." + uid).withUid(uid).build());
        return ep;
    }

    @Test
    void aRecordGoesAfterStayingAbsentForTheGracePeriod() {
        var absences = new PeerEndpointRecords.Absences(Duration.ofSeconds(20));
        InterfaceEndpoint a = record("a");

        assertThat(absences.stillAbsent("west", List.of(a), T0)).isEmpty();
        assertThat(absences.stillAbsent("west", List.of(a), T0.plusSeconds(19))).isEmpty();
        assertThat(absences.stillAbsent("west", List.of(a), T0.plusSeconds(20))).containsExactly(a);
    }

    @Test
    void aRecordBackInASnapshotStartsOverAndPeersAreApart() {
        var absences = new PeerEndpointRecords.Absences(Duration.ofSeconds(20));
        InterfaceEndpoint a = record("a");

        absences.stillAbsent("west", List.of(a), T0);
        absences.stillAbsent("west", List.of(), T0.plusSeconds(10)); // listed again
        assertThat(absences.stillAbsent("west", List.of(a), T0.plusSeconds(25))).isEmpty();
        assertThat(absences.stillAbsent("north", List.of(a), T0.plusSeconds(25)))
                .isEmpty();
        assertThat(absences.stillAbsent("west", List.of(a), T0.plusSeconds(45))).containsExactly(a);
    }
}
