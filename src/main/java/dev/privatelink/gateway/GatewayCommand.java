package dev.privatelink.gateway;

import dev.privatelink.forwarder.ConfigMapSource;
import dev.privatelink.forwarder.ForwarderCommand.DurationConverter;
import dev.privatelink.forwarder.ForwarderCommand.HostPortConverter;
import dev.privatelink.forwarder.HostPort;
import dev.privatelink.forwarder.UpstreamOptions;
import dev.privatelink.gateway.config.GatewayConfig;
import dev.privatelink.gateway.config.GatewayConfigFile;
import dev.privatelink.pki.CredentialWatch;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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
            names = "--config-map",
            paramLabel = "NAME",
            description = "Also watch this ConfigMap (key " + GatewayConfig.KEY + ") through the API, in --namespace:"
                    + " an owner's decision reaches the gateway in one watch event rather than with the kubelet's"
                    + " refresh of the mounted file. Once the watch has delivered, the file is not applied again;"
                    + " until then (the API server away at start) the file serves.")
    String configMap;

    @Option(
            names = "--namespace",
            paramLabel = "NS",
            description = "Namespace of --config-map (default: the client's namespace, i.e. the pod's).")
    String namespace;

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

    @Spec
    CommandSpec spec;

    @Inject
    MeterRegistry registry;

    @Inject
    GatewayRuntime runtime;

    @Inject
    Instance<KubernetesClient> kubernetes;

    @Override
    public Integer call() throws Exception {
        Clock clock = Clock.systemUTC();
        GatewaySettings settings = GatewaySettings.defaults()
                .withListen(listen.host(), listen.port())
                .withTimeouts(preambleTimeout, upstream.connectTimeout, upstream.idleTimeout)
                .withUpstreamGuard(upstream.guard())
                .withPeeringUpstream(peeringUpstream);
        GatewayLimits limits = new GatewayLimits(maxConnections, maxNewConnectionsPerSource);
        // no credential yet: the watch's first read, just below, brings it (until then: not ready)
        try (Gateway gateway = new Gateway(settings, limits, null, registry, clock);
                CredentialWatch credentials = gateway.watchCredential(certificateChain, privateKey, registry)) {
            ConfigPrecedence configs = new ConfigPrecedence(gateway::apply);
            try (GatewayConfigFile file = new GatewayConfigFile(config, configs::fromFile);
                    AutoCloseable watch = watch(configs)) {
                runtime.serve(gateway);
                credentials.start(configPollInterval);
                file.start(configPollInterval);
                Quarkus.waitForExit();
            }
        }
        return 0;
    }

    /** The ConfigMap watch, when asked for; nothing otherwise. */
    private AutoCloseable watch(ConfigPrecedence configs) {
        if (configMap == null) {
            return () -> {};
        }
        KubernetesClient client = kubernetes.get();
        String ns = namespace != null ? namespace : client.getNamespace();
        if (ns == null) {
            throw new ParameterException(spec.commandLine(), "no --namespace and no namespace from the client");
        }
        ConfigMapSource<GatewayConfig> source =
                new ConfigMapSource<>(client, ns, configMap, GatewayConfig::from, configs::fromWatch);
        source.start();
        return source;
    }

    /**
     * The watch, once it has delivered, is the gateway's one source: the mounted file lags it by
     * the kubelet's refresh and would otherwise put an older config back for a while.
     */
    static final class ConfigPrecedence {
        private final Consumer<GatewayConfig> sink;
        private final AtomicBoolean watched = new AtomicBoolean();

        ConfigPrecedence(Consumer<GatewayConfig> sink) {
            this.sink = sink;
        }

        void fromFile(GatewayConfig config) {
            if (!watched.get()) {
                sink.accept(config);
            }
        }

        void fromWatch(GatewayConfig config) {
            watched.set(true);
            sink.accept(config);
        }
    }
}
