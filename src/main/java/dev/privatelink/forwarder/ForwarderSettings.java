package dev.privatelink.forwarder;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * How a {@link Forwarder} serves its routes, apart from the routes themselves.
 *
 * @param bindAddress             the address every listener binds to
 * @param connectTimeout          how long one connection attempt to one upstream may take
 * @param idleTimeout             a connection with no bytes either way for this long is closed
 * @param maxConnectionsPerRoute  connections of one route beyond this are refused (reset)
 * @param maxConnections          connections of the whole forwarder beyond this are refused: the bound
 *                                that keeps its memory within the pod's limit
 * @param maxConnectionsPerSource connections from one client address beyond this are refused, so
 *                                that one client cannot use up the forwarder for every other
 * @param maxNewConnectionsPerSourcePerSecond new connections one client address may open per
 *                                second (a bucket of as many, refilled at that rate); 0: no limit
 * @param writeBufferLowMark      bytes queued towards one side below which reading the other resumes
 * @param writeBufferHighMark     bytes queued towards one side above which reading the other pauses
 * @param upstreamGuard           the addresses never dialled, whatever the routes say
 * @param refuseClientProxyHeaders whether a client whose first bytes are a PROXY protocol header
 *                                (v1 or v2) is reset, so that no client forges the header the
 *                                owner trusts (SEC-11)
 * @param dialFromClientAddress   whether the upstream connection is made from the client's own
 *                                address, as kube-proxy keeps the source: the sandbox's kube-proxy
 *                                stand-in only, where every address is local
 */
public record ForwarderSettings(
        String bindAddress,
        Duration connectTimeout,
        Duration idleTimeout,
        int maxConnectionsPerRoute,
        int maxConnections,
        int maxConnectionsPerSource,
        int maxNewConnectionsPerSourcePerSecond,
        int writeBufferLowMark,
        int writeBufferHighMark,
        UpstreamGuard upstreamGuard,
        boolean refuseClientProxyHeaders,
        boolean dialFromClientAddress) {

    /** PrivateLink's idle timeout for TCP. */
    public static final Duration PRIVATELINK_IDLE_TIMEOUT = Duration.ofSeconds(350);

    /**
     * What the forwarder pod's memory is sized for (forwarder-jvm.options, the default memory
     * limit; AsDeployedTest): ~2.8 KiB of heap and ~8 KiB of kernel sockets per idle proxied
     * connection (BENCHMARKS.md, "Memory as deployed").
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 20_000;

    public static final int DEFAULT_MAX_CONNECTIONS_PER_SOURCE = 2_000;

    /**
     * Well above what one client pod opens to one namespace's endpoints in normal use (a
     * connection per request at 1,000 requests a second), well below what the forwarder accepts
     * (BENCHMARKS.md: about 7,000 a second per core).
     */
    public static final int DEFAULT_MAX_NEW_CONNECTIONS_PER_SOURCE_PER_SECOND = 1_000;

    public ForwarderSettings {
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive");
        }
        if (maxConnectionsPerRoute < 1 || maxConnections < 1 || maxConnectionsPerSource < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        if (maxNewConnectionsPerSourcePerSecond < 0) {
            throw new IllegalArgumentException("maxNewConnectionsPerSourcePerSecond must be 0 (no limit) or more");
        }
        if (writeBufferLowMark < 0 || writeBufferHighMark < writeBufferLowMark) {
            throw new IllegalArgumentException("need 0 <= writeBufferLowMark <= writeBufferHighMark");
        }
    }

    public static ForwarderSettings defaults() {
        return new ForwarderSettings(
                "0.0.0.0",
                Duration.ofSeconds(5),
                PRIVATELINK_IDLE_TIMEOUT,
                Integer.MAX_VALUE,
                DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_CONNECTIONS_PER_SOURCE,
                DEFAULT_MAX_NEW_CONNECTIONS_PER_SOURCE_PER_SECOND,
                32 * 1024,
                64 * 1024,
                UpstreamGuard.STRICT,
                true,
                false);
    }

    public ForwarderSettings withBindAddress(String address) {
        return edit(b -> b.bindAddress = address);
    }

    public ForwarderSettings withConnectTimeout(Duration timeout) {
        return edit(b -> b.connectTimeout = timeout);
    }

    public ForwarderSettings withIdleTimeout(Duration timeout) {
        return edit(b -> b.idleTimeout = timeout);
    }

    public ForwarderSettings withMaxConnectionsPerRoute(int max) {
        return edit(b -> b.maxConnectionsPerRoute = max);
    }

    public ForwarderSettings withConnectionLimits(int total, int perSource) {
        return edit(b -> {
            b.maxConnections = total;
            b.maxConnectionsPerSource = perSource;
        });
    }

    public ForwarderSettings withSourceRate(int newConnectionsPerSecond) {
        return edit(b -> b.maxNewConnectionsPerSourcePerSecond = newConnectionsPerSecond);
    }

    public ForwarderSettings withUpstreamGuard(UpstreamGuard guard) {
        return edit(b -> b.upstreamGuard = guard);
    }

    public ForwarderSettings withClientProxyHeadersRefused(boolean refused) {
        return edit(b -> b.refuseClientProxyHeaders = refused);
    }

    public ForwarderSettings withDialFromClientAddress(boolean fromClient) {
        return edit(b -> b.dialFromClientAddress = fromClient);
    }

    /** A copy with what {@code change} sets: the one place that lists every component. */
    private ForwarderSettings edit(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /** The components, settable; validated again when built. */
    private static final class Copy {
        String bindAddress;
        Duration connectTimeout;
        Duration idleTimeout;
        int maxConnectionsPerRoute;
        int maxConnections;
        int maxConnectionsPerSource;
        int maxNewConnectionsPerSourcePerSecond;
        int writeBufferLowMark;
        int writeBufferHighMark;
        UpstreamGuard upstreamGuard;
        boolean refuseClientProxyHeaders;
        boolean dialFromClientAddress;

        Copy(ForwarderSettings s) {
            bindAddress = s.bindAddress;
            connectTimeout = s.connectTimeout;
            idleTimeout = s.idleTimeout;
            maxConnectionsPerRoute = s.maxConnectionsPerRoute;
            maxConnections = s.maxConnections;
            maxConnectionsPerSource = s.maxConnectionsPerSource;
            maxNewConnectionsPerSourcePerSecond = s.maxNewConnectionsPerSourcePerSecond;
            writeBufferLowMark = s.writeBufferLowMark;
            writeBufferHighMark = s.writeBufferHighMark;
            upstreamGuard = s.upstreamGuard;
            refuseClientProxyHeaders = s.refuseClientProxyHeaders;
            dialFromClientAddress = s.dialFromClientAddress;
        }

        ForwarderSettings build() {
            return new ForwarderSettings(
                    bindAddress,
                    connectTimeout,
                    idleTimeout,
                    maxConnectionsPerRoute,
                    maxConnections,
                    maxConnectionsPerSource,
                    maxNewConnectionsPerSourcePerSecond,
                    writeBufferLowMark,
                    writeBufferHighMark,
                    upstreamGuard,
                    refuseClientProxyHeaders,
                    dialFromClientAddress);
        }
    }
}
