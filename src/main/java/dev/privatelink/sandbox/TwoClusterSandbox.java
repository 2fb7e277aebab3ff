package dev.privatelink.sandbox;

import static dev.privatelink.sandbox.SandboxOptions.CONSUMER_NAMESPACE;
import static dev.privatelink.sandbox.SandboxOptions.PROVIDER_NAMESPACE;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerSpec;
import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.forwarder.HostPort;
import dev.privatelink.operator.ClusterPeerReconciler;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Two clusters on one machine, each a {@link Sandbox} with its own API server, operator and
 * loopback range: {@code east} provides the sample service through its gateway, {@code west}
 * consumes it with the sample endpoint. They are peered as the README tells an admin to: an
 * invite in east, its token handed to west in a Secret, a ClusterPeer in west that joins with it.
 * One kubeconfig has a context for each.
 */
public final class TwoClusterSandbox implements RunningSandbox {
    private static final Logger LOG = Logger.getLogger(TwoClusterSandbox.class);

    public static final String EAST = "east";
    public static final String WEST = "west";
    /** The gateway's port on east's loopback range (its address is 127.&lt;net&gt;.5.1). */
    static final int GATEWAY_PORT = 8443;
    /** The Secret in west's operator namespace that holds the token east's invite gave. */
    static final String TOKEN_SECRET = EAST + "-invite-token";

    private final SandboxOptions options;
    private Sandbox east;
    private Sandbox west;

    private TwoClusterSandbox(SandboxOptions options) {
        this.options = options;
    }

    /**
     * Starts both clusters, peers them and creates the endpoint in west; returns without waiting
     * for it. East gets {@code options}' loopback range and API port, west the next range and
     * the next port (any free one when it is 0).
     */
    public static TwoClusterSandbox start(SandboxOptions options, MeterRegistry registry) {
        TwoClusterSandbox sandboxes = new TwoClusterSandbox(options);
        try {
            sandboxes.startAll(registry);
            return sandboxes;
        } catch (RuntimeException | IOException e) {
            sandboxes.close();
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    private void startAll(MeterRegistry registry) throws IOException {
        if (options.net() == 255) {
            throw new IllegalArgumentException("two clusters need two loopback ranges: net must be 0..254");
        }
        SandboxOptions eastOptions = options;
        SandboxOptions westOptions =
                options.withNet(options.net() + 1).withApiPort(options.apiPort() == 0 ? 0 : options.apiPort() + 1);
        HostPort gateway = new HostPort("127." + eastOptions.net() + ".5.1", GATEWAY_PORT);
        east = Sandbox.start(
                eastOptions, new Sandbox.Cluster(EAST, WEST, true, freePort(), gateway), registry, Metrics.NOOP);
        west = Sandbox.start(
                westOptions, new Sandbox.Cluster(WEST, EAST, false, freePort(), null), registry, Metrics.NOOP);
        writeKubeconfig();

        String token = invite(Duration.ofSeconds(60));
        join(token);
        String serviceName = east.awaitServiceName(Duration.ofSeconds(30));
        west.createEndpoint(serviceName, EAST);
    }

    /** East's admin invites west: a ClusterPeer with an invite; the token is in the Secret the operator writes. */
    private String invite(Duration timeout) {
        ClusterPeerSpec spec = new ClusterPeerSpec();
        spec.setInvite(new ClusterPeerSpec.Invite());
        create(east.client(), WEST, spec);
        String namespace = east.options().operatorNamespace();
        String secret = ClusterPeerReconciler.inviteSecretName(WEST);
        return Sandbox.await(
                timeout,
                "the invite's Secret " + namespace + "/" + secret,
                () -> Optional.ofNullable(east.client()
                                .secrets()
                                .inNamespace(namespace)
                                .withName(secret)
                                .get())
                        .map(Secret::getData)
                        .map(data -> data.get("token")));
    }

    /** West's admin puts the token (as it is in east's Secret) into a Secret of west's and joins with it. */
    private void join(String token) {
        west.client()
                .secrets()
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withNamespace(west.options().operatorNamespace())
                        .withName(TOKEN_SECRET)
                        .endMetadata()
                        .withData(Map.of("token", token))
                        .build())
                .create();
        ClusterPeerSpec.SecretKeyRef ref = new ClusterPeerSpec.SecretKeyRef();
        ref.setName(TOKEN_SECRET);
        ClusterPeerSpec.Join join = new ClusterPeerSpec.Join();
        join.setTokenSecretRef(ref);
        ClusterPeerSpec spec = new ClusterPeerSpec();
        spec.setJoin(join);
        create(west.client(), EAST, spec);
    }

    private static void create(KubernetesClient client, String name, ClusterPeerSpec spec) {
        ClusterPeer peer = new ClusterPeer();
        peer.setMetadata(new ObjectMetaBuilder().withName(name).build());
        peer.setSpec(spec);
        client.resource(peer).create();
    }

    /** Waits until west's sample endpoint is Available and has its address. */
    @Override
    public InterfaceEndpoint awaitEndpoint(Duration timeout) {
        return west.awaitEndpoint(timeout);
    }

    /** Waits until west's sample endpoint's address takes connections. */
    @Override
    public void awaitServing(InterfaceEndpoint endpoint, Duration timeout) {
        west.awaitServing(endpoint, timeout);
    }

    /** Replaces the decisions of east's sample endpoint service, as its owner's edit would. */
    public void decide(ConnectionDecision... decisions) {
        east.decide(decisions);
    }

    /** The consumer key east's owner names west's sample endpoint by. */
    public static String consumerKey() {
        return WEST + "/" + CONSUMER_NAMESPACE + "/" + SandboxOptions.ENDPOINT;
    }

    public Sandbox east() {
        return east;
    }

    public Sandbox west() {
        return west;
    }

    public Path kubeconfig() {
        return options.kubeconfig().toAbsolutePath();
    }

    private void writeKubeconfig() throws IOException {
        Path path = kubeconfig();
        Files.createDirectories(path.getParent());
        StringBuilder clusters = new StringBuilder();
        StringBuilder contexts = new StringBuilder();
        for (var named : List.of(Map.entry(EAST, east), Map.entry(WEST, west))) {
            String name = named.getKey();
            clusters.append("""
                    - name: %s
                      cluster:
                        server: %s
                    """.formatted(name, named.getValue().apiUrl()));
            contexts.append("""
                    - name: %s
                      context:
                        cluster: %s
                        user: privatelink-sandbox
                        namespace: %s
                    """.formatted(name, name, name.equals(EAST) ? PROVIDER_NAMESPACE : CONSUMER_NAMESPACE));
        }
        Files.writeString(path, """
                apiVersion: v1
                kind: Config
                clusters:
                %susers:
                - name: privatelink-sandbox
                  user: {}
                contexts:
                %scurrent-context: %s
                """.formatted(clusters, contexts, WEST));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops west, then east. */
    @Override
    public String guide(InterfaceEndpoint endpoint) {
        return SandboxGuide.text(this, endpoint);
    }

    @Override
    public void close() {
        for (Sandbox sandbox : new Sandbox[] {west, east}) {
            if (sandbox != null) {
                try {
                    sandbox.close();
                } catch (RuntimeException e) {
                    LOG.warnf("stopping a cluster of the sandbox: %s", e.toString());
                }
            }
        }
    }
}
