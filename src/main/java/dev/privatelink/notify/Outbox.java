package dev.privatelink.notify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.NotificationStatus;
import dev.privatelink.desired.Labels;
import dev.privatelink.notify.ConnectionNotices.Notice;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events an endpoint service's owner has yet to receive, kept in a ConfigMap of the
 * operator's namespace (one per EndpointService, {@code plnotify-<uid>}), so that none is lost
 * when the operator restarts: an event is in the outbox before the status that reflects its
 * change is written, and leaves it only once the target acknowledged it (at least once).
 *
 * <p>Why a ConfigMap of the operator's: the operator may already write ConfigMaps there and
 * nowhere else needs a new permission; the owner's EndpointService stays the owner's (no
 * annotations a GitOps tool would fight over), and tenants cannot read or forge the outbox.
 */
public final class Outbox {
    private Outbox() {}

    public static final String COMPONENT = "notification-outbox";
    static final String DATA_KEY = "outbox.json";
    public static final String SERVICE_NAMESPACE = "privatelink.dev/endpoint-service-namespace";
    public static final String SERVICE_NAME = "privatelink.dev/endpoint-service-name";
    /** The most events an outbox keeps; beyond, the oldest undelivered go (and lastError says so). */
    static final int MAX_EVENTS = 200;

    static final Duration FIRST_RETRY = Duration.ofMillis(500);
    static final Duration MAX_RETRY = Duration.ofMinutes(5);

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /** One event waiting, with its delivery attempts so far and when the next may be made. */
    public record Entry(ObjectNode event, int attempts, String nextAttempt) {
        String id() {
            return event.path("id").asText();
        }
    }

    /** What an outbox holds. */
    public record State(List<Entry> events, long delivered, String lastDeliveredTime, String lastError, long dropped) {
        public static final State EMPTY = new State(List.of(), 0, null, null, 0);

        public State {
            events = events == null ? List.of() : List.copyOf(events);
        }

        /** With {@code added} appended, skipping any whose ID is already waiting (a reconcile retried). */
        public State with(List<ObjectNode> added, Instant now) {
            List<Entry> all = new ArrayList<>(events);
            for (ObjectNode event : added) {
                String id = event.path("id").asText();
                if (all.stream().noneMatch(e -> e.id().equals(id))) {
                    all.add(new Entry(event, 0, now.toString()));
                }
            }
            long lost = Math.max(0, all.size() - MAX_EVENTS);
            List<Entry> kept = all.subList((int) lost, all.size());
            return new State(
                    kept,
                    delivered,
                    lastDeliveredTime,
                    lost > 0 ? lost + " undelivered events dropped: the outbox holds " + MAX_EVENTS : lastError,
                    dropped + lost);
        }

        /** The first event acknowledged. */
        public State deliveredFirst(Instant now) {
            return new State(events.subList(1, events.size()), delivered + 1, now.toString(), null, dropped);
        }

        /** The first event refused or unanswered: retried after a backoff that doubles, up to 5 minutes. */
        public State failedFirst(String error, Instant now) {
            Entry first = events.get(0);
            int attempts = first.attempts() + 1;
            List<Entry> rest = new ArrayList<>(events);
            rest.set(
                    0,
                    new Entry(
                            first.event(), attempts, now.plus(backoff(attempts)).toString()));
            return new State(rest, delivered, lastDeliveredTime, error, dropped);
        }

        /** Whether the first event may be attempted at {@code now}. */
        public boolean due(Instant now) {
            return !events.isEmpty()
                    && !Instant.parse(events.get(0).nextAttempt()).isAfter(now);
        }

        public NotificationStatus status() {
            NotificationStatus status = new NotificationStatus();
            status.setDelivered(delivered);
            status.setPending(events.size());
            status.setLastDeliveredTime(lastDeliveredTime);
            status.setLastError(lastError);
            return status;
        }
    }

    static Duration backoff(int attempts) {
        long millis = FIRST_RETRY.toMillis() << Math.min(attempts - 1, 20);
        return millis >= MAX_RETRY.toMillis() ? MAX_RETRY : Duration.ofMillis(millis);
    }

    public static String name(EndpointService es) {
        return "plnotify-" + es.getMetadata().getUid();
    }

    public static State read(ConfigMap configMap) {
        if (configMap == null
                || configMap.getData() == null
                || configMap.getData().get(DATA_KEY) == null) {
            return State.EMPTY;
        }
        try {
            return JSON.readValue(configMap.getData().get(DATA_KEY), State.class);
        } catch (JsonProcessingException e) {
            // not ours to guess at: start over rather than stop notifying
            return State.EMPTY;
        }
    }

    /** The outbox's ConfigMap, keeping {@code existing}'s metadata (resourceVersion) for an update. */
    public static ConfigMap write(ConfigMap existing, String namespace, EndpointService es, State state) {
        String data;
        try {
            data = JSON.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an outbox always serializes", e);
        }
        Map<String, String> labels = new LinkedHashMap<>(Labels.managed(COMPONENT));
        ConfigMapBuilder builder = existing == null
                ? new ConfigMapBuilder()
                        .withNewMetadata()
                        .withNamespace(namespace)
                        .withName(name(es))
                        .withLabels(labels)
                        .withAnnotations(Map.of(
                                SERVICE_NAMESPACE, es.getMetadata().getNamespace(),
                                SERVICE_NAME, es.getMetadata().getName()))
                        .endMetadata()
                : new ConfigMapBuilder(existing);
        return builder.withData(Map.of(DATA_KEY, data)).build();
    }

    /**
     * The CloudEvent (structured mode, JSON) for one notice. Its ID is derived from what the
     * change was and the EndpointService version it was seen on, so that a reconcile retried on
     * that version yields the same ID, and a receiver can drop what it already has.
     */
    public static ObjectNode event(EndpointService es, Notice notice, Instant now) {
        String source =
                "/apis/privatelink.dev/v1alpha1/namespaces/" + es.getMetadata().getNamespace() + "/endpointservices/"
                        + es.getMetadata().getName();
        ObjectNode event = JSON.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", id(es, notice));
        event.put("source", source);
        event.put("type", notice.kind().type());
        event.put("subject", notice.endpointId());
        event.put("time", now.toString());
        event.put("datacontenttype", "application/json");
        ObjectNode data = event.putObject("data");
        data.put("endpointId", notice.endpointId());
        data.put("consumer", notice.consumer());
        if (notice.state() != null) {
            data.put("state", notice.state().name());
        }
        data.put(
                "endpointService",
                es.getMetadata().getNamespace() + "/" + es.getMetadata().getName());
        if (es.getStatus() != null && es.getStatus().getServiceName() != null) {
            data.put("serviceName", es.getStatus().getServiceName());
        }
        return event;
    }

    static String id(EndpointService es, Notice notice) {
        String key = es.getMetadata().getUid() + "/" + es.getMetadata().getResourceVersion() + "/" + notice.endpointId()
                + "/" + notice.kind();
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
