package dev.privatelink.forwarder;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How fast one client address may open connections: a token bucket per address, refilled at
 * {@code perSecond} and holding at most as many tokens (one second's worth of burst). Each
 * connection the forwarder accepts costs it an upstream dial, so a client that opens and closes
 * connections in a loop would otherwise pass its flood on to the owner's load balancer and take
 * the forwarder's CPU from every other client (SEC-08). Called from any event loop.
 */
public final class SourceRate {

    /** Buckets beyond this many are swept of the full ones (a full bucket is the same as none). */
    private static final int SWEEP_ABOVE = 4096;

    private final double perSecond;
    private final LongSupplier nanoClock;
    private final Map<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    /** {@code perSecond} 0 or less: no limit. */
    public SourceRate(int perSecond, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
    }

    static SourceRate unlimited() {
        return new SourceRate(0, System::nanoTime);
    }

    /** Takes a token for a new connection from {@code source}; false when it has none left. */
    boolean tryAcquire(InetAddress source) {
        if (perSecond <= 0) {
            return true;
        }
        long now = nanoClock.getAsLong();
        if (buckets.size() > SWEEP_ABOVE) {
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
        return buckets.computeIfAbsent(source, s -> new Bucket(now)).take(now);
    }

    private final class Bucket {
        private double tokens = perSecond;
        private long updatedNanos;

        Bucket(long now) {
            updatedNanos = now;
        }

        synchronized boolean take(long now) {
            refill(now);
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= perSecond;
        }

        private void refill(long now) {
            long elapsed = Math.max(0, now - updatedNanos);
            tokens = Math.min(perSecond, tokens + elapsed * perSecond / 1e9);
            updatedNanos = now;
        }
    }
}
