package dev.privatelink.forwarder;

import dev.privatelink.forwarder.ForwarderCommand.DurationConverter;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The command-line options of every role that dials upstreams (forwarder, gateway): one definition, one meaning. */
public final class UpstreamOptions {

    @Option(
            names = "--connect-timeout",
            paramLabel = "DURATION",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Per attempt at an upstream load balancer (default: ${DEFAULT-VALUE}).")
    public Duration connectTimeout;

    @Option(
            names = "--idle-timeout",
            paramLabel = "DURATION",
            defaultValue = "350s",
            converter = DurationConverter.class,
            description =
                    "Close connections silent both ways for this long (default: ${DEFAULT-VALUE}, as PrivateLink).")
    public Duration idleTimeout;

    @Option(
            names = "--allow-loopback-upstreams",
            description = "Allow upstreams on loopback addresses: only where the upstreams run on this host on purpose"
                    + " (a local test). Link-local, unspecified, multicast and the API server's address are never"
                    + " dialled.")
    public boolean allowLoopbackUpstreams;

    public UpstreamGuard guard() {
        return allowLoopbackUpstreams ? UpstreamGuard.SAME_HOST : UpstreamGuard.STRICT;
    }
}
