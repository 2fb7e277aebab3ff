package dev.privatelink.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionUsage;
import dev.privatelink.usage.UsageLedger.PodReading;
import dev.privatelink.usage.UsageLedger.Reading;
import dev.privatelink.usage.UsageLedger.ServiceKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How forwarder counters (monotonic per process, one set per pod) become a connection's usage. */
class UsageLedgerTest {

    static final Instant STARTED = Instant.parse("2026-11-30T12:00:00Z");
    static final Instant LATER = STARTED.plusSeconds(600);
    static final ServiceKey API = new ServiceKey("payments", "api");

    private final UsageLedger ledger = new UsageLedger(STARTED);

    static PodReading pod(String uid, Instant started, long from, long to) {
        return new PodReading(uid, started, List.of(new Reading("vpce-a", API, from, to)));
    }

    long[] bytes(ConnectionUsage shown) {
        ConnectionUsage u = ledger.usage("vpce-a", shown).orElseThrow();
        return new long[] {u.getBytesFromConsumer(), u.getBytesToConsumer()};
    }

    @Test
    void podsStartedAfterTheOperatorCountInFullAndAreSummed() {
        assertThat(ledger.fold(List.of(pod("p1", LATER, 100, 1000), pod("p2", LATER, 10, 20)), LATER))
                .containsExactly(API);

        assertThat(bytes(null)).containsExactly(110, 1020);
        assertThat(ledger.usage("vpce-a", null).orElseThrow().getSince()).isEqualTo(LATER.toString());
    }

    @Test
    void onlyGrowthIsAddedAndARestartedProcessCountsFromZero() {
        ledger.fold(List.of(pod("p1", LATER, 100, 1000)), LATER);
        ledger.fold(List.of(pod("p1", LATER, 150, 1500)), LATER.plusSeconds(60));
        // the forwarder process restarted: its counter began at 0 again, so all 30 are new
        ledger.fold(List.of(pod("p1", LATER, 30, 40)), LATER.plusSeconds(120));

        assertThat(bytes(null)).containsExactly(180, 1540);
    }

    /** A pod already running when this operator started may have been counted by the one before. */
    @Test
    void aPodOlderThanTheOperatorCountsOnlyFromItsFirstReading() {
        Instant before = STARTED.minusSeconds(3600);
        ConnectionUsage shown = new ConnectionUsage(5000, 9000, "2026-11-01T00:00:00Z");
        ledger.fold(List.of(pod("p1", before, 5000, 9000)), LATER);
        // the first reconcile (at start) carries on what the status showed
        assertThat(bytes(shown)).containsExactly(5000, 9000);

        ledger.fold(List.of(pod("p1", before, 5100, 9100)), LATER.plusSeconds(60));

        assertThat(bytes(shown)).containsExactly(5100, 9100);
        assertThat(ledger.usage("vpce-a", shown).orElseThrow().getSince()).isEqualTo("2026-11-01T00:00:00Z");
    }

    /**
     * A standby replica reads all along; when it takes over, what it read before its first write is
     * assumed in the status already (the old leader wrote it), so nothing counts twice.
     */
    @Test
    void aNewLeaderCarriesTheStatusOnWithoutCountingTwice() {
        ledger.fold(List.of(pod("p1", LATER, 100, 100)), LATER);
        ConnectionUsage writtenByOldLeader = new ConnectionUsage(100, 100, LATER.toString());

        assertThat(bytes(writtenByOldLeader)).containsExactly(100, 100);
        ledger.fold(List.of(pod("p1", LATER, 160, 130)), LATER.plusSeconds(60));
        // the status it reads back is its own write now: the offset stays what it was
        assertThat(bytes(new ConnectionUsage(100, 100, LATER.toString()))).containsExactly(160, 130);
    }

    @Test
    void aRoundWithoutGrowthNamesNoService() {
        ledger.fold(List.of(pod("p1", LATER, 100, 100)), LATER);

        assertThat(ledger.fold(List.of(pod("p1", LATER, 100, 100)), LATER.plusSeconds(60)))
                .isEmpty();
    }

    @Test
    void withoutReadingsTheStatusStaysAsItWas() {
        ConnectionUsage shown = new ConnectionUsage(1, 2, LATER.toString());

        assertThat(ledger.usage("vpce-a", shown)).contains(shown);
        assertThat(ledger.usage("vpce-a", null)).isEmpty();
    }

    @Test
    void anEndpointNoReadingNamesForAnHourIsForgotten() {
        ledger.fold(List.of(pod("p1", LATER, 100, 100)), LATER);
        ledger.fold(List.of(), LATER.plus(UsageLedger.FORGET_AFTER).plus(Duration.ofSeconds(1)));

        assertThat(ledger.usage("vpce-a", null)).isEmpty();
    }

    @Test
    void deltas() {
        assertThat(UsageLedger.delta(null, 50, true)).isEqualTo(50);
        assertThat(UsageLedger.delta(null, 50, false)).isZero();
        assertThat(UsageLedger.delta(40L, 50, false)).isEqualTo(10);
        assertThat(UsageLedger.delta(60L, 50, false)).isEqualTo(50);
    }
}
