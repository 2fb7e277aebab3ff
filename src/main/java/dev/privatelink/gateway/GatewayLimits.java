package dev.privatelink.gateway;

/**
 * What one gateway admits before any TLS work: a bound on its connections (its memory), and how
 * fast one source address may open new ones (a handshake costs the gateway far more CPU than it
 * costs the client). A refused connection is reset and counted ({@link Denial#GATEWAY_LIMIT},
 * {@link Denial#SOURCE_RATE}). Sources are the peer clusters' forwarders (or the addresses they
 * are translated to), which carry many clients each, so there is no per-source connection cap.
 *
 * @param maxConnections                 connections beyond this many in all are refused
 * @param maxNewConnectionsPerSourcePerSecond new connections one source address may open per second,
 *                                       after a burst of as many; 0: no limit
 */
public record GatewayLimits(int maxConnections, int maxNewConnectionsPerSourcePerSecond) {

    /** About 40 KiB per connection with its TLS state: 400 MiB at the limit. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    /** As the forwarder's default per client address. */
    public static final int DEFAULT_MAX_NEW_CONNECTIONS_PER_SOURCE_PER_SECOND = 1_000;

    public GatewayLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        if (maxNewConnectionsPerSourcePerSecond < 0) {
            throw new IllegalArgumentException("maxNewConnectionsPerSourcePerSecond must be 0 (no limit) or more");
        }
    }

    public static GatewayLimits defaults() {
        return new GatewayLimits(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_NEW_CONNECTIONS_PER_SOURCE_PER_SECOND);
    }
}
