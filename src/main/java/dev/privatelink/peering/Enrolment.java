package dev.privatelink.peering;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerStatus;
import dev.privatelink.peering.PeeringWire.EnrolRequest;
import dev.privatelink.pki.Pem;
import dev.privatelink.pki.SpiffeId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The inviting side's decision on an enrolment request, pure: the request against the invites and
 * the peers already enrolled, at the clock's time. The code names the invite (by its hash), so the
 * request needs to say nothing else about which ClusterPeer it is for.
 */
public final class Enrolment {

    static final int MAX_BUNDLE = 65536;
    static final int MAX_ADDRESSES = 16;

    private Enrolment() {}

    /** This cluster, as it states itself to peers. */
    public record Self(String trustDomain, String clusterUid) {}

    /**
     * One ClusterPeer as the decision needs it.
     *
     * @param invite        whether it is in invite mode
     * @param tokenHash     the SHA-256 of its invite's code (invite mode, once issued)
     * @param inviteExpires when that code expires
     * @param trustDomain   the peer's trust domain, once known (enrolled or static)
     * @param clusterUid    the peer's cluster UID, once enrolled
     * @param trustBundle   the peer's roots (PEM), once known
     */
    public record Peer(
            String name,
            boolean invite,
            String tokenHash,
            Instant inviteExpires,
            String trustDomain,
            String clusterUid,
            String trustBundle) {
        boolean enrolled() {
            return trustDomain != null;
        }

        /** A ClusterPeer as this decision sees it: its trust domain and cluster count once it is enrolled. */
        public static Peer of(ClusterPeer peer) {
            ClusterPeerStatus status = peer.getStatus();
            boolean enrolled = PeerConditions.isEnrolled(status);
            Instant expires = null;
            if (status != null && status.getInviteExpires() != null) {
                try {
                    expires = Instant.parse(status.getInviteExpires());
                } catch (RuntimeException e) {
                    expires = null; // unreadable: treated as expired
                }
            }
            return new Peer(
                    peer.getMetadata().getName(),
                    peer.getSpec() != null && peer.getSpec().getInvite() != null,
                    status == null ? null : status.getTokenHash(),
                    expires,
                    enrolled ? status.getTrustDomain() : null,
                    enrolled ? status.getClusterUid() : null,
                    enrolled ? status.getTrustBundle() : null);
        }
    }

    public sealed interface Decision {}

    /** Record the joiner on {@code peer} and answer. */
    public record Enrol(String peer) implements Decision {}

    /** The joiner already enrolled on {@code peer} asks again (its answer was lost): answer, change nothing. */
    public record Repeat(String peer) implements Decision {}

    /** @param peer the invite the code belongs to, when one does (for its Event); else null */
    public record Refuse(Refusal reason, String message, String peer) implements Decision {}

    public static Decision decide(EnrolRequest request, List<Peer> peers, Self self, Instant now) {
        Optional<String> malformed = malformed(request);
        if (malformed.isPresent()) {
            return new Refuse(Refusal.InvalidRequest, malformed.get(), null);
        }
        byte[] hash = InviteToken.hash(request.code()).getBytes(StandardCharsets.US_ASCII);
        Optional<Peer> invite = peers.stream()
                .filter(p -> p.invite() && p.tokenHash() != null)
                // constant time: the comparison says nothing of how close a guess came
                .filter(p -> MessageDigest.isEqual(p.tokenHash().getBytes(StandardCharsets.US_ASCII), hash))
                .findFirst();
        if (invite.isEmpty()) {
            return new Refuse(
                    Refusal.InvalidToken,
                    "no invite of this cluster has this code (the ClusterPeer may have been deleted):"
                            + " ask its admin for a new token",
                    null);
        }
        Peer peer = invite.get();
        if (peer.enrolled()) {
            if (peer.trustDomain().equals(request.trustDomain())
                    && request.clusterUid().equals(peer.clusterUid())
                    && request.trustBundle().equals(peer.trustBundle())) {
                return new Repeat(peer.name());
            }
            return new Refuse(
                    Refusal.TokenUsed,
                    "this invite was already used by another cluster: ask the provider's admin for a new one",
                    peer.name());
        }
        if (peer.inviteExpires() == null || !now.isBefore(peer.inviteExpires())) {
            return new Refuse(
                    Refusal.TokenExpired,
                    "this invite expired at " + peer.inviteExpires() + ": ask the provider's admin for a new one",
                    peer.name());
        }
        Optional<Refuse> taken = taken(request.trustDomain(), request.clusterUid(), peer.name(), peers, self);
        if (taken.isPresent()) {
            return taken.get();
        }
        return new Enrol(peer.name());
    }

    /**
     * Whether a peer of {@code trustDomain} and {@code clusterUid} (null: not known yet) would
     * collide with this cluster or with a ClusterPeer other than {@code name}: one trust domain and
     * one cluster are one peer, or a peer could speak for another.
     */
    public static Optional<Refuse> taken(
            String trustDomain, String clusterUid, String name, List<Peer> peers, Self self) {
        if (trustDomain.equals(self.trustDomain())) {
            return Optional.of(new Refuse(
                    Refusal.TrustDomainTaken,
                    "trust domain " + trustDomain + " is this cluster's own: two clusters need two trust domains",
                    name));
        }
        if (clusterUid != null && clusterUid.equals(self.clusterUid())) {
            return Optional.of(new Refuse(Refusal.ClusterTaken, "a cluster cannot peer with itself", name));
        }
        for (Peer other : peers) {
            if (other.name().equals(name)) {
                continue;
            }
            if (trustDomain.equals(other.trustDomain())) {
                return Optional.of(new Refuse(
                        Refusal.TrustDomainTaken,
                        "trust domain " + trustDomain + " is already enrolled as ClusterPeer " + other.name(),
                        name));
            }
            if (clusterUid != null && clusterUid.equals(other.clusterUid())) {
                return Optional.of(new Refuse(
                        Refusal.ClusterTaken,
                        "cluster " + clusterUid + " is already enrolled as ClusterPeer " + other.name(),
                        name));
            }
        }
        return Optional.empty();
    }

    /** What is wrong with a request's own fields, if anything. */
    static Optional<String> malformed(EnrolRequest request) {
        if (request == null || request.code() == null || request.code().isBlank()) {
            return Optional.of("no code");
        }
        if (!SpiffeId.isTrustDomain(request.trustDomain())) {
            return Optional.of("not a trust domain: " + request.trustDomain());
        }
        if (request.clusterUid() == null
                || request.clusterUid().isBlank()
                || request.clusterUid().length() > 128) {
            return Optional.of("no cluster UID");
        }
        if (request.trustBundle() == null || request.trustBundle().length() > MAX_BUNDLE) {
            return Optional.of("no trust bundle, or one over " + MAX_BUNDLE + " characters");
        }
        try {
            Pem.parseCertificates(request.trustBundle());
        } catch (IllegalArgumentException e) {
            return Optional.of("the trust bundle does not parse: " + e.getMessage());
        }
        if (request.gatewayAddresses().size() > MAX_ADDRESSES
                || request.gatewayAddresses().stream().anyMatch(a -> a == null || a.length() > 261)) {
            return Optional.of("too many or too long gateway addresses");
        }
        return Optional.empty();
    }
}
