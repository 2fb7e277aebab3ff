package dev.privatelink.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.notify.ConnectionNotices.Kind;
import dev.privatelink.notify.ConnectionNotices.Notice;
import dev.privatelink.notify.Outbox.State;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    static EndpointService es(String resourceVersion) {
        EndpointService es = new EndpointService();
        es.setMetadata(new ObjectMetaBuilder()
                .withNamespace("payments")
                .withName("api")
                .withUid("8a1b2c3d-0000-4000-8000-000000000002")
                .withResourceVersion(resourceVersion)
                .build());
        return es;
    }

    static final Notice ACCEPT = new Notice(Kind.ACCEPT, "vpce-a", "shop/api", ConnectionState.Available);

    @Test
    void theSameChangeSeenTwiceOnOneVersionIsOneEvent() {
        State once = State.EMPTY.with(List.of(Outbox.event(es("7"), ACCEPT, NOW)), NOW);
        State twice = once.with(List.of(Outbox.event(es("7"), ACCEPT, NOW.plusSeconds(1))), NOW.plusSeconds(1));

        assertThat(twice.events()).hasSize(1);
        assertThat(Outbox.event(es("8"), ACCEPT, NOW).path("id").asText())
                .isNotEqualTo(once.events().get(0).id());
    }

    @Test
    void failuresBackOffDoublingUpToFiveMinutesAndDeliveryClearsTheError() {
        State state = State.EMPTY.with(List.of(Outbox.event(es("7"), ACCEPT, NOW)), NOW);
        assertThat(state.due(NOW)).isTrue();

        State failed = state.failedFirst("HTTP 503", NOW);
        assertThat(failed.due(NOW)).isFalse();
        assertThat(failed.due(NOW.plusMillis(500))).isTrue();
        assertThat(failed.failedFirst("HTTP 503", NOW).due(NOW.plusMillis(999))).isFalse();
        assertThat(Outbox.backoff(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Outbox.backoff(40)).isEqualTo(Duration.ofMinutes(5));
        assertThat(failed.status().getLastError()).isEqualTo("HTTP 503");
        assertThat(failed.status().getPending()).isEqualTo(1);

        State delivered = failed.deliveredFirst(NOW.plusSeconds(1));
        assertThat(delivered.status().getPending()).isZero();
        assertThat(delivered.status().getDelivered()).isEqualTo(1);
        assertThat(delivered.status().getLastError()).isNull();
    }

    @Test
    void anOutboxSurvivesItsConfigMap() {
        State state = State.EMPTY
                .with(List.of(Outbox.event(es("7"), ACCEPT, NOW)), NOW)
                .failedFirst("x", NOW);

        assertThat(Outbox.read(Outbox.write(null, "kube-privatelink-system", es("7"), state)))
                .isEqualTo(state);
    }

    @Test
    void aFullOutboxDropsItsOldestAndSaysSo() {
        State state = State.EMPTY;
        for (int i = 0; i < Outbox.MAX_EVENTS + 3; i++) {
            state = state.with(List.of(Outbox.event(es(String.valueOf(i)), ACCEPT, NOW)), NOW);
        }

        assertThat(state.events()).hasSize(Outbox.MAX_EVENTS);
        assertThat(state.dropped()).isEqualTo(3);
        assertThat(state.lastError()).contains("dropped");
    }
}
