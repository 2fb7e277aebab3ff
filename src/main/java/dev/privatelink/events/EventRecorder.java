package dev.privatelink.events;

import dev.privatelink.desired.EventNote;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Records Kubernetes Events on the objects a person looks at with kubectl describe, the way
 * client-go's recorder does (SEC-19): an Event that repeats one already recorded on the same
 * object (same type, reason and message) within {@link #AGGREGATION_WINDOW} raises that Event's
 * count and last timestamp instead of adding an object, and each object gets at most
 * {@link #BURST} writes at once and one more every {@link #REFILL} after that, so a consumer
 * that churns endpoints cannot flood an owner's namespace with Events.
 */
public final class EventRecorder {
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    static final String COMPONENT = "kube-privatelink";
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    /** How long a recorded Event takes repeats (the API server keeps Events for an hour). */
    static final Duration AGGREGATION_WINDOW = Duration.ofMinutes(10);
    /** Event writes (creates or count updates) one object may have at once. */
    static final int BURST = 10;
    /** After the burst, one more write per object this often. */
    static final Duration REFILL = Duration.ofSeconds(30);
    /** Objects and events remembered; the least recently used are forgotten first. */
    static final int REMEMBERED = 10_000;

    private final KubernetesClient client;
    private final Clock clock;
    private final Map<Key, Recorded> recorded = lru();
    private final Map<String, Budget> budgets = lru();

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void record(EventNote note) {
        record(note.regarding(), note.type().name(), note.reason(), note.message());
    }

    public void record(HasMetadata about, String type, String reason, String message) {
        Instant now = Instant.now(clock);
        Key key = new Key(object(about), type, reason, message);
        Recorded repeat;
        synchronized (this) {
            if (!budgets.computeIfAbsent(key.object(), o -> new Budget(now)).take(now)) {
                LOG.debugf("event %s on %s dropped: too many events on that object", reason, key.object());
                return;
            }
            repeat = recorded.get(key);
            if (repeat != null && repeat.last().plus(AGGREGATION_WINDOW).isBefore(now)) {
                repeat = null;
            }
            if (repeat != null) {
                recorded.put(key, repeat = repeat.again(now));
            }
        }
        try {
            if (repeat != null && raiseCount(about, repeat, now)) {
                return;
            }
            String name = create(about, type, reason, message, now);
            synchronized (this) {
                recorded.put(key, new Recorded(name, 1, now));
            }
        } catch (KubernetesClientException e) {
            // An event is a courtesy; failing to record one must not fail the reconcile.
            LOG.warnf(
                    "could not record event %s on %s/%s: %s",
                    reason,
                    about.getMetadata().getNamespace(),
                    about.getMetadata().getName(),
                    e.getMessage());
        }
    }

    /** Counts a repeat on the Event already recorded; false when that Event is gone. */
    private boolean raiseCount(HasMetadata about, Recorded repeat, Instant now) {
        try {
            client.v1()
                    .events()
                    .inNamespace(about.getMetadata().getNamespace())
                    .withName(repeat.name())
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"count\":" + repeat.count() + ",\"lastTimestamp\":\"" + now + "\"}");
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private String create(HasMetadata about, String type, String reason, String message, Instant now) {
        String timestamp = now.toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(about.getMetadata().getName() + "."
                        + Long.toHexString(ThreadLocalRandom.current().nextLong())
                                .toLowerCase(Locale.ROOT))
                .withNamespace(about.getMetadata().getNamespace())
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(about.getApiVersion())
                        .withKind(about.getKind())
                        .withNamespace(about.getMetadata().getNamespace())
                        .withName(about.getMetadata().getName())
                        .withUid(about.getMetadata().getUid())
                        .build())
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .withReportingComponent(COMPONENT)
                .withFirstTimestamp(timestamp)
                .withLastTimestamp(timestamp)
                .withCount(1)
                .build();
        client.v1().events().resource(event).create();
        return event.getMetadata().getName();
    }

    private static String object(HasMetadata about) {
        return about.getKind() + " " + about.getMetadata().getNamespace() + "/"
                + about.getMetadata().getName() + " " + about.getMetadata().getUid();
    }

    private record Key(String object, String type, String reason, String message) {}

    /** An Event this recorder wrote: its name, its count and when it last happened. */
    private record Recorded(String name, int count, Instant last) {
        Recorded again(Instant now) {
            return new Recorded(name, count + 1, now);
        }
    }

    /** A token bucket: {@link #BURST} tokens, one back every {@link #REFILL}. */
    private static final class Budget {
        private double tokens = BURST;
        private Instant updated;

        Budget(Instant now) {
            updated = now;
        }

        boolean take(Instant now) {
            if (now.isAfter(updated)) {
                tokens = Math.min(
                        BURST, tokens + (double) Duration.between(updated, now).toMillis() / REFILL.toMillis());
                updated = now;
            }
            if (tokens < 1) {
                return false;
            }
            tokens--;
            return true;
        }
    }

    private static <K, V> Map<K, V> lru() {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > REMEMBERED;
            }
        };
    }
}
