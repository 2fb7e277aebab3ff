package dev.privatelink.operator;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.peering.PeerLink;
import dev.privatelink.peering.PeeringClient;
import dev.privatelink.peering.PeeringService;
import dev.privatelink.pki.LocalTrust;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;

/**
 * The operator as it runs in production, started by hand against an API server: the CRDs (from
 * the classpath, where the build copies {@code crds/}) are installed, then the reconcilers run,
 * and with a {@link Peering} the peering server too. Works against the Fabric8 mock server in CRUD mode and against a real cluster alike; the
 * sandbox and the operator tests start it this way.
 */
public final class ControlPlane implements AutoCloseable {

    /** The CRD files of {@code crds/}, as the build puts them on the classpath. */
    static final List<String> CRD_RESOURCES = List.of(
            crdResource(EndpointService.class),
            crdResource(InterfaceEndpoint.class),
            crdResource(ServicePermission.class),
            crdResource(ClusterPeer.class));

    /**
     * This cluster's side of peering: its trust domain and certificates (null: the cluster's
     * Secret-backed {@link ClusterTrust}, which its gateway's and forwarders' certificates come
     * from), what answers a peer's sync (null: the operator's own records of the peers'
     * endpoints), the clock enrolment decides expiry by, and how this cluster's sync reaches a peer (null: the peering client,
     * through the peer's gateway). Given to {@link #start(KubernetesClient, OperatorSettings,
     * Peering)}, it also starts the operator's peering server.
     */
    public record Peering(LocalTrust trust, PeeringService service, Clock clock, PeerLink link) {
        public Peering(LocalTrust trust, PeeringService service, Clock clock) {
            this(trust, service, clock, null);
        }
    }

    private final Operator operator;
    private final UsageMetering usage;
    private final ConnectionNotifications notifications;
    private final PeerSync peerSync;
    private final GatewayConfigWriter gatewayConfig;
    private final PeeringService peeringService;
    private final PeeringEndpoint peering;
    private final ClusterTrust trust;
    private final CertificateRotation certificates;

    private ControlPlane(
            Operator operator,
            UsageMetering usage,
            ConnectionNotifications notifications,
            PeerSync peerSync,
            GatewayConfigWriter gatewayConfig,
            PeeringService peeringService,
            PeeringEndpoint peering,
            ClusterTrust trust,
            CertificateRotation certificates) {
        this.operator = operator;
        this.usage = usage;
        this.notifications = notifications;
        this.peerSync = peerSync;
        this.gatewayConfig = gatewayConfig;
        this.peeringService = peeringService;
        this.peering = peering;
        this.trust = trust;
        this.certificates = certificates;
    }

    /** This cluster's trust domain as this operator holds it (its CA in the Secret privatelink-ca). */
    public LocalTrust trust() {
        return trust;
    }

    /** The provider side of the peering API as this control plane answers it. */
    public PeeringService peering() {
        return peeringService;
    }

    public static ControlPlane start(KubernetesClient client, OperatorSettings settings) {
        return start(client, settings, Metrics.NOOP);
    }

    public static ControlPlane start(KubernetesClient client, OperatorSettings settings, Metrics metrics) {
        return start(client, settings, metrics, null, null, null);
    }

    /** As {@link #start(KubernetesClient, OperatorSettings, Metrics)}, with the operator's own meters in {@code meters} too. */
    public static ControlPlane start(
            KubernetesClient client, OperatorSettings settings, Metrics metrics, MeterRegistry meters) {
        return start(client, settings, metrics, meters, null, null);
    }

    /** As {@link #start(KubernetesClient, OperatorSettings)}, as a peer: with the peering server, on settings' peering port. */
    public static ControlPlane start(KubernetesClient client, OperatorSettings settings, Peering peering) {
        return start(client, settings, Metrics.NOOP, null, null, peering);
    }

    /**
     * As {@link #start(KubernetesClient, OperatorSettings, Metrics, MeterRegistry)}, as a peer; a
     * {@code peering} without a trust uses this cluster's Secret-backed one ({@link #trust()}),
     * the one its gateway's and forwarders' certificates come from.
     */
    public static ControlPlane start(
            KubernetesClient client,
            OperatorSettings settings,
            Metrics metrics,
            MeterRegistry meters,
            Peering peering) {
        return start(client, settings, metrics, meters, null, peering);
    }

    /**
     * One replica of several, as in production: it reconciles only while it holds the Lease that
     * {@code leaderElection} names (production's is {@link LeaderElection}'s).
     */
    public static ControlPlane startReplica(
            KubernetesClient client, OperatorSettings settings, LeaderElectionConfiguration leaderElection) {
        return start(client, settings, Metrics.NOOP, null, leaderElection, null);
    }

    private static ControlPlane start(
            KubernetesClient client,
            OperatorSettings settings,
            Metrics metrics,
            MeterRegistry meters,
            LeaderElectionConfiguration leaderElection,
            Peering peering) {
        installCrds(client);
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withMetrics(metrics)
                    .withCloseClientOnStop(false)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .checkingCRDAndValidateLocalModel(false);
            if (leaderElection != null) {
                o.withLeaderElectionConfiguration(leaderElection);
            }
        });
        UsageMetering usage = meters == null ? new UsageMetering() : UsageMetering.alsoIn(meters);
        ConnectionNotifications notifications = new ConnectionNotifications();
        operator.register(new EndpointServiceReconciler(settings, Clock.systemUTC(), usage, notifications));
        operator.register(new ServicePermissionReconciler());
        ClusterTrust trust = new ClusterTrust(client, settings);
        // without a peering side of its own, a control plane still enrols static peers and
        // invites under a trust domain held in memory
        Peering peer = peering == null
                ? new Peering(PeeringBeans.inMemoryTrust(), null, Clock.systemUTC())
                : peering.trust() == null
                        ? new Peering(trust, peering.service(), peering.clock(), peering.link())
                        : peering;
        PeerLink link = peer.link() != null ? peer.link() : new PeeringClient(peer.trust(), peer.clock());
        PeerContacts contacts = new PeerContacts();
        PeeringService service =
                peer.service() != null ? peer.service() : new PeerEndpointRecords(client, contacts, Clock.systemUTC());
        PeerAnswers answers = new PeerAnswers();
        PeerSync peerSync = new PeerSync(link, answers, contacts, Clock.systemUTC(), PeerSync.DEFAULT_INTERVAL);
        operator.register(new InterfaceEndpointReconciler(settings, Clock.systemUTC(), usage, peerSync, answers));
        operator.register(new ForwarderReconciler(settings));
        operator.register(new ClusterPeerReconciler(
                settings, peer.trust(), peer.clock(), new PeeringClient(peer.trust(), peer.clock())::enrol, contacts));
        operator.start();
        usage.start(client, settings);
        notifications.start(client, settings);
        CertificateRotation certificates = new CertificateRotation(trust);
        certificates.start(client, settings);
        // after the start, which waits for the caches: a snapshot from a half-filled one would delete records
        peerSync.start();
        GatewayConfigWriter gatewayConfig = new GatewayConfigWriter(client, settings.namespace());
        gatewayConfig.start();
        PeeringEndpoint endpoint =
                peering == null ? null : PeeringEndpoint.start(client, settings, peer.trust(), peer.clock(), service);
        return new ControlPlane(
                operator, usage, notifications, peerSync, gatewayConfig, service, endpoint, trust, certificates);
    }

    /** The port of the peering server; only with a {@link Peering}. */
    public int peeringPort() {
        return peering.server().port();
    }

    public static void installCrds(KubernetesClient client) {
        for (String resource : CRD_RESOURCES) {
            try (InputStream in = ControlPlane.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(
                            resource + " is not on the classpath (the build copies crds/ there)");
                }
                client.load(in).createOrReplace();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Where the build puts the CRD of a kind on the classpath. */
    public static String crdResource(Class<? extends HasMetadata> kind) {
        return "crds/" + HasMetadata.getPlural(kind) + "." + HasMetadata.getGroup(kind) + "-v1.yml";
    }

    @Override
    public void close() {
        peerSync.close();
        gatewayConfig.close();
        if (peering != null) {
            peering.close();
        }
        certificates.close();
        usage.close();
        notifications.close();
        operator.stop();
    }
}
