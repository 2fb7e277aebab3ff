package dev.privatelink.usage;

import dev.privatelink.desired.Labels;
import dev.privatelink.usage.UsageLedger.PodReading;
import dev.privatelink.usage.UsageLedger.ServiceKey;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Reads every forwarder pod's byte counters now and then, off any reconcile's path, and folds
 * them into a {@link UsageLedger}; the endpoint services whose usage grew get a reconcile, which
 * writes it into their status.
 *
 * <p>Why the operator reads the forwarders, and not the forwarders write their totals: a
 * forwarder needs no write permission at all this way (one that could write a Lease or an
 * annotation in the operator's namespace could write the operator's own Lease, and forwarders
 * carry tenants' traffic); the operator needs none it lacks (it lists pods in its namespace
 * already), only its metrics port open to the operator's pods. The cost is bounded: one pod
 * list and one GET per forwarder pod per interval, {@link #PARALLEL} at a time, each with a
 * timeout, so a hung pod delays nothing but its own reading.
 */
public final class UsageCollector implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(UsageCollector.class);

    static final int PARALLEL = 4;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    /** The forwarder container's HTTP port when its pod does not name one {@code http}. */
    static final int DEFAULT_PORT = 8080;

    private final KubernetesClient client;
    private final String namespace;
    private final UsageLedger ledger;
    private final Duration interval;
    private final Consumer<Set<ServiceKey>> onGrowth;
    private final Clock clock;
    private final HttpClient http;
    private final ExecutorService readers;
    private final ScheduledExecutorService schedule;

    /**
     * @param namespace where the forwarder pods run (the operator's)
     * @param onGrowth  told the endpoint services whose usage grew in a round
     */
    public UsageCollector(
            KubernetesClient client,
            String namespace,
            UsageLedger ledger,
            Duration interval,
            Consumer<Set<ServiceKey>> onGrowth,
            Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.ledger = ledger;
        this.interval = interval;
        this.onGrowth = onGrowth;
        this.clock = clock;
        this.readers = Executors.newFixedThreadPool(PARALLEL, daemon("usage-reader"));
        this.schedule = Executors.newSingleThreadScheduledExecutor(daemon("usage-collector"));
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .executor(readers)
                .build();
    }

    public UsageCollector start() {
        schedule.scheduleWithFixedDelay(
                this::collectQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void collectQuietly() {
        try {
            collect();
        } catch (RuntimeException e) {
            LOG.warnf("reading the forwarders' usage: %s", e.toString());
        }
    }

    /** One round: every running forwarder pod read (or given up on), the ledger updated. */
    void collect() {
        List<Pod> pods = client.pods()
                .inNamespace(namespace)
                .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                .withLabel(Labels.COMPONENT, Labels.COMPONENT_FORWARDER)
                .list()
                .getItems();
        List<CompletableFuture<Optional<PodReading>>> readings = new ArrayList<>();
        for (Pod pod : pods) {
            metricsUri(pod).ifPresent(uri -> readings.add(read(pod, uri)));
        }
        List<PodReading> round = new ArrayList<>();
        for (CompletableFuture<Optional<PodReading>> reading : readings) {
            reading.join().ifPresent(round::add);
        }
        Set<ServiceKey> grown = ledger.fold(round, Instant.now(clock));
        if (!grown.isEmpty()) {
            onGrowth.accept(grown);
        }
    }

    private CompletableFuture<Optional<PodReading>> read(Pod pod, URI uri) {
        HttpRequest request =
                HttpRequest.newBuilder(uri).timeout(READ_TIMEOUT).GET().build();
        Instant started = pod.getStatus().getStartTime() == null
                ? null
                : Instant.parse(pod.getStatus().getStartTime());
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        LOG.debugf("forwarder pod %s: HTTP %d from %s", name(pod), response.statusCode(), uri);
                        return Optional.<PodReading>empty();
                    }
                    return Optional.of(new PodReading(
                            pod.getMetadata().getUid(), started, ForwarderMetricsText.readings(response.body())));
                })
                .exceptionally(e -> {
                    LOG.debugf("forwarder pod %s: no reading from %s: %s", name(pod), uri, e.toString());
                    return Optional.empty();
                });
    }

    /** Where a running pod serves its metrics; none for one without an address or being deleted. */
    static Optional<URI> metricsUri(Pod pod) {
        var status = pod.getStatus();
        if (status == null || status.getPodIP() == null || status.getPodIP().isEmpty()) {
            return Optional.empty();
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return Optional.empty();
        }
        int port = pod.getSpec() == null
                ? DEFAULT_PORT
                : pod.getSpec().getContainers().stream()
                        .flatMap(c -> c.getPorts() == null ? Stream.<ContainerPort>empty() : c.getPorts().stream())
                        .filter(p -> "http".equals(p.getName()) && p.getContainerPort() != null)
                        .map(ContainerPort::getContainerPort)
                        .findFirst()
                        .orElse(DEFAULT_PORT);
        String ip = status.getPodIP();
        String host = ip.contains(":") ? "[" + ip + "]" : ip;
        return Optional.of(URI.create("http://" + host + ":" + port + "/q/metrics"));
    }

    private static String name(Pod pod) {
        return pod.getMetadata().getName();
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        schedule.shutdownNow();
        readers.shutdownNow();
    }
}
