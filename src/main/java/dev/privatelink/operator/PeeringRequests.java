package dev.privatelink.operator;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerStatus;
import dev.privatelink.cache.LeanItemStore;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.events.EventRecorder;
import dev.privatelink.peering.Enrolment;
import dev.privatelink.peering.Enrolment.Decision;
import dev.privatelink.peering.Enrolment.Enrol;
import dev.privatelink.peering.Enrolment.Refuse;
import dev.privatelink.peering.Enrolment.Repeat;
import dev.privatelink.peering.Enrolment.Self;
import dev.privatelink.peering.PeerConditions;
import dev.privatelink.peering.PeerConditions.Reasons;
import dev.privatelink.peering.PeeringException;
import dev.privatelink.peering.PeeringMessages.Answer;
import dev.privatelink.peering.PeeringMessages.Snapshot;
import dev.privatelink.peering.PeeringRefused;
import dev.privatelink.peering.PeeringServer;
import dev.privatelink.peering.PeeringService;
import dev.privatelink.peering.PeeringWire.EnrolAnswer;
import dev.privatelink.peering.PeeringWire.EnrolRequest;
import dev.privatelink.peering.Refusal;
import dev.privatelink.pki.LocalTrust;
import dev.privatelink.pki.Pem;
import dev.privatelink.pki.SpiffeId;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What the operator's peering server does with a request. {@code enrol}: the invite's code names
 * the ClusterPeer; the decision ({@link Enrolment}) is made on a fresh list of ClusterPeers and
 * recorded against the version it was made on, so that one code enrols one peer even with two
 * requests at once or two operator replicas. {@code sync}: only the operator of an enrolled peer
 * that is not suspended, identified by its client certificate, reaches the {@link PeeringService}.
 */
final class PeeringRequests implements PeeringServer.Handler, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PeeringRequests.class);
    private static final int ATTEMPTS = 3;

    private final KubernetesClient client;
    private final OperatorSettings settings;
    private final LocalTrust trust;
    private final Clock clock;
    private final PeeringService service;
    private final ClusterIdentity cluster;
    private final EventRecorder events;
    private final SharedIndexInformer<ClusterPeer> peers;

    PeeringRequests(
            KubernetesClient client, OperatorSettings settings, LocalTrust trust, Clock clock, PeeringService service) {
        this.client = client;
        this.settings = settings;
        this.trust = trust;
        this.clock = clock;
        this.service = service;
        this.cluster = new ClusterIdentity(client);
        this.events = new EventRecorder(client, clock);
        this.peers = client.resources(ClusterPeer.class).runnableInformer(0).itemStore(new LeanItemStore<>());
        this.peers.run();
    }

    @Override
    public synchronized EnrolAnswer enrol(EnrolRequest request) throws PeeringRefused {
        for (int attempt = 1; ; attempt++) {
            List<ClusterPeer> all = client.resources(ClusterPeer.class).list().getItems();
            Instant now = clock.instant();
            Decision decision = Enrolment.decide(
                    request,
                    all.stream().map(Enrolment.Peer::of).toList(),
                    new Self(trust.trustDomain(), cluster.uid()),
                    now);
            if (decision instanceof Refuse refuse) {
                all.stream()
                        .filter(p -> p.getMetadata().getName().equals(refuse.peer()))
                        .findFirst()
                        .ifPresent(p -> events.record(
                                p,
                                EventRecorder.WARNING,
                                refuse.reason().name(),
                                "refused an enrolment from trust domain " + request.trustDomain() + ": "
                                        + refuse.message()));
                throw new PeeringRefused(refuse.reason(), refuse.message());
            }
            if (decision instanceof Repeat) {
                return answer();
            }
            ClusterPeer peer = all.stream()
                    .filter(p -> p.getMetadata().getName().equals(((Enrol) decision).peer()))
                    .findFirst()
                    .orElseThrow();
            try {
                record(peer, request, now);
                return answer();
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= ATTEMPTS) {
                    LOG.warnf(
                            "could not record the enrolment of %s: %s",
                            peer.getMetadata().getName(), e.getMessage());
                    throw new PeeringRefused(
                            Refusal.Unreachable, "the provider could not record the enrolment; try again");
                }
                // the ClusterPeer changed since the list (another request, a reconcile): decide again
            }
        }
    }

    /** Records the joiner on the invite's ClusterPeer, against the version decided on. */
    private void record(ClusterPeer peer, EnrolRequest request, Instant now) {
        ClusterPeerStatus status = peer.getStatus();
        status.setTrustDomain(request.trustDomain());
        status.setClusterUid(request.clusterUid());
        status.setTrustBundle(request.trustBundle());
        status.setGatewayAddresses(
                request.gatewayAddresses().isEmpty() ? null : List.copyOf(request.gatewayAddresses()));
        status.setLastContact(now.toString());
        Long generation = peer.getMetadata().getGeneration();
        String message = "enrolled trust domain " + request.trustDomain() + " (cluster " + request.clusterUid()
                + ") by its invite; the token is spent";
        PeerConditions.enrolled(status, true, Reasons.ENROLLED, message, generation, now);
        PeerConditions.ready(status, peer.getSpec() != null && peer.getSpec().suspended(), generation, now);
        client.resource(peer).updateStatus();
        events.record(peer, EventRecorder.NORMAL, Reasons.ENROLLED, message);
    }

    private EnrolAnswer answer() {
        return new EnrolAnswer(
                trust.trustDomain(),
                cluster.uid(),
                Pem.certificates(trust.roots()),
                settings.peering().gatewayAddresses().orElse(List.of()));
    }

    @Override
    public Answer sync(Optional<SpiffeId> caller, Snapshot snapshot) throws PeeringException {
        if (caller.isEmpty() || caller.get().role() != SpiffeId.Role.OPERATOR) {
            throw new PeeringRefused(
                    Refusal.NotPeer, "a peering sync needs the client certificate of an enrolled peer's operator");
        }
        ClusterPeer peer = enrolled(caller.get().trustDomain())
                .orElseThrow(() -> new PeeringRefused(
                        Refusal.NotPeer, "trust domain " + caller.get().trustDomain() + " is not an enrolled peer"));
        if (peer.getSpec() != null && peer.getSpec().suspended()) {
            throw new PeeringRefused(Refusal.Suspended, "this cluster has suspended the peering");
        }
        return service.sync(peer.getMetadata().getName(), snapshot);
    }

    @Override
    public Collection<X509Certificate> rootsOf(String trustDomain) {
        return enrolled(trustDomain)
                .map(p -> {
                    try {
                        return Pem.parseCertificates(p.getStatus().getTrustBundle());
                    } catch (IllegalArgumentException e) {
                        return List.<X509Certificate>of();
                    }
                })
                .orElse(List.of());
    }

    private Optional<ClusterPeer> enrolled(String trustDomain) {
        return peers.getStore().list().stream()
                .filter(p -> PeerConditions.isEnrolled(p.getStatus()))
                .filter(p -> trustDomain.equals(p.getStatus().getTrustDomain()))
                .findFirst();
    }

    @Override
    public void close() {
        peers.close();
    }
}
