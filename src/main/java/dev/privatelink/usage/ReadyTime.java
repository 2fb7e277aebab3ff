package dev.privatelink.usage;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Endpoint-hours per zone: for how long each endpoint had at least one ready forwarder pod in a
 * zone while it was Available, integrated from what each reconcile of the endpoint observes.
 *
 * <p>What was observed at one reconcile holds until the next one of the same endpoint; time is
 * added only then, up to that observation. So an endpoint that goes (no further reconcile) adds
 * nothing after its last observation: the figures undercount at most the time between an
 * endpoint's last two reconciles (each live endpoint is reconciled at least every few minutes),
 * and never count time after it went. Thread-safe.
 *
 * @param <K> what names an endpoint (its ID and the labels it is reported with)
 */
public final class ReadyTime<K> {

    private record Observed(Set<String> zones, Instant at) {}

    private final Map<K, Observed> last = new HashMap<>();

    /**
     * Records that {@code endpoint} is carried in {@code zones} now.
     *
     * @return the time to add per zone: what the previous observation of the endpoint held
     *         until now
     */
    public synchronized Map<String, Duration> observe(K endpoint, Set<String> zones, Instant now) {
        Observed before = last.put(endpoint, new Observed(Set.copyOf(zones), now));
        if (before == null || !now.isAfter(before.at())) {
            if (before != null && now.isBefore(before.at())) {
                // a clock that went back: keep the later mark, add nothing
                last.put(endpoint, before);
            }
            return Map.of();
        }
        Duration elapsed = Duration.between(before.at(), now);
        Map<String, Duration> added = new HashMap<>();
        before.zones().forEach(zone -> added.put(zone, elapsed));
        return added;
    }

    /** Forgets an endpoint that is gone; its time up to its last observation is counted already. */
    public synchronized void forget(K endpoint) {
        last.remove(endpoint);
    }
}
