package dev.privatelink.gateway;

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
 */
public record GatewaySettings(
        String bindAddress,
        int port,
        Duration preambleTimeout,
        Duration connectTimeout,
        Duration idleTimeout,
        UpstreamGuard upstreamGuard,
        int writeBufferLowMark,
        int writeBufferHighMark) {

    public static GatewaySettings defaults() {
        return new GatewaySettings(
                "0.0.0.0",
                8443,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(350),
                UpstreamGuard.STRICT,
                32 * 1024,
                64 * 1024);
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
                writeBufferHighMark);
    }

    public GatewaySettings withTimeouts(Duration preamble, Duration connect, Duration idle) {
        return new GatewaySettings(
                bindAddress, port, preamble, connect, idle, upstreamGuard, writeBufferLowMark, writeBufferHighMark);
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
                writeBufferHighMark);
    }
}
