package dev.privatelink.desired;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Listener ports a forwarder stopped using, each in quarantine until a time (SEC-14): clients
 * holding a stale address of a removed endpoint (kube-proxy lag, DNS, mesh or EDS caches, clients
 * that dial pod IPs) must not reach another endpoint's service through its old port.
 *
 * <p>Kept in the forwarder's ConfigMap as an annotation ({@link Labels#FREED_LISTEN_PORTS}), so
 * that an operator restart, or another replica taking the lead, keeps the quarantine. Release times
 * are whole minutes (rounded up), so the annotation holds a few groups of ports, not a timestamp
 * per port: {@code "1764511260:10001,10002 1764511320:10005"} (epoch seconds, then ports). It is
 * bounded: past {@link #MAX_PORTS} the ports released soonest are released early. A forwarder whose
 * ConfigMap is deleted (its namespace has no routable endpoint left) loses its quarantine with its
 * pods, whose addresses then serve nothing.
 */
public record FreedPorts(Map<Integer, Instant> until) {

    /** How long a freed listener port is not given to another endpoint. */
    public static final Duration QUARANTINE = Duration.ofMinutes(10);

    /** The most ports kept in quarantine: some 30 KB of annotation. */
    static final int MAX_PORTS = 4096;

    public static final FreedPorts NONE = new FreedPorts(Map.of());

    public FreedPorts {
        until = Map.copyOf(until);
    }

    /** Whether {@code port} may not be given to a route at {@code now}. */
    public boolean quarantined(int port, Instant now) {
        Instant release = until.get(port);
        return release != null && release.isAfter(now);
    }

    /** When the first port still in quarantine at {@code now} is released, if any is. */
    public Optional<Instant> nextRelease(Instant now) {
        return until.values().stream().filter(t -> t.isAfter(now)).min(Comparator.naturalOrder());
    }

    /**
     * The quarantine after a new configuration: {@code freedNow} enter it (until {@link #QUARANTINE}
     * from {@code now}, rounded up to a minute), released ports and ports in use again leave it.
     */
    public FreedPorts next(Collection<Integer> freedNow, Collection<Integer> inUse, Instant now) {
        Map<Integer, Instant> next = new TreeMap<>();
        until.forEach((port, release) -> {
            if (release.isAfter(now)) {
                next.put(port, release);
            }
        });
        Instant release = roundUpToMinute(now.plus(QUARANTINE));
        freedNow.forEach(port -> next.put(port, release));
        inUse.forEach(next::remove);
        if (next.size() > MAX_PORTS) {
            List<Map.Entry<Integer, Instant>> soonest = new ArrayList<>(next.entrySet());
            soonest.sort(Map.Entry.<Integer, Instant>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
            soonest.subList(0, next.size() - MAX_PORTS).forEach(e -> next.remove(e.getKey()));
        }
        return new FreedPorts(next);
    }

    private static Instant roundUpToMinute(Instant t) {
        Instant down = t.truncatedTo(ChronoUnit.MINUTES);
        return down.equals(t) ? t : down.plus(Duration.ofMinutes(1));
    }

    /** The annotation's value; empty when no port is in quarantine. */
    public String render() {
        Map<Instant, TreeSet<Integer>> byRelease = new TreeMap<>();
        until.forEach((port, release) ->
                byRelease.computeIfAbsent(release, r -> new TreeSet<>()).add(port));
        return byRelease.entrySet().stream()
                .map(e -> e.getKey().getEpochSecond() + ":"
                        + e.getValue().stream().map(String::valueOf).collect(Collectors.joining(",")))
                .collect(Collectors.joining(" "));
    }

    /** Reads {@link #render()}'s form; what does not parse is skipped (the annotation is only a guard). */
    public static FreedPorts parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        Map<Integer, Instant> until = new TreeMap<>();
        for (String group : value.trim().split("\\s+")) {
            String[] parts = group.split(":", 2);
            if (parts.length != 2) {
                continue;
            }
            try {
                Instant release = Instant.ofEpochSecond(Long.parseLong(parts[0]));
                for (String port : parts[1].split(",")) {
                    until.put(Integer.parseInt(port), release);
                }
            } catch (NumberFormatException | DateTimeException e) {
                // a group edited by hand: its ports are simply not in quarantine
            }
        }
        return new FreedPorts(until);
    }
}
