package dev.privatelink.forwarder;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections one forwarder may hold: in all (bounded by its memory) and from any one client
 * address, and how fast one address may open them, so that one noisy or hostile client cannot
 * take every endpoint of the namespace down with it. Shared by the forwarder's listeners (and used
 * by the gateway for its peers' sources); called from any event loop.
 */
public final class ConnectionBudget {
    private final int maxTotal;
    private final int maxPerSource;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perSource = new ConcurrentHashMap<>();
    private final SourceRate rate;

    public ConnectionBudget(int maxTotal, int maxPerSource, SourceRate rate) {
        this.maxTotal = maxTotal;
        this.maxPerSource = maxPerSource;
        this.rate = rate;
    }

    /** Takes a place for a connection from {@code source}, or says why there is none. */
    public Optional<RefusalReason> tryAcquire(InetAddress source) {
        if (!rate.tryAcquire(source)) {
            return Optional.of(RefusalReason.SOURCE_RATE);
        }
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Optional.of(RefusalReason.FORWARDER_LIMIT);
        }
        AtomicInteger fromSource = perSource.computeIfAbsent(source, s -> new AtomicInteger());
        if (fromSource.incrementAndGet() > maxPerSource) {
            release(source);
            return Optional.of(RefusalReason.SOURCE_LIMIT);
        }
        return Optional.empty();
    }

    /** Gives back the place of a connection from {@code source} that ended. */
    public void release(InetAddress source) {
        total.decrementAndGet();
        // Drop an address's counter once it reaches zero, so that many clients leave nothing behind.
        perSource.computeIfPresent(source, (s, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
}
