package dev.privatelink.operator;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerSpec;
import dev.privatelink.api.ClusterPeerStatus;
import dev.privatelink.api.Condition;
import dev.privatelink.cache.LeanItemStore;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.Labels;
import dev.privatelink.events.EventRecorder;
import dev.privatelink.peering.Enrolment;
import dev.privatelink.peering.Enrolment.Refuse;
import dev.privatelink.peering.Enrolment.Self;
import dev.privatelink.peering.InviteToken;
import dev.privatelink.peering.PeerConditions;
import dev.privatelink.peering.PeerConditions.Reasons;
import dev.privatelink.peering.PeeringClient;
import dev.privatelink.peering.PeeringRefused;
import dev.privatelink.peering.PeeringWire.EnrolAnswer;
import dev.privatelink.peering.PeeringWire.EnrolRequest;
import dev.privatelink.peering.Refusal;
import dev.privatelink.pki.CertificateAuthority;
import dev.privatelink.pki.LocalTrust;
import dev.privatelink.pki.Pem;
import dev.privatelink.pki.SpiffeId;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Enrols each ClusterPeer: an invite writes a one-time token into a Secret and waits for the peer
 * (the peering server records it, see {@link PeeringRequests}); a join dials the peer with the
 * token it was given; a static peer is taken from its spec. Once enrolled, the record in status
 * is kept as it is (it is the only copy; the peer's answer cannot be asked for again).
 */
@ControllerConfiguration(
        informer = @Informer(itemStore = LeanItemStore.class),
        name = "clusterpeer",
        maxReconciliationInterval =
                @MaxReconciliationInterval(interval = Resync.INTERVAL_MINUTES, timeUnit = TimeUnit.MINUTES))
public class ClusterPeerReconciler implements Reconciler<ClusterPeer> {

    /** How an invite's token reaches the joining operator: in production, {@link PeeringClient#enrol}. */
    @FunctionalInterface
    public interface Enroller {
        EnrolAnswer enrol(InviteToken token, EnrolRequest request) throws PeeringRefused;
    }

    static final String TOKEN_KEY = "token";
    static final Duration DEFAULT_INVITE_VALIDITY = Duration.ofHours(24);
    static final Duration MAX_INVITE_VALIDITY = Duration.ofHours(168);
    static final Duration TOKEN_MISSING_RETRY = Duration.ofSeconds(30);
    private static final Pattern GO_DURATION = Pattern.compile("(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?");
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final OperatorSettings settings;
    private final LocalTrust trust;
    private final Clock clock;
    private final Enroller enroller;
    private final PeerContacts contacts;
    // contact with a peer gained or lost (PeerContacts) arrives here, not through an informer
    private final SimpleInboundEventSource<ClusterPeer> contactChanges = new SimpleInboundEventSource<>();
    private EventRecorder events;
    private ClusterIdentity cluster;

    @Inject
    public ClusterPeerReconciler(OperatorSettings settings, LocalTrust trust, PeerContacts contacts) {
        this(settings, trust, Clock.systemUTC(), new PeeringClient(trust, Clock.systemUTC())::enrol, contacts);
    }

    public ClusterPeerReconciler(
            OperatorSettings settings, LocalTrust trust, Clock clock, Enroller enroller, PeerContacts contacts) {
        this.settings = settings;
        this.trust = trust;
        this.clock = clock;
        this.enroller = enroller;
        this.contacts = contacts;
    }

    /** The invite Secret of a ClusterPeer, in the operator's namespace. */
    static final Duration CONTACT_REFRESH = Duration.ofMinutes(1);

    public static String inviteSecretName(String peer) {
        return "clusterpeer-" + peer + "-invite";
    }

    @Override
    public List<EventSource<?, ClusterPeer>> prepareEventSources(EventSourceContext<ClusterPeer> ctx) {
        events = new EventRecorder(ctx.getClient(), clock);
        cluster = new ClusterIdentity(ctx.getClient());
        contacts.onChange(peer -> contactChanges.propagateEvent(new ResourceID(peer)));
        return List.of(contactChanges);
    }

    @Override
    public UpdateControl<ClusterPeer> reconcile(ClusterPeer peer, Context<ClusterPeer> ctx) {
        KubernetesClient client = ctx.getClient();
        Instant now = clock.instant();
        ClusterPeerSpec spec = peer.getSpec() == null ? new ClusterPeerSpec() : peer.getSpec();
        ClusterPeerStatus status = peer.getStatus() == null ? new ClusterPeerStatus() : JSON.clone(peer.getStatus());
        List<Enrolment.Peer> others =
                ctx.getPrimaryCache().list().map(Enrolment.Peer::of).toList();
        Outcome outcome = new Outcome(peer, status, now);
        Duration again = null;
        if (spec.getStaticPeer() != null) {
            staticPeer(spec.getStaticPeer(), others, outcome);
        } else if (spec.getInvite() != null) {
            again = invite(client, spec.getInvite(), outcome);
        } else if (spec.getJoin() != null) {
            again = join(client, spec.getJoin(), others, outcome);
        }
        PeerConditions.ready(status, spec.suspended(), peer.getMetadata().getGeneration(), now);
        Optional<PeerContacts.Contact> contact =
                contacts.contact(peer.getMetadata().getName());
        contact.ifPresent(c -> connected(status, c, peer.getMetadata().getGeneration()));
        status.setObservedGeneration(peer.getMetadata().getGeneration());
        writeStatus(client, peer, status);
        if (contact.isPresent()) {
            // lastContact moves with the exchanges; written once a minute, not at every one
            again = again == null || again.compareTo(CONTACT_REFRESH) > 0 ? CONTACT_REFRESH : again;
        }
        UpdateControl<ClusterPeer> control = UpdateControl.noUpdate();
        return again == null ? control : control.rescheduleAfter(again.toMillis());
    }

    /** Connected: the last peering exchange with the peer, either way, succeeded. */
    private static void connected(ClusterPeerStatus status, PeerContacts.Contact contact, Long generation) {
        if (contact.reachable()) {
            PeerConditions.connected(
                    status,
                    true,
                    "Exchanged",
                    "the last peering exchange succeeded",
                    generation,
                    contact.lastSuccess());
        } else {
            PeerConditions.connected(
                    status,
                    false,
                    "Unreachable",
                    "no peering exchange has succeeded since " + contact.errorSince() + ": " + contact.error()
                            + "; endpoints keep their state and traffic",
                    generation,
                    contact.errorSince());
        }
    }

    @Override
    public ErrorStatusUpdateControl<ClusterPeer> updateErrorStatus(
            ClusterPeer resource, Context<ClusterPeer> ctx, Exception e) {
        return StatusUpdates.onFailure(e);
    }

    /** A static peer: its status is its spec, once the bundle parses and the trust domain is free. */
    private void staticPeer(ClusterPeerSpec.Static spec, List<Enrolment.Peer> others, Outcome outcome) {
        ClusterPeerStatus status = outcome.status;
        status.setTrustDomain(null);
        status.setTrustBundle(null);
        status.setClusterUid(null);
        status.setGatewayAddresses(null);
        if (!SpiffeId.isTrustDomain(spec.getTrustDomain())) {
            outcome.notEnrolled(Reasons.INVALID_SPEC, "spec.static.trustDomain is not a trust domain");
            return;
        }
        try {
            Pem.parseCertificates(spec.getTrustBundle());
        } catch (IllegalArgumentException e) {
            outcome.notEnrolled(Reasons.INVALID_BUNDLE, "spec.static.trustBundle: " + e.getMessage());
            return;
        }
        Optional<Refuse> taken = Enrolment.taken(spec.getTrustDomain(), null, outcome.name(), others, self());
        if (taken.isPresent()) {
            outcome.refused(taken.get().reason(), taken.get().message());
            return;
        }
        status.setTrustDomain(spec.getTrustDomain());
        status.setTrustBundle(spec.getTrustBundle());
        status.setGatewayAddresses(
                spec.getGatewayAddresses() == null || spec.getGatewayAddresses().isEmpty()
                        ? null
                        : List.copyOf(spec.getGatewayAddresses()));
        outcome.enrolled(Reasons.STATIC, "trusted as written in spec.static");
    }

    /**
     * An invite: a token in the invite Secret (kept across reconciles: the Secret holds the code,
     * status only its hash) until the peer joins or the token expires.
     */
    private Duration invite(KubernetesClient client, ClusterPeerSpec.Invite spec, Outcome outcome) {
        ClusterPeerStatus status = outcome.status;
        if (PeerConditions.isEnrolled(status)) {
            return null;
        }
        List<String> addresses = settings.peering().gatewayAddresses().orElse(List.of());
        if (addresses.isEmpty()) {
            outcome.notEnrolled(
                    Reasons.NO_GATEWAY_ADDRESSES,
                    "the operator has no gateway address to put into the invite: set peering.gatewayAddresses"
                            + " (host:port of this cluster's gateway as the peer reaches it)");
            return null;
        }
        Optional<Duration> validity = validity(spec.getExpiresAfter());
        if (validity.isEmpty()) {
            outcome.notEnrolled(
                    Reasons.INVALID_SPEC,
                    "spec.invite.expiresAfter must be a duration over 0 and at most " + MAX_INVITE_VALIDITY.toHours()
                            + "h");
            return null;
        }
        String namespace = settings.namespace();
        String name = inviteSecretName(outcome.name());
        Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
        if (existing != null && !ownedBy(existing, outcome.peer)) {
            outcome.notEnrolled(
                    Reasons.OBJECT_CONFLICT,
                    "Secret " + namespace + "/" + name + " exists and was not created for this ClusterPeer: delete"
                            + " or rename it");
            return null;
        }
        InviteToken token = existing == null ? null : tokenIn(existing).orElse(null);
        if (token == null || !token.trustDomain().equals(trust.trustDomain())) {
            token = InviteToken.issue(
                    trust.trustDomain(),
                    addresses,
                    CertificateAuthority.pin(trust.roots().get(0).getPublicKey()),
                    outcome.now.plus(validity.get()));
            Secret secret = inviteSecret(namespace, name, outcome.peer, token);
            if (existing == null) {
                client.secrets().resource(secret).create();
            } else {
                secret.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
                client.secrets().resource(secret).update();
            }
        }
        status.setInviteSecret(name);
        status.setInviteExpires(token.expires());
        status.setTokenHash(InviteToken.hash(token.code()));
        if (token.expiredAt(outcome.now)) {
            outcome.notEnrolled(
                    Refusal.TokenExpired.name(),
                    "the invite expired unused at " + token.expires()
                            + ": delete this ClusterPeer and create it again for a new invite");
            return null;
        }
        outcome.notEnrolled(
                Reasons.INVITE_PENDING,
                "waiting for the peer to join: hand it the token in Secret " + namespace + "/" + name
                        + " (key token), usable once until " + token.expires());
        return Duration.between(outcome.now, token.expiry()).plusSeconds(1);
    }

    /** A join: dial the peer with its token, once per token; an unreachable peer is tried again with backoff. */
    private Duration join(
            KubernetesClient client, ClusterPeerSpec.Join spec, List<Enrolment.Peer> others, Outcome outcome) {
        ClusterPeerStatus status = outcome.status;
        if (PeerConditions.isEnrolled(status)) {
            return null;
        }
        ClusterPeerSpec.SecretKeyRef ref = spec.getTokenSecretRef();
        String key = ref.getKey() == null ? TOKEN_KEY : ref.getKey();
        Secret secret = client.secrets()
                .inNamespace(settings.namespace())
                .withName(ref.getName())
                .get();
        Optional<String> text = secret == null ? Optional.empty() : value(secret, key);
        if (text.isEmpty()) {
            outcome.notEnrolled(
                    Reasons.TOKEN_NOT_FOUND,
                    "no token at key " + key + " of Secret " + settings.namespace() + "/" + ref.getName()
                            + ": create it with the token the peer's admin handed out");
            return TOKEN_MISSING_RETRY;
        }
        String tokenHash = InviteToken.hash(text.get().strip());
        Optional<Condition> enrolled = status.condition(PeerConditions.ENROLLED);
        if (tokenHash.equals(status.getTokenHash())
                && enrolled.map(ClusterPeerReconciler::finalRefusal).orElse(false)) {
            return null; // this token was refused for good: wait for another
        }
        status.setTokenHash(tokenHash);
        InviteToken token;
        try {
            token = InviteToken.parse(text.get());
        } catch (PeeringRefused invalid) {
            outcome.refused(invalid.reason(), invalid.getMessage());
            return null;
        }
        if (token.expiredAt(outcome.now)) {
            outcome.refused(
                    Refusal.TokenExpired,
                    "the token expired at " + token.expires() + ": ask the peer's admin for a new invite");
            return null;
        }
        Optional<Refuse> taken = Enrolment.taken(token.trustDomain(), null, outcome.name(), others, self());
        if (taken.isPresent()) {
            outcome.refused(taken.get().reason(), taken.get().message());
            return null;
        }
        EnrolRequest request = new EnrolRequest(
                token.code(),
                trust.trustDomain(),
                cluster.uid(),
                Pem.certificates(trust.roots()),
                settings.peering().gatewayAddresses().orElse(List.of()));
        EnrolAnswer answer;
        try {
            answer = enroller.enrol(token, request);
        } catch (PeeringRefused refused) {
            if (refused.reason().retried()) {
                outcome.notEnrolled(refused.reason().name(), refused.getMessage() + "; trying again");
                return PeerConditions.retryDelay(status.condition(PeerConditions.ENROLLED), outcome.now);
            }
            outcome.refused(refused.reason(), refused.getMessage());
            return null;
        }
        Optional<Refuse> clusterTaken =
                Enrolment.taken(answer.trustDomain(), answer.clusterUid(), outcome.name(), others, self());
        if (clusterTaken.isPresent()) {
            outcome.refused(clusterTaken.get().reason(), clusterTaken.get().message());
            return null;
        }
        try {
            Pem.parseCertificates(answer.trustBundle());
        } catch (IllegalArgumentException e) {
            outcome.refused(Refusal.InvalidRequest, "the peer's trust bundle does not parse: " + e.getMessage());
            return null;
        }
        status.setTrustDomain(answer.trustDomain());
        status.setClusterUid(answer.clusterUid());
        status.setTrustBundle(answer.trustBundle());
        status.setGatewayAddresses(answer.gatewayAddresses().isEmpty() ? null : List.copyOf(answer.gatewayAddresses()));
        status.setLastContact(outcome.now.toString());
        outcome.enrolled(Reasons.ENROLLED, "enrolled with trust domain " + answer.trustDomain() + " by its invite");
        return null;
    }

    /** An Enrolled=False whose reason is a refusal that a retry with the same token cannot change. */
    private static boolean finalRefusal(Condition enrolled) {
        if (enrolled.isTrue()) {
            return false;
        }
        for (Refusal refusal : Refusal.values()) {
            if (refusal.name().equals(enrolled.getReason())) {
                return !refusal.retried();
            }
        }
        return false;
    }

    private Self self() {
        return new Self(trust.trustDomain(), cluster.uid());
    }

    /** Writes the status when it changed, against the version reconciled (a concurrent enrolment wins, and this reconcile runs again). */
    private static void writeStatus(KubernetesClient client, ClusterPeer peer, ClusterPeerStatus status) {
        if (peer.getStatus() != null && JSON.asJson(peer.getStatus()).equals(JSON.asJson(status))) {
            return;
        }
        ClusterPeer update = new ClusterPeer();
        update.setMetadata(peer.getMetadata());
        update.setSpec(peer.getSpec());
        update.setStatus(status);
        client.resource(update).updateStatus();
    }

    static Optional<Duration> validity(String expiresAfter) {
        if (expiresAfter == null || expiresAfter.isEmpty()) {
            return Optional.of(DEFAULT_INVITE_VALIDITY);
        }
        Matcher m = GO_DURATION.matcher(expiresAfter);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            Duration d = Duration.ofHours(m.group(1) == null ? 0 : Long.parseLong(m.group(1)))
                    .plusMinutes(m.group(2) == null ? 0 : Long.parseLong(m.group(2)))
                    .plusSeconds(m.group(3) == null ? 0 : Long.parseLong(m.group(3)));
            return d.isZero() || d.compareTo(MAX_INVITE_VALIDITY) > 0 ? Optional.empty() : Optional.of(d);
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static boolean ownedBy(Secret secret, ClusterPeer peer) {
        return secret.getMetadata().getOwnerReferences() != null
                && secret.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> peer.getMetadata().getUid().equals(o.getUid()));
    }

    private static Optional<InviteToken> tokenIn(Secret secret) {
        Optional<String> text = value(secret, TOKEN_KEY);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InviteToken.parse(text.get()));
        } catch (PeeringRefused e) {
            return Optional.empty();
        }
    }

    private static Optional<String> value(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().get(key) != null) {
            try {
                return Optional.of(new String(
                        Base64.getMimeDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
            return Optional.of(secret.getStringData().get(key));
        }
        return Optional.empty();
    }

    private static Secret inviteSecret(String namespace, String name, ClusterPeer peer, InviteToken token) {
        OwnerReference owner = new OwnerReferenceBuilder()
                .withApiVersion(peer.getApiVersion())
                .withKind(peer.getKind())
                .withName(peer.getMetadata().getName())
                .withUid(peer.getMetadata().getUid())
                .withBlockOwnerDeletion(false)
                .withController(true)
                .build();
        return new SecretBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .withLabels(Map.of(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE))
                .withOwnerReferences(owner)
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of(
                        TOKEN_KEY,
                        Base64.getEncoder().encodeToString(token.encode().getBytes(StandardCharsets.US_ASCII))))
                .build();
    }

    /** The status being built for one ClusterPeer, and the Events its refusals raise. */
    private final class Outcome {
        final ClusterPeer peer;
        final ClusterPeerStatus status;
        final Instant now;

        Outcome(ClusterPeer peer, ClusterPeerStatus status, Instant now) {
            this.peer = peer;
            this.status = status;
            this.now = now;
        }

        String name() {
            return peer.getMetadata().getName();
        }

        void enrolled(String reason, String message) {
            boolean news = !PeerConditions.isEnrolled(peer.getStatus());
            PeerConditions.enrolled(
                    status, true, reason, message, peer.getMetadata().getGeneration(), now);
            if (news) {
                events.record(peer, EventRecorder.NORMAL, reason, message);
            }
        }

        void notEnrolled(String reason, String message) {
            PeerConditions.enrolled(
                    status, false, reason, message, peer.getMetadata().getGeneration(), now);
        }

        void refused(Refusal reason, String message) {
            notEnrolled(reason.name(), message);
            events.record(peer, EventRecorder.WARNING, reason.name(), message);
        }
    }
}
