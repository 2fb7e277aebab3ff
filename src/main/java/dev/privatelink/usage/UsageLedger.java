package dev.privatelink.usage;

import dev.privatelink.api.ConnectionUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the forwarders carried per endpoint, as this operator process has read their counters,
 * and how that becomes the usage an EndpointService's status shows.
 *
 * <p>A forwarder's counters are monotonic per process and per pod: the ledger keeps the last
 * value it read from each pod and adds the difference. A value below the last one means the
 * process restarted (its counters began at 0 again), so all of it is new. A pod this process has
 * not read before counts in full if it started after this process did; otherwise what it counted
 * before may be in the status already (an earlier operator read it), so only what it counts from
 * now on is added. Hence usage never counts a byte twice, and undercounts by at most what passed
 * between an operator's last reading and the next one's first (an operator restart, a leader
 * change).
 *
 * <p>Thread-safe: the collector folds readings in while reconciles read totals.
 */
public final class UsageLedger {

    /** An endpoint no reading has named for this long is forgotten (it is gone, or its pods are). */
    static final Duration FORGET_AFTER = Duration.ofHours(1);

    /** One pod's counters for one endpoint: bytes each way. */
    public record Reading(String endpointId, ServiceKey service, long fromConsumer, long toConsumer) {}

    /** The endpoint service an endpoint connects to, as the forwarders' metric labels name it. */
    public record ServiceKey(String namespace, String name) {}

    /** What one pod said, with what tells its counters apart from an earlier process's. */
    public record PodReading(String podUid, Instant podStarted, Iterable<Reading> readings) {}

    private record Counted(long fromConsumer, long toConsumer) {}

    private static final class Total {
        long fromConsumer;
        long toConsumer;
        Instant firstSeen;
        Instant lastSeen;
        ServiceKey service;
    }

    private final Instant started;
    private final Map<String, Map<String, Counted>> lastByPod = new HashMap<>();
    private final Map<String, Total> totals = new HashMap<>();
    /** Per endpoint: what the status showed beyond this ledger's total when this process first wrote it. */
    private final Map<String, Counted> offsets = new HashMap<>();

    /** @param started when this process began reading: pods started later count in full */
    public UsageLedger(Instant started) {
        this.started = started;
    }

    /**
     * Adds a round of readings; pods missing from it are forgotten (a pod that comes back with
     * the same UID is read as new from then on, which only ever undercounts).
     *
     * @return the endpoint services whose usage grew
     */
    public synchronized Set<ServiceKey> fold(Iterable<PodReading> round, Instant now) {
        Set<ServiceKey> grown = new HashSet<>();
        Set<String> seenPods = new HashSet<>();
        for (PodReading pod : round) {
            seenPods.add(pod.podUid());
            Map<String, Counted> last = lastByPod.get(pod.podUid());
            boolean newPod = last == null;
            if (newPod) {
                last = new HashMap<>();
                lastByPod.put(pod.podUid(), last);
            }
            boolean countsInFull = pod.podStarted() != null && !pod.podStarted().isBefore(started);
            for (Reading r : pod.readings()) {
                Counted before = last.get(r.endpointId());
                long from = delta(before == null ? null : before.fromConsumer(), r.fromConsumer(), countsInFull);
                long to = delta(before == null ? null : before.toConsumer(), r.toConsumer(), countsInFull);
                last.put(r.endpointId(), new Counted(r.fromConsumer(), r.toConsumer()));
                Total total = totals.computeIfAbsent(r.endpointId(), id -> new Total());
                if (total.firstSeen == null) {
                    total.firstSeen = now;
                }
                total.lastSeen = now;
                total.service = r.service();
                total.fromConsumer += from;
                total.toConsumer += to;
                if (from > 0 || to > 0) {
                    grown.add(r.service());
                }
            }
        }
        lastByPod.keySet().retainAll(seenPods);
        Instant forgetBefore = now.minus(FORGET_AFTER);
        totals.values().removeIf(t -> t.lastSeen.isBefore(forgetBefore));
        offsets.keySet().retainAll(totals.keySet());
        return grown;
    }

    /**
     * @param previous the pod's last counter value this ledger read, or null for a pod it has not read
     * @param countsInFull whether a pod it has not read counts from 0 (it started after this process)
     */
    static long delta(Long previous, long now, boolean countsInFull) {
        if (previous == null) {
            return countsInFull ? now : 0;
        }
        return now < previous ? now : now - previous;
    }

    /**
     * The usage a connection's status should show: what it showed ({@code shown}, null when
     * nothing yet) carried on by what this ledger counted since, or empty when no forwarder has
     * reported the endpoint and the status showed nothing.
     */
    public synchronized Optional<ConnectionUsage> usage(String endpointId, ConnectionUsage shown) {
        Total total = totals.get(endpointId);
        if (total == null) {
            return Optional.ofNullable(shown);
        }
        Counted offset = offsets.computeIfAbsent(
                endpointId,
                id -> shown == null
                        ? new Counted(0, 0)
                        : new Counted(
                                orZero(shown.getBytesFromConsumer()) - total.fromConsumer,
                                orZero(shown.getBytesToConsumer()) - total.toConsumer));
        String since = shown != null && shown.getSince() != null ? shown.getSince() : total.firstSeen.toString();
        return Optional.of(new ConnectionUsage(
                Math.max(0, offset.fromConsumer() + total.fromConsumer),
                Math.max(0, offset.toConsumer() + total.toConsumer),
                since));
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
