package dev.privatelink.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Endpoint-hours per zone from what reconciles observe. */
class ReadyTimeTest {

    static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

    private final ReadyTime<String> time = new ReadyTime<>();

    @Test
    void whatAnObservationHeldIsAddedAtTheNextOneForEachOfItsZones() {
        assertThat(time.observe("vpce-a", Set.of("a", "b"), T0)).isEmpty();

        assertThat(time.observe("vpce-a", Set.of("a"), T0.plusSeconds(300)))
                .isEqualTo(Map.of("a", Duration.ofMinutes(5), "b", Duration.ofMinutes(5)));
        // zone b lost its ready forwarder at the second observation: only a counts on
        assertThat(time.observe("vpce-a", Set.of("a"), T0.plusSeconds(360)))
                .isEqualTo(Map.of("a", Duration.ofMinutes(1)));
    }

    @Test
    void timeWithoutAReadyForwarderCountsNothing() {
        time.observe("vpce-a", Set.of(), T0);

        assertThat(time.observe("vpce-a", Set.of("a"), T0.plusSeconds(300))).isEmpty();
    }

    @Test
    void endpointsAreCountedApart() {
        time.observe("vpce-a", Set.of("a"), T0);
        time.observe("vpce-b", Set.of("a"), T0.plusSeconds(60));

        assertThat(time.observe("vpce-a", Set.of("a"), T0.plusSeconds(120)))
                .isEqualTo(Map.of("a", Duration.ofMinutes(2)));
        assertThat(time.observe("vpce-b", Set.of("a"), T0.plusSeconds(120)))
                .isEqualTo(Map.of("a", Duration.ofMinutes(1)));
    }

    @Test
    void aClockThatGoesBackAddsNothingAndKeepsTheLaterMark() {
        time.observe("vpce-a", Set.of("a"), T0.plusSeconds(60));

        assertThat(time.observe("vpce-a", Set.of("a"), T0)).isEmpty();
        assertThat(time.observe("vpce-a", Set.of("a"), T0.plusSeconds(120)))
                .isEqualTo(Map.of("a", Duration.ofMinutes(1)));
    }

    @Test
    void aForgottenEndpointStartsAfresh() {
        time.observe("vpce-a", Set.of("a"), T0);
        time.forget("vpce-a");

        assertThat(time.observe("vpce-a", Set.of("a"), T0.plusSeconds(60))).isEmpty();
    }
}
