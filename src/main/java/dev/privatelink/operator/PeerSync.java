package dev.privatelink.operator;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.desired.PeerView;
import dev.privatelink.peering.PeerLink;
import dev.privatelink.peering.PeeringException;
import dev.privatelink.peering.PeeringMessages.Answer;
import dev.privatelink.peering.PeeringMessages.RequestedEndpoint;
import dev.privatelink.peering.PeeringMessages.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The consumer side of the peering API: sends each provider peer the whole list of this cluster's
 * endpoints that name it, at once when one changes and every {@link #interval} otherwise (the
 * anti-entropy that repairs a lost exchange), and hands the answers to the endpoints' reconciles.
 * A peer that cannot be reached changes nothing: its endpoints keep their state and traffic.
 */
public final class PeerSync implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PeerSync.class);
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    private static final Duration TICK = Duration.ofMillis(250);

    /** What the sync reads from the operator's caches, and where it reports answers. */
    public interface Source {
        Collection<ClusterPeer> peers();

        /** This cluster's live endpoints whose spec.serviceCluster is {@code peer}. */
        List<InterfaceEndpoint> endpointsNaming(String peer);

        Map<String, String> namespaceLabels(String namespace);

        /** The answers for these endpoints (namespace/name) of {@code peer} changed. */
        void answered(String peer, Set<String> endpoints);
    }

    private final PeerLink link;
    private final PeerAnswers answers;
    private final Clock clock;
    private final Duration interval;
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> lastAttempt = new ConcurrentHashMap<>();
    private final PeerContacts contacts;
    private volatile Source source;
    private ScheduledExecutorService executor;

    public PeerSync(PeerLink link, PeerAnswers answers, PeerContacts contacts, Clock clock, Duration interval) {
        this.link = link;
        this.answers = answers;
        this.contacts = contacts;
        this.clock = clock;
        this.interval = interval;
    }

    /** A sync with no transport: for operators and tests without peers; every exchange fails, nothing is concluded. */
    public static PeerSync unlinked() {
        return new PeerSync(
                (peer, snapshot) -> {
                    throw new PeeringException("no peering transport in this operator");
                },
                new PeerAnswers(),
                new PeerContacts(),
                Clock.systemUTC(),
                DEFAULT_INTERVAL);
    }

    /** Set by the endpoint reconciler once its caches exist. */
    void attach(Source source) {
        this.source = source;
    }

    /** Starts exchanging; call once the operator's caches are synced, or a half-filled cache would read as deletions. */
    public synchronized void start() {
        if (executor == null) {
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "peer-sync");
                t.setDaemon(true);
                return t;
            });
            executor.scheduleWithFixedDelay(this::tickSafely, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Asks for an exchange with {@code peer} soon (an endpoint naming it changed). */
    public void wanted(String peer) {
        dirty.add(peer);
    }

    /** A task that throws is never run again by its executor: nothing may end the sync. */
    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warnf(e, "peer sync pass failed; trying again");
        }
    }

    private void tick() {
        Source s = source;
        if (s == null) {
            return;
        }
        Instant now = clock.instant();
        for (ClusterPeer peer : s.peers()) {
            String name = peer.getMetadata().getName();
            if (!PeerView.of(name, Optional.of(peer), null).usable()) {
                continue;
            }
            Instant last = lastAttempt.get(name);
            boolean due = dirty.remove(name) || last == null || !now.isBefore(last.plus(interval));
            if (due) {
                lastAttempt.put(name, now);
                exchange(s, peer, name);
            }
        }
    }

    private void exchange(Source s, ClusterPeer peer, String name) {
        try {
            Answer answer = link.sync(peer, snapshot(s, peer, name));
            Set<String> changed = answers.record(name, answer);
            contacts.succeeded(name, clock.instant());
            if (!changed.isEmpty()) {
                s.answered(name, changed);
            }
        } catch (PeeringException | RuntimeException e) {
            boolean wasReachable =
                    contacts.contact(name).map(PeerContacts.Contact::reachable).orElse(true);
            if (wasReachable) {
                LOG.warnf("peer %s: exchange failed, endpoints keep their state: %s", name, e.getMessage());
            }
            contacts.failed(name, String.valueOf(e.getMessage()), clock.instant());
        }
    }

    /** Every endpoint naming the peer whose namespace the ClusterPeer lets in. */
    private static Snapshot snapshot(Source s, ClusterPeer peer, String name) {
        List<RequestedEndpoint> endpoints = new ArrayList<>();
        for (InterfaceEndpoint ep : s.endpointsNaming(name)) {
            Map<String, String> labels = s.namespaceLabels(ep.getMetadata().getNamespace());
            if (PeerView.of(name, Optional.of(peer), labels).usable()) {
                endpoints.add(new RequestedEndpoint(
                        ep.getMetadata().getNamespace(),
                        ep.getMetadata().getName(),
                        ep.getMetadata().getUid(),
                        ep.getSpec().getServiceName(),
                        ep.getSpec().getPorts(),
                        labels));
            }
        }
        endpoints.sort(Comparator.comparing(RequestedEndpoint::namespace).thenComparing(RequestedEndpoint::name));
        return new Snapshot(endpoints);
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }
}
