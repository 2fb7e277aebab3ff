package dev.privatelink.operator;

import dev.privatelink.config.OperatorSettings;
import dev.privatelink.usage.ReadyTime;
import dev.privatelink.usage.UsageCollector;
import dev.privatelink.usage.UsageLedger;
import dev.privatelink.usage.UsageLedger.ServiceKey;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The operator's usage figures: the ledger the reconciles read and the collector that fills it.
 * One per operator process; the collector runs once {@link #start} is called (the operator role
 * only, never the forwarder's).
 */
@ApplicationScoped
public class UsageMetering implements AutoCloseable {

    static final String READY_SECONDS = "privatelink.endpoint.ready";

    private final UsageLedger ledger = new UsageLedger(Instant.now());
    private final ReadyTime<EndpointKey> readyTime = new ReadyTime<>();
    private final MeterRegistry registry;
    private volatile Consumer<Set<ServiceKey>> onGrowth = keys -> {};
    private UsageCollector collector;

    /** What an endpoint's figures are labelled with, as the forwarders label theirs. */
    record EndpointKey(String endpointId, String serviceNamespace, String serviceName, String consumerNamespace) {}

    /** Meters in Micrometer's global registry (the operator tests and the sandbox add theirs to it). */
    public UsageMetering() {
        this(Metrics.globalRegistry);
    }

    /** Meters in {@code own} (a pod's registry, as the sandbox serves it) and in Micrometer's global registry. */
    static UsageMetering alsoIn(MeterRegistry own) {
        CompositeMeterRegistry both = new CompositeMeterRegistry();
        both.add(own);
        both.add(Metrics.globalRegistry);
        return new UsageMetering(both);
    }

    @Inject
    public UsageMetering(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Endpoint-hours per zone: that {@code endpoint} is carried now by a ready forwarder pod in
     * each of {@code zones} (none when it is not Available). Adds to
     * {@code privatelink_endpoint_ready_seconds_total} what its previous observation held.
     */
    void observeReady(EndpointKey endpoint, Set<String> zones, Instant now) {
        readyTime
                .observe(endpoint, zones, now)
                .forEach((zone, time) -> Counter.builder(READY_SECONDS)
                        .baseUnit("seconds")
                        .description(
                                "Time an endpoint was Available with a ready forwarder pod in the zone (endpoint-hours"
                                        + " per zone, in seconds)")
                        .tag("endpoint_id", endpoint.endpointId())
                        .tag("endpoint_service", endpoint.serviceName())
                        .tag("endpoint_service_namespace", endpoint.serviceNamespace())
                        .tag("consumer_namespace", endpoint.consumerNamespace())
                        .tag("zone", zone)
                        .register(registry)
                        .increment(time.toNanos() / 1e9));
    }

    /** Where the operator's meters go. */
    MeterRegistry registry() {
        return registry;
    }

    UsageLedger ledger() {
        return ledger;
    }

    /** Who is told which endpoint services' usage grew (their reconciler). */
    void onGrowth(Consumer<Set<ServiceKey>> listener) {
        this.onGrowth = listener;
    }

    public synchronized void start(KubernetesClient client, OperatorSettings settings) {
        if (collector == null) {
            collector = new UsageCollector(
                            client,
                            settings.namespace(),
                            ledger,
                            Duration.ofSeconds(settings.usageIntervalSeconds()),
                            keys -> onGrowth.accept(keys),
                            Clock.systemUTC())
                    .start();
        }
    }

    @Override
    public synchronized void close() {
        if (collector != null) {
            collector.close();
            collector = null;
        }
    }
}
