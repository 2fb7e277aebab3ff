package dev.privatelink.forwarder;

import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.RemoteGateway;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import dev.privatelink.pki.CredentialWatch;
import dev.privatelink.pki.HeldCredentials;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.NetUtil;
import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The data plane role: in a cluster from a watched ConfigMap, or standalone with one route. */
@Command(
        name = "forwarder",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Forward TCP for interface endpoints.",
            "In a cluster:  forwarder --config-map NAME [--namespace NS] [--consumer-namespace NS]",
            "Standalone:    forwarder --listen HOST:PORT --upstream HOST:PORT[,HOST:PORT...] "
                    + "[--proxy-protocol v2 --endpoint-id ID]",
            "               [--gateway-credentials DIR --gateway-trust-domain TD --endpoint-id ID]",
            "HTTP (metrics /q/metrics, health /q/health) listens on 8080; set -Dquarkus.http.port=N "
                    + "(0 = any free port)."
        })
public class ForwarderCommand implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger(ForwarderCommand.class);

    static final String STANDALONE_ENDPOINT_ID = "standalone";

    /** How often the gateway credentials are read: a mounted Secret changes by a symlink swap, which no event reports. */
    static final Duration CREDENTIALS_POLL_INTERVAL = Duration.ofSeconds(2);

    @Spec
    CommandSpec spec;

    /** Picocli refuses both modes at once, neither, and half of the standalone one. */
    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(
                names = "--config-map",
                paramLabel = "NAME",
                required = true,
                description = "Serve the routes in this ConfigMap (key " + ForwarderConfig.DATA_KEY
                        + "), watched through the API.")
        String configMap;

        @ArgGroup(exclusive = false, multiplicity = "1")
        Standalone standalone;
    }

    static final class Standalone {
        @Option(
                names = "--listen",
                paramLabel = "HOST:PORT",
                required = true,
                converter = HostPortConverter.class,
                description = "Standalone: the one listener.")
        HostPort listen;

        @Option(
                names = "--upstream",
                paramLabel = "HOST:PORT",
                required = true,
                split = ",",
                converter = HostPortConverter.class,
                description = "Standalone: where to forward to; several are chosen at random and fail over.")
        List<HostPort> upstreams;
    }

    @Option(
            names = "--namespace",
            paramLabel = "NS",
            description = "Namespace of the ConfigMap (default: the client's namespace, i.e. the pod's).")
    String namespace;

    @Option(
            names = "--consumer-namespace",
            paramLabel = "NS",
            description = "In a cluster: admit connections only from pods of this namespace (watched through the API;"
                    + " an address not known yet is looked up once), resetting others whatever the CNI does."
                    + " Without it every source is admitted. Needs get, list, watch on pods in NS.")
    String consumerNamespace;

    @Option(
            names = "--proxy-protocol",
            paramLabel = "none|v2",
            defaultValue = "none",
            converter = ProxyProtocolConverter.class,
            description = "Standalone: send a PROXY protocol v2 header to the upstream (default: ${DEFAULT-VALUE}).")
    ProxyProtocol proxyProtocol;

    @Option(
            names = "--endpoint-id",
            paramLabel = "ID",
            description = "Standalone: the endpoint ID for the PROXY v2 TLV and the metrics.")
    String endpointId;

    @Option(
            names = "--gateway-credentials",
            paramLabel = "DIR",
            description = "For routes to other clusters' gateways: " + HeldCredentials.CHAIN
                    + " (this consumer namespace's certificate chain, PEM, leaf first), " + HeldCredentials.KEY
                    + " (its PKCS#8 key) and one " + HeldCredentials.PEER_PREFIX + "<trustDomain>"
                    + HeldCredentials.PEER_SUFFIX + " per peer (its roots). Read again when they change: new"
                    + " connections use the new files, live ones are left alone, and an unusable set keeps the last"
                    + " good one. Without it such routes reset their connections.")
    Path gatewayCredentials;

    @Option(
            names = "--gateway-trust-domain",
            paramLabel = "TD",
            description = "Standalone: the upstreams are the gateway of this peer trust domain, dialled with mutual"
                    + " TLS 1.3 and sent the endpoint's preamble (needs --gateway-credentials and --endpoint-id).")
    String gatewayTrustDomain;

    @Option(
            names = "--allow-client-proxy-header",
            description =
                    "Pass on a client's own PROXY protocol header (v1 or v2) as payload. By default a client whose"
                            + " first bytes are one is reset (refused, reason client_proxy_header): passed on, it could forge"
                            + " the endpoint ID and source an owner reads.")
    boolean allowClientProxyHeader;

    @Option(
            names = "--bind-address",
            paramLabel = "ADDRESS",
            defaultValue = "0.0.0.0",
            description = "In a cluster: the address every listener binds to (default: ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(
            names = "--drain-timeout",
            paramLabel = "DURATION",
            defaultValue = "20s",
            converter = DurationConverter.class,
            description = "On SIGTERM, how long live connections may finish (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(
            names = "--max-connections-per-route",
            paramLabel = "N",
            defaultValue = "100000",
            description = "Refuse (reset) connections of a route beyond this many (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerRoute;

    @Option(
            names = "--max-connections",
            paramLabel = "N",
            defaultValue = "" + ForwarderSettings.DEFAULT_MAX_CONNECTIONS,
            description = "Refuse (reset) connections beyond this many in all: size it to the memory limit, about"
                    + " 4 KiB per idle connection (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(
            names = "--max-connections-per-source",
            paramLabel = "N",
            defaultValue = "" + ForwarderSettings.DEFAULT_MAX_CONNECTIONS_PER_SOURCE,
            description = "Refuse (reset) connections from one client address beyond this many (default:"
                    + " ${DEFAULT-VALUE}).")
    int maxConnectionsPerSource;

    @Option(
            names = "--max-new-connections-per-source",
            paramLabel = "N",
            defaultValue = "" + ForwarderSettings.DEFAULT_MAX_NEW_CONNECTIONS_PER_SOURCE_PER_SECOND,
            description = "Refuse (reset) new connections from one client address beyond this many a second,"
                    + " after a burst of as many; 0: no limit (default: ${DEFAULT-VALUE}).")
    int maxNewConnectionsPerSource;

    @Mixin
    UpstreamOptions upstream;

    @Inject
    MeterRegistry registry;

    @Inject
    ForwarderRuntime runtime;

    @Inject
    Instance<KubernetesClient> kubernetes;

    @Override
    public Integer call() {
        return mode.standalone != null ? runStandalone(mode.standalone) : runFromConfigMap(mode.configMap);
    }

    private int runStandalone(Standalone standalone) {
        if (consumerNamespace != null) {
            throw new ParameterException(spec.commandLine(), "--consumer-namespace needs --config-map");
        }
        if (proxyProtocol == ProxyProtocol.V2 && (endpointId == null || endpointId.isBlank())) {
            throw new ParameterException(spec.commandLine(), "--proxy-protocol v2 needs --endpoint-id");
        }
        if (gatewayTrustDomain != null && (gatewayCredentials == null || endpointId == null)) {
            throw new ParameterException(
                    spec.commandLine(), "--gateway-trust-domain needs --gateway-credentials and --endpoint-id");
        }
        String id = endpointId == null ? STANDALONE_ENDPOINT_ID : endpointId;
        HostPort listen = standalone.listen;
        Route route = new Route(
                id,
                listen.port(),
                listen.port(),
                standalone.upstreams.stream()
                        .map(u -> new Upstream(u.host(), u.port(), 1))
                        .toList(),
                proxyProtocol,
                RouteState.ACTIVE,
                null,
                null,
                gatewayTrustDomain == null ? null : new RemoteGateway(gatewayTrustDomain),
                null);
        Forwarder forwarder = new Forwarder(settings(listen.host()), registry);
        List<AutoCloseable> sources = new ArrayList<>();
        watchGatewayCredentials(forwarder).ifPresent(sources::add);
        Forwarder.Applied applied = forwarder.apply(new ForwarderConfig(List.of(route)));
        if (!applied.complete()) {
            forwarder.close();
            spec.commandLine().getErr().println("forwarder: " + String.join("; ", applied.failures()));
            return 1;
        }
        runtime.serve(forwarder, drainTimeout, sources);
        Quarkus.waitForExit();
        return 0;
    }

    private int runFromConfigMap(String configMap) {
        KubernetesClient client = kubernetes.get();
        String ns = namespace != null ? namespace : client.getNamespace();
        if (ns == null) {
            throw new ParameterException(spec.commandLine(), "no --namespace and no namespace from the client");
        }
        List<AutoCloseable> sources = new ArrayList<>();
        SourcePolicy policy = SourcePolicy.ALLOW_ALL;
        if (consumerNamespace != null) {
            ConsumerNamespacePods pods = new ConsumerNamespacePods(client, consumerNamespace);
            pods.start();
            sources.add(pods);
            policy = pods;
        }
        LOG.infof("admitting connections from %s", policy);
        Forwarder forwarder =
                new Forwarder(settings(bindAddress), registry, Transport.best(), null, policy, consumerNamespace);
        watchGatewayCredentials(forwarder).ifPresent(sources::add);
        ConfigMapSource<ForwarderConfig> source = ConfigMapSource.forwarder(client, ns, configMap, forwarder::apply);
        sources.add(0, source);
        runtime.serve(forwarder, drainTimeout, sources);
        source.start();
        Quarkus.waitForExit();
        return 0;
    }

    /** Loads the gateway credentials once now, so that the first config's routes have them, then watches them. */
    private Optional<CredentialWatch> watchGatewayCredentials(Forwarder forwarder) {
        if (gatewayCredentials == null) {
            return Optional.empty();
        }
        CredentialWatch watch = GatewayClient.watch(gatewayCredentials, forwarder, registry, Clock.systemUTC());
        watch.poll();
        watch.start(CREDENTIALS_POLL_INTERVAL);
        return Optional.of(watch);
    }

    ForwarderSettings settings(String address) {
        return ForwarderSettings.defaults()
                .withUpstreamGuard(upstreamGuard())
                .withBindAddress(address)
                .withConnectTimeout(upstream.connectTimeout)
                .withIdleTimeout(upstream.idleTimeout)
                .withMaxConnectionsPerRoute(maxConnectionsPerRoute)
                .withConnectionLimits(maxConnections, maxConnectionsPerSource)
                .withSourceRate(maxNewConnectionsPerSource)
                .withClientProxyHeadersRefused(!allowClientProxyHeader);
    }

    /** In a pod, the API server's Service address is known from the environment: never dial it. */
    private UpstreamGuard upstreamGuard() {
        UpstreamGuard guard = upstream.guard();
        String apiServer = System.getenv("KUBERNETES_SERVICE_HOST");
        InetAddress literal = apiServer == null ? null : NetUtil.createInetAddressFromIpAddressString(apiServer);
        return literal == null ? guard : guard.forbidding(literal);
    }

    public static final class HostPortConverter implements ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            return HostPort.parse(value);
        }
    }

    static final class ProxyProtocolConverter implements ITypeConverter<ProxyProtocol> {
        @Override
        public ProxyProtocol convert(String value) {
            return ProxyProtocol.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT5S}). */
    public static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)");

        @Override
        public Duration convert(String value) {
            Matcher m = SIMPLE.matcher(value.trim());
            if (!m.matches()) {
                return Duration.parse(value);
            }
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
    }
}
