package dev.privatelink.operator;

import dev.privatelink.config.OperatorSettings;
import dev.privatelink.usage.UsageCollector;
import dev.privatelink.usage.UsageLedger;
import dev.privatelink.usage.UsageLedger.ServiceKey;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
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

    private final UsageLedger ledger = new UsageLedger(Instant.now());
    private volatile Consumer<Set<ServiceKey>> onGrowth = keys -> {};
    private UsageCollector collector;

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
