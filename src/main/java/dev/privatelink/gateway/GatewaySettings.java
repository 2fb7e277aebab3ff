package dev.privatelink.gateway;

import dev.privatelink.forwarder.HostPort;
import dev.privatelink.forwarder.UpstreamGuard;
import java.time.Duration;

/**
 * How a gateway runs, beside its config.
 *
 * @param bindAddress      the address of its one port
 * @param port             its one port; 0 for any free one (tests)
 * @param preambleTimeout  how long a client may take for the TLS handshake and the preamble together
 * @param connectTimeout   per attempt at the owner's load balancer
 * @param idleTimeout      connections silent both ways for this long are closed (as PrivateLink's 350 s)
 * @param upstreamGuard    which addresses the gateway never dials, whatever its config says
 * @param peeringUpstream  where connections for the TLS server name peering.privatelink.invalid are passed
 *                         through to, untouched (the operator's peering port); null: none are
 */
public record GatewaySettings(
        String bindAddress,
        int port,
        Duration preambleTimeout,
        Duration connectTimeout,
        Duration idleTimeout,
        UpstreamGuard upstreamGuard,
        int writeBufferLowMark,
        int writeBufferHighMark,
        HostPort peeringUpstream) {

    public static GatewaySettings defaults() {
        return new GatewaySettings(
                "0.0.0.0",
                8443,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(350),
                UpstreamGuard.STRICT,
                32 * 1024,
                64 * 1024,
                null);
    }

    public GatewaySettings withListen(String address, int newPort) {
        return new GatewaySettings(
                address,
                newPort,
                preambleTimeout,
                connectTimeout,
                idleTimeout,
                upstreamGuard,
                writeBufferLowMark,
                writeBufferHighMark,
                peeringUpstream);
    }

    public GatewaySettings withTimeouts(Duration preamble, Duration connect, Duration idle) {
        return new GatewaySettings(
                bindAddress,
                port,
                preamble,
                connect,
                idle,
                upstreamGuard,
                writeBufferLowMark,
                writeBufferHighMark,
                peeringUpstream);
    }

    /** Passes peering connections through to {@code upstream} (null: refuses them as any other). */
    public GatewaySettings withPeeringUpstream(HostPort upstream) {
        return new GatewaySettings(
                bindAddress,
                port,
                preambleTimeout,
                connectTimeout,
                idleTimeout,
                upstreamGuard,
                writeBufferLowMark,
                writeBufferHighMark,
                upstream);
    }

    public GatewaySettings withUpstreamGuard(UpstreamGuard guard) {
        return new GatewaySettings(
                bindAddress,
                port,
                preambleTimeout,
                connectTimeout,
                idleTimeout,
                guard,
                writeBufferLowMark,
                writeBufferHighMark,
                peeringUpstream);
    }
}
