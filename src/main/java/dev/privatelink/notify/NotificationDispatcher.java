package dev.privatelink.notify;

import dev.privatelink.api.EndpointService;
import dev.privatelink.api.NotificationTarget;
import dev.privatelink.api.SecretHeader;
import dev.privatelink.desired.Labels;
import dev.privatelink.notify.Outbox.State;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * Delivers what the outboxes hold, oldest first per EndpointService: POSTs each event to the
 * service's notification URL, removes it once acknowledged (2xx), otherwise retries it after a
 * backoff (see {@link Outbox}). On start it looks at every outbox, so what an earlier operator
 * left undelivered goes out. Each change of an outbox is reported, so that the service's status
 * shows it.
 */
public final class NotificationDispatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NotificationDispatcher.class);

    static final Duration TICK = Duration.ofMillis(250);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Events delivered to one target in one go before the next outbox's turn. */
    static final int BATCH = 20;

    private final KubernetesClient client;
    private final String namespace;
    private final BiConsumer<String, String> changed;
    private final Clock clock;
    private final SecretHeaders secretHeaders;
    private final Set<String> active = ConcurrentHashMap.newKeySet();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "notifications");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param namespace where the outboxes are (the operator's)
     * @param changed   told the namespace and name of each EndpointService whose outbox changed
     */
    public NotificationDispatcher(
            KubernetesClient client, String namespace, BiConsumer<String, String> changed, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.changed = changed;
        this.clock = clock;
        this.secretHeaders = new SecretHeaders(client, namespace, clock);
    }

    public NotificationDispatcher start() {
        schedule.execute(() -> {
            try {
                client.configMaps()
                        .inNamespace(namespace)
                        .withLabel(Labels.COMPONENT, Outbox.COMPONENT)
                        .list()
                        .getItems()
                        .forEach(cm -> active.add(cm.getMetadata().getName()));
            } catch (KubernetesClientException e) {
                LOG.warnf("listing the notification outboxes: %s", e.getMessage());
            }
        });
        schedule.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** An outbox that has events now. */
    public void wake(String outbox) {
        active.add(outbox);
    }

    private void tick() {
        for (String name : Set.copyOf(active)) {
            try {
                deliver(name);
            } catch (RuntimeException e) {
                LOG.warnf("notification outbox %s: %s", name, e.toString());
            }
        }
    }

    private void deliver(String name) {
        for (int i = 0; i < BATCH; i++) {
            ConfigMap cm =
                    client.configMaps().inNamespace(namespace).withName(name).get();
            State state = Outbox.read(cm);
            if (cm == null || state.events().isEmpty()) {
                active.remove(name);
                return;
            }
            if (!state.due(clock.instant())) {
                return;
            }
            String esNamespace = cm.getMetadata().getAnnotations().get(Outbox.SERVICE_NAMESPACE);
            String esName = cm.getMetadata().getAnnotations().get(Outbox.SERVICE_NAME);
            EndpointService es = client.resources(EndpointService.class)
                    .inNamespace(esNamespace)
                    .withName(esName)
                    .get();
            if (es == null || es.getSpec() == null || es.getSpec().getNotification() == null) {
                // nobody to tell any more
                client.configMaps().inNamespace(namespace).withName(name).delete();
                active.remove(name);
                return;
            }
            String error = post(
                    es.getSpec().getNotification(), esNamespace, state.events().get(0));
            State next =
                    error == null ? state.deliveredFirst(clock.instant()) : state.failedFirst(error, clock.instant());
            try {
                client.configMaps()
                        .resource(Outbox.write(cm, namespace, es, next))
                        .update();
            } catch (KubernetesClientException e) {
                // another writer (a reconcile appending) was first: read again next tick; the
                // event goes again if it was delivered (at least once)
                return;
            } finally {
                changed.accept(esNamespace, esName);
            }
            if (error != null) {
                return;
            }
        }
    }

    /**
     * Null when acknowledged, otherwise why not. The secret header's value is read first; when it
     * cannot be, nothing is sent and the event waits in the outbox.
     */
    private String post(NotificationTarget target, String esNamespace, Outbox.Entry entry) {
        String url = target.getUrl();
        SecretHeader secretHeader = target.getSecretHeader();
        SecretHeaders.Value secret = null;
        if (secretHeader != null) {
            secret = secretHeaders.resolve(esNamespace, secretHeader);
            if (secret.problem() != null) {
                return secret.problem();
            }
        }
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(TIMEOUT)
                    .header("Content-Type", "application/cloudevents+json; charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString(Outbox.JSON.writeValueAsString(entry.event())));
            if (secret != null) {
                try {
                    request.header(secretHeader.getHeader(), secret.value());
                } catch (IllegalArgumentException e) { // its message may show the value: not passed on
                    return "the notification header " + secretHeader.getHeader() + " is not allowed here";
                }
            }
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            int code = response.statusCode();
            return code >= 200 && code < 300 ? null : "HTTP " + code + " from " + url;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) { // IOException, a malformed URL, a JSON failure: all mean retry later
            return e.getClass().getSimpleName() + " posting to " + url + ": " + e.getMessage();
        }
    }

    @Override
    public void close() {
        schedule.shutdownNow();
    }
}
