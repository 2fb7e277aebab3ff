package dev.privatelink.operator;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerStatus;
import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.CertificateReport;
import dev.privatelink.desired.Certificates;
import dev.privatelink.desired.Certificates.Authority;
import dev.privatelink.desired.Labels;
import dev.privatelink.events.EventRecorder;
import dev.privatelink.pki.SpiffeId;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Issues and renews the certificates of this cluster's data plane into Secrets of the operator's
 * namespace: the gateway's ({@value Certificates#GATEWAY_SECRET}) always, and, while the cluster
 * has a ClusterPeer, one per forwarder ({@code <forwarder>-gateway-client}, with the peers'
 * roots). A pass runs every {@link #INTERVAL}, soon after a ClusterPeer or a forwarder comes or
 * goes, and sooner again while rotation is blocked. Every operator replica runs passes: writes
 * are optimistic (create, or update at the resourceVersion read), so a replica that loses a race
 * reads the winner's and keeps it.
 *
 * <p>Each pass reports on every ClusterPeer (status.runway, status.certificatesExpire and the
 * CertificatesReady condition, patched without touching the rest of the status) and in the gauge
 * {@code privatelink_certificate_runway_seconds}; a blocked rotation also records a Warning Event.
 */
@ApplicationScoped
public class CertificateRotation implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CertificateRotation.class);
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    /** Well under the hours a leaf has left when it is due (a day), so a missed pass costs nothing. */
    static final Duration INTERVAL = Duration.ofMinutes(10);
    /** While blocked: try again this soon. */
    static final Duration RETRY = Duration.ofMinutes(1);
    /** Changes of peers or forwarders come in bursts: one pass after the burst. */
    static final Duration SETTLE = Duration.ofSeconds(1);

    static final String RUNWAY = "privatelink.certificate.runway";
    static final String GATEWAY = "gateway";
    static final String FORWARDER = "forwarder";

    private final ClusterTrust trust;
    private final MeterRegistry registry;
    private final Clock clock;
    /** Per issued credential (component, consumer namespace): when its holder's certificates expire. */
    private final Map<RunwayKey, Instant> expiries = new ConcurrentHashMap<>();

    private final Map<RunwayKey, Gauge> gauges = new ConcurrentHashMap<>();

    private KubernetesClient client;
    private OperatorSettings settings;
    private EventRecorder events;
    /** Guards the timer: informers schedule passes while one runs. */
    private final Object timer = new Object();

    private volatile ScheduledExecutorService executor;
    private ScheduledFuture<?> next;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    record RunwayKey(String component, String consumerNamespace) {}

    @Inject
    public CertificateRotation(ClusterTrust trust, MeterRegistry registry) {
        this(trust, registry, trust.clock());
    }

    /** In Micrometer's global registry, where the operator tests and the sandbox read meters. */
    public CertificateRotation(ClusterTrust trust) {
        this(trust, Metrics.globalRegistry, trust.clock());
    }

    CertificateRotation(ClusterTrust trust, MeterRegistry registry, Clock clock) {
        this.trust = trust;
        this.registry = registry;
        this.clock = clock;
    }

    /** Runs passes until closed: now, every {@link #INTERVAL}, and soon after peers or forwarders change. */
    public synchronized void start(KubernetesClient client, OperatorSettings settings) {
        if (executor != null) {
            return;
        }
        bind(client, settings);
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "certificate-rotation");
            thread.setDaemon(true);
            return thread;
        });
        ResourceEventHandler<Object> soon = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object obj) {
                schedule(SETTLE);
            }

            @Override
            public void onUpdate(Object oldObj, Object newObj) {
                if (peerBundleChanged(oldObj, newObj)) {
                    schedule(SETTLE);
                }
            }

            @Override
            public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
                schedule(SETTLE);
            }
        };
        informers.add(client.resources(ClusterPeer.class).inform(cast(soon)));
        informers.add(client.apps()
                .deployments()
                .inNamespace(settings.namespace())
                .withLabels(Labels.managed(Labels.COMPONENT_FORWARDER))
                .inform(cast(soon)));
        schedule(Duration.ZERO);
    }

    /** Gives a pass its client and settings without starting the timer (tests run passes by hand). */
    synchronized void bind(KubernetesClient client, OperatorSettings settings) {
        this.client = client;
        this.settings = settings;
        this.events = new EventRecorder(client, clock);
    }

    @SuppressWarnings("unchecked")
    private static <T> ResourceEventHandler<T> cast(ResourceEventHandler<Object> handler) {
        return (ResourceEventHandler<T>) (ResourceEventHandler<?>) handler;
    }

    /** A ClusterPeer whose roots changed needs its bundle in every forwarder's Secret; other updates nothing. */
    private static boolean peerBundleChanged(Object oldObj, Object newObj) {
        if (oldObj instanceof ClusterPeer before && newObj instanceof ClusterPeer after) {
            return !Objects.equals(bundle(before), bundle(after))
                    || !Objects.equals(peerTrustDomain(before), peerTrustDomain(after));
        }
        return false;
    }

    /** Runs a pass after {@code after}, unless one is due sooner already. */
    private void schedule(Duration after) {
        synchronized (timer) {
            if (executor == null || executor.isShutdown()) {
                return;
            }
            if (next != null && next.getDelay(TimeUnit.MILLISECONDS) <= after.toMillis()) {
                return;
            }
            if (next != null) {
                next.cancel(false);
            }
            next = executor.schedule(this::timedPass, after.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void timedPass() {
        synchronized (timer) {
            next = null; // changes seen from now on get a pass of their own
        }
        Duration again = INTERVAL;
        try {
            if (pass().isBlocked()) {
                again = RETRY;
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "certificate rotation failed; trying again in %s", RETRY);
            again = RETRY;
        }
        schedule(again);
    }

    /** One pass: the CA, the gateway's Secret, the forwarders' Secrets, then the report. */
    synchronized CertificateReport pass() {
        List<ClusterPeer> peers = client.resources(ClusterPeer.class).list().getItems();
        CertificateReport report;
        try {
            Authority.Usable authority = trust.refresh();
            String trustDomain = trust.trustDomain();
            Set<RunwayKey> live = new HashSet<>();
            RunwayKey gatewayKey = new RunwayKey(GATEWAY, "");
            ensure(
                    Certificates.GATEWAY_SECRET,
                    SpiffeId.gateway(trustDomain),
                    authority,
                    Map.of(),
                    (name, data) -> Certificates.gatewaySecret(settings.namespace(), data),
                    gatewayKey);
            live.add(gatewayKey);
            int forwarders = 0;
            if (!peers.isEmpty()) {
                Map<String, String> bundles = peerBundles(peers);
                for (Deployment forwarder : forwarders()) {
                    String consumer = Labels.consumerNamespace(forwarder);
                    if (consumer == null) {
                        continue;
                    }
                    RunwayKey key = new RunwayKey(FORWARDER, consumer);
                    ensure(
                            Certificates.clientSecretName(
                                    forwarder.getMetadata().getName()),
                            SpiffeId.consumer(trustDomain, consumer),
                            authority,
                            bundles,
                            (name, data) -> Certificates.clientSecret(
                                    forwarder.getMetadata().getName(),
                                    consumer,
                                    settings.namespace(),
                                    data,
                                    ownedBy(forwarder)),
                            key);
                    live.add(key);
                    forwarders++;
                }
            }
            forget(live);
            report = CertificateReport.issued(
                    earliest(),
                    "certificates of trust domain " + trustDomain + " are renewed with a third of their life left:"
                            + " the gateway's" + (forwarders == 0 ? "" : " and " + forwarders + " forwarders'"));
        } catch (ClusterTrust.Blocked blocked) {
            observeHeld(!peers.isEmpty());
            report = CertificateReport.blocked(earliest(), blocked.reason(), blocked.getMessage());
            LOG.warnf("certificate rotation is blocked (%s): %s", blocked.reason(), blocked.getMessage());
        }
        for (ClusterPeer peer : peers) {
            if (report.isBlocked()) {
                events.record(
                        peer, EventRecorder.WARNING, report.blockedReason().get(), report.message());
            }
            writeStatus(peer.getMetadata().getName(), report);
        }
        return report;
    }

    @FunctionalInterface
    private interface SecretFor {
        Secret build(String name, Map<String, String> data);
    }

    /**
     * Keeps or re-issues one leaf Secret: re-issued when the decision says so, rewritten when its
     * peer bundles or ownership changed, left alone otherwise. A write that loses a race reads
     * the winner's and decides again.
     */
    private void ensure(
            String name,
            SpiffeId id,
            Authority.Usable authority,
            Map<String, String> bundles,
            SecretFor desiredSecret,
            RunwayKey key) {
        String namespace = settings.namespace();
        for (int attempt = 0; attempt < 3; attempt++) {
            Secret current = read(name);
            if (current != null
                    && !Labels.MANAGED_BY_VALUE.equals(labels(current).get(Labels.MANAGED_BY))) {
                throw new ClusterTrust.Blocked(
                        Reasons.OBJECT_CONFLICT,
                        "Secret " + name + " in namespace " + namespace + " was not created by kube-privatelink, so"
                                + " the operator leaves it alone: delete it and the operator issues its own");
            }
            Map<String, String> held = Certificates.decoded(current);
            Optional<String> reissue =
                    Certificates.reissue(held, id, authority.root().certificate(), clock);
            Map<String, String> leaf = reissue.isPresent()
                    ? Certificates.leafData(authority.intermediate().issue(id, Certificates.LEAF_VALIDITY))
                    : held;
            Map<String, String> data = Certificates.clientData(leaf, bundles);
            Secret desired = desiredSecret.build(name, data);
            try {
                if (current == null) {
                    client.secrets().inNamespace(namespace).resource(desired).create();
                } else if (!data.equals(held)
                        || !desired.getMetadata().getOwnerReferences().equals(ownerReferences(current))
                        || !labels(current)
                                .entrySet()
                                .containsAll(labels(desired).entrySet())) {
                    Secret update = new SecretBuilder(desired)
                            .withMetadata(new ObjectMetaBuilder(desired.getMetadata())
                                    .withResourceVersion(current.getMetadata().getResourceVersion())
                                    .build())
                            .build();
                    client.secrets().inNamespace(namespace).resource(update).update();
                }
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    continue; // another replica wrote it first: read theirs
                }
                throw new ClusterTrust.Blocked(
                        Reasons.CERTIFICATE_WRITE_REFUSED,
                        "the API server refused to write Secret " + name + " in namespace " + namespace + " ("
                                + ForwarderReconciler.describe(e) + ")",
                        e);
            }
            reissue.ifPresent(why -> LOG.infof("issued %s into Secret %s/%s (%s)", id, namespace, name, why));
            Certificates.expires(data).ifPresent(expiry -> observe(key, expiry));
            return;
        }
        throw new ClusterTrust.Blocked(
                Reasons.CERTIFICATE_WRITE_REFUSED,
                "Secret " + name + " in namespace " + namespace + " keeps changing under the operator");
    }

    /**
     * While blocked, the runway of what the Secrets hold now (a replica that just started knows
     * nothing else), so that the gauge and the peers' status keep running down to the expiry.
     */
    private void observeHeld(boolean peered) {
        try {
            Certificates.expires(Certificates.decoded(read(Certificates.GATEWAY_SECRET)))
                    .ifPresent(expiry -> observe(new RunwayKey(GATEWAY, ""), expiry));
            if (peered) {
                for (Deployment forwarder : forwarders()) {
                    String consumer = Labels.consumerNamespace(forwarder);
                    String name = Certificates.clientSecretName(
                            forwarder.getMetadata().getName());
                    if (consumer != null) {
                        Certificates.expires(Certificates.decoded(read(name)))
                                .ifPresent(expiry -> observe(new RunwayKey(FORWARDER, consumer), expiry));
                    }
                }
            }
        } catch (ClusterTrust.Blocked | KubernetesClientException e) {
            LOG.debugf("cannot read the certificates held: %s", e.getMessage());
        }
    }

    private Secret read(String name) {
        try {
            return client.secrets()
                    .inNamespace(settings.namespace())
                    .withName(name)
                    .get();
        } catch (KubernetesClientException e) {
            throw new ClusterTrust.Blocked(
                    Reasons.CERTIFICATE_WRITE_REFUSED,
                    "the operator cannot read Secret " + name + " in namespace " + settings.namespace() + " ("
                            + ForwarderReconciler.describe(e) + ")",
                    e);
        }
    }

    private List<Deployment> forwarders() {
        return client.apps()
                .deployments()
                .inNamespace(settings.namespace())
                .withLabels(Labels.managed(Labels.COMPONENT_FORWARDER))
                .list()
                .getItems();
    }

    /** The roots of each peer that has them, by the peer's trust domain. */
    static Map<String, String> peerBundles(List<ClusterPeer> peers) {
        Map<String, String> bundles = new TreeMap<>();
        for (ClusterPeer peer : peers) {
            String trustDomain = peerTrustDomain(peer);
            String bundle = bundle(peer);
            if (trustDomain != null && SpiffeId.isTrustDomain(trustDomain) && bundle != null && !bundle.isBlank()) {
                bundles.put(trustDomain, bundle);
            }
        }
        return bundles;
    }

    private static String bundle(ClusterPeer peer) {
        return peer.getStatus() == null ? null : peer.getStatus().getTrustBundle();
    }

    private static String peerTrustDomain(ClusterPeer peer) {
        return peer.getStatus() == null ? null : peer.getStatus().getTrustDomain();
    }

    /** Owned by its forwarder's Deployment (same namespace), so that it goes with it. */
    private static OwnerReference ownedBy(Deployment forwarder) {
        return new OwnerReferenceBuilder()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName(forwarder.getMetadata().getName())
                .withUid(forwarder.getMetadata().getUid())
                .withBlockOwnerDeletion(false)
                .build();
    }

    private static Map<String, String> labels(Secret secret) {
        return secret.getMetadata().getLabels() == null
                ? Map.of()
                : secret.getMetadata().getLabels();
    }

    private static List<OwnerReference> ownerReferences(Secret secret) {
        return secret.getMetadata().getOwnerReferences() == null
                ? List.of()
                : secret.getMetadata().getOwnerReferences();
    }

    // --- runway ---

    private void observe(RunwayKey key, Instant expiry) {
        expiries.put(key, expiry);
        gauges.computeIfAbsent(
                key,
                k -> Gauge.builder(RUNWAY, expiries, e -> secondsLeft(e.get(k)))
                        .baseUnit("seconds")
                        .description(
                                "How long the component can work on the certificates the operator issued it (and the"
                                        + " peer roots it holds) without the operator: time to their earliest expiry")
                        .tag("component", k.component())
                        .tag("consumer_namespace", k.consumerNamespace())
                        .register(registry));
    }

    private double secondsLeft(Instant expiry) {
        return expiry == null
                ? Double.NaN
                : Duration.between(clock.instant(), expiry).toSeconds();
    }

    /** Drops the runway of credentials no longer issued (a forwarder gone, the last peer gone). */
    private void forget(Set<RunwayKey> live) {
        for (RunwayKey key : Set.copyOf(expiries.keySet())) {
            if (!live.contains(key)) {
                expiries.remove(key);
                Gauge gauge = gauges.remove(key);
                if (gauge != null) {
                    registry.remove(gauge);
                }
            }
        }
    }

    private Optional<Instant> earliest() {
        return expiries.values().stream().min(Instant::compareTo);
    }

    /** The runway gauge's value for one component, for tests. */
    Optional<Instant> expiry(String component, String consumerNamespace) {
        return Optional.ofNullable(expiries.get(new RunwayKey(component, consumerNamespace)));
    }

    // --- status ---

    /**
     * Writes only this side's fields of a ClusterPeer's status (runway, certificatesExpire and the
     * CertificatesReady condition) into the status as read, at the resourceVersion read: a
     * concurrent writer of the other fields makes the API server refuse it with 409 rather than
     * be undone, and the next pass tries again. (A merge patch would replace the whole conditions
     * list, others' conditions included, with what this pass read.)
     */
    private void writeStatus(String name, CertificateReport report) {
        try {
            ClusterPeer fresh =
                    client.resources(ClusterPeer.class).withName(name).get();
            if (fresh == null) {
                return;
            }
            ClusterPeerStatus current = fresh.getStatus() == null ? new ClusterPeerStatus() : fresh.getStatus();
            String before = JSON.asJson(current);
            ClusterPeerStatus status = report.applyTo(JSON.clone(current), clock.instant());
            if (before.equals(JSON.asJson(status))) {
                return;
            }
            fresh.setStatus(status);
            client.resource(fresh).updateStatus();
        } catch (KubernetesClientException e) {
            LOG.debugf("could not report certificates on ClusterPeer %s (the next pass tries again): %s", name, e);
        }
    }

    @Override
    @PreDestroy
    public synchronized void close() {
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
        synchronized (timer) {
            if (executor != null) {
                executor.shutdownNow();
                executor = null;
            }
        }
    }
}
