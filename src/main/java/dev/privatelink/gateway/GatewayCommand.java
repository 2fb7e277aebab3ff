package dev.privatelink.gateway;

import dev.privatelink.forwarder.ForwarderCommand.DurationConverter;
import dev.privatelink.forwarder.ForwarderCommand.HostPortConverter;
import dev.privatelink.forwarder.HostPort;
import dev.privatelink.forwarder.UpstreamOptions;
import dev.privatelink.gateway.config.GatewayConfigFile;
import dev.privatelink.pki.CredentialWatch;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The provider side of cross-cluster endpoints: one TLS port for peer clusters' consumers. */
@Command(
        name = "gateway",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Serve cross-cluster endpoints: mutual TLS 1.3 from peer clusters, a PROXY v2 preamble naming the"
                    + " endpoint, each connection authorised from the config file.",
            "gateway --config FILE --certificate-chain FILE --private-key FILE [--listen HOST:PORT]"
                    + " [--peering-upstream HOST:PORT]",
            "HTTP (metrics /q/metrics, health /q/health) listens on 8080; set -Dquarkus.http.port=N."
        })
public class GatewayCommand implements Callable<Integer> {

    @Option(
            names = "--listen",
            paramLabel = "HOST:PORT",
            defaultValue = "0.0.0.0:8443",
            converter = HostPortConverter.class,
            description = "The one port (default: ${DEFAULT-VALUE}).")
    HostPort listen;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            required = true,
            description = "The gateway config (JSON: peers and endpoints), read again when it changes; a bad one"
                    + " leaves the last good one in force.")
    Path config;

    @Option(
            names = "--config-poll-interval",
            paramLabel = "DURATION",
            defaultValue = "1s",
            converter = DurationConverter.class,
            description = "How often the config file and the certificate files are read (default: ${DEFAULT-VALUE}).")
    Duration configPollInterval;

    @Option(
            names = "--certificate-chain",
            paramLabel = "FILE",
            required = true,
            description = "PEM: the gateway's certificate, then its intermediate. Read again when it changes (as"
                    + " --config is): new handshakes present the new certificate, live connections keep theirs.")
    Path certificateChain;

    @Option(
            names = "--private-key",
            paramLabel = "FILE",
            required = true,
            description = "PEM (PKCS#8): the gateway's EC private key, read again with the chain; a pair that does"
                    + " not match keeps the last good one.")
    Path privateKey;

    @Option(
            names = "--preamble-timeout",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "For the TLS handshake and the preamble together (default: ${DEFAULT-VALUE}).")
    Duration preambleTimeout;

    @Option(
            names = "--peering-upstream",
            paramLabel = "HOST:PORT",
            converter = HostPortConverter.class,
            description = "The operator's peering port: connections whose TLS server name is"
                    + " peering.privatelink.invalid are passed through there untouched (the TLS is operator to"
                    + " operator). Unset: those are treated as any other.")
    HostPort peeringUpstream;

    @Option(
            names = "--max-connections",
            paramLabel = "N",
            defaultValue = "" + GatewayLimits.DEFAULT_MAX_CONNECTIONS,
            description = "Refuse (reset, before the handshake) connections beyond this many in all: size it to the"
                    + " memory limit (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(
            names = "--max-new-connections-per-source",
            paramLabel = "N",
            defaultValue = "" + GatewayLimits.DEFAULT_MAX_NEW_CONNECTIONS_PER_SOURCE_PER_SECOND,
            description = "Refuse (reset, before the handshake) new connections from one source address beyond this"
                    + " many a second, after a burst of as many; 0: no limit (default: ${DEFAULT-VALUE}).")
    int maxNewConnectionsPerSource;

    @Mixin
    UpstreamOptions upstream;

    @Inject
    MeterRegistry registry;

    @Inject
    GatewayRuntime runtime;

    @Override
    public Integer call() {
        Clock clock = Clock.systemUTC();
        GatewaySettings settings = GatewaySettings.defaults()
                .withListen(listen.host(), listen.port())
                .withTimeouts(preambleTimeout, upstream.connectTimeout, upstream.idleTimeout)
                .withUpstreamGuard(upstream.guard())
                .withPeeringUpstream(peeringUpstream);
        GatewayLimits limits = new GatewayLimits(maxConnections, maxNewConnectionsPerSource);
        // no credential yet: the watch's first read, just below, brings it (until then: not ready)
        try (Gateway gateway = new Gateway(settings, limits, null, registry, clock);
                CredentialWatch credentials = gateway.watchCredential(certificateChain, privateKey, registry);
                GatewayConfigFile source = new GatewayConfigFile(config, gateway::apply)) {
            runtime.serve(gateway);
            credentials.start(configPollInterval);
            source.start(configPollInterval);
            Quarkus.waitForExit();
        }
        return 0;
    }
}
