package dev.privatelink.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SEC-19: repeated Events are counted on one object, and each object's Events are rate-limited. */
@EnableKubernetesMockClient(crud = true)
class EventRecorderTest {

    static final String NAMESPACE = "payments";
    static final Instant START = Instant.parse("2026-11-30T12:00:00Z");

    KubernetesClient client;
    Instant now = START;
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void aRepeatedEventRaisesTheCountOfTheOneAlreadyRecorded() {
        EventRecorder events = new EventRecorder(client, clock);
        ConfigMap about = object("api");

        for (int i = 0; i < 5; i++) {
            events.record(about, EventRecorder.NORMAL, "ConnectionRequested", "shop/api asks to connect");
            now = now.plusSeconds(1);
        }

        assertThat(events()).singleElement().satisfies(event -> {
            assertThat(event.getCount()).isEqualTo(5);
            assertThat(event.getFirstTimestamp()).isEqualTo(START.toString());
            assertThat(event.getLastTimestamp()).isEqualTo(START.plusSeconds(4).toString());
        });
    }

    @Test
    void anotherMessageOrAnotherObjectIsAnotherEvent() {
        EventRecorder events = new EventRecorder(client, clock);

        events.record(object("api"), EventRecorder.NORMAL, "ConnectionRequested", "shop/api asks to connect");
        events.record(object("api"), EventRecorder.NORMAL, "ConnectionRequested", "cart/api asks to connect");
        events.record(object("db"), EventRecorder.NORMAL, "ConnectionRequested", "shop/api asks to connect");

        assertThat(events())
                .hasSize(3)
                .allSatisfy(event -> assertThat(event.getCount()).isEqualTo(1));
    }

    @Test
    void aRepeatAfterTheWindowOrOfAnEventThatIsGoneStartsAnewEvent() {
        EventRecorder events = new EventRecorder(client, clock);
        ConfigMap about = object("api");

        events.record(about, EventRecorder.WARNING, "ObjectConflict", "Service shop/api exists");
        now = now.plus(EventRecorder.AGGREGATION_WINDOW).plusSeconds(1);
        events.record(about, EventRecorder.WARNING, "ObjectConflict", "Service shop/api exists");
        assertThat(events()).hasSize(2);

        client.v1().events().inNamespace(NAMESPACE).delete();
        now = now.plusSeconds(1);
        events.record(about, EventRecorder.WARNING, "ObjectConflict", "Service shop/api exists");
        assertThat(events())
                .singleElement()
                .satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
    }

    @Test
    void oneObjectGetsABurstOfEventsAndThenOneEveryRefill() {
        EventRecorder events = new EventRecorder(client, clock);
        ConfigMap churned = object("api");

        for (int i = 0; i < 100; i++) {
            events.record(churned, EventRecorder.NORMAL, "ConnectionRequested", "shop/e" + i + " asks to connect");
        }
        assertThat(events()).hasSize(EventRecorder.BURST);

        now = now.plus(EventRecorder.REFILL);
        events.record(churned, EventRecorder.NORMAL, "ConnectionRequested", "shop/late asks to connect");
        events.record(churned, EventRecorder.NORMAL, "ConnectionRequested", "shop/later asks to connect");
        assertThat(events()).hasSize(EventRecorder.BURST + 1);

        events.record(object("db"), EventRecorder.NORMAL, "ConnectionRequested", "shop/e0 asks to connect");
        assertThat(events()).as("other objects keep their own budget").hasSize(EventRecorder.BURST + 2);
    }

    static ConfigMap object(String name) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace(NAMESPACE)
                .withName(name)
                .withUid("uid-" + name)
                .endMetadata()
                .build();
    }

    List<Event> events() {
        return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .sorted(Comparator.comparing(Event::getFirstTimestamp))
                .toList();
    }
}
