package dev.privatelink.peering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.peering.Enrolment.Decision;
import dev.privatelink.peering.Enrolment.Enrol;
import dev.privatelink.peering.Enrolment.Peer;
import dev.privatelink.peering.Enrolment.Refuse;
import dev.privatelink.peering.Enrolment.Repeat;
import dev.privatelink.peering.Enrolment.Self;
import dev.privatelink.peering.PeeringWire.EnrolRequest;
import dev.privatelink.pki.CertificateAuthority;
import dev.privatelink.pki.Pem;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnrolmentTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final Self EAST = new Self("east", "uid-east");
    static final String WEST_BUNDLE = bundle("west");
    static final String CODE =
            InviteToken.issue("east", List.of("gw:8443"), "pin", NOW).code();

    static String bundle(String trustDomain) {
        return Pem.certificates(
                List.of(CertificateAuthority.newRoot(trustDomain, Clock.systemUTC(), CertificateAuthority.ROOT_VALIDITY)
                        .root()));
    }

    static EnrolRequest westRequest() {
        return new EnrolRequest(CODE, "west", "uid-west", WEST_BUNDLE, List.of("gw.west:8443"));
    }

    /** East's invite "west", waiting for CODE until an hour from NOW. */
    static Peer pendingInvite() {
        return new Peer("west", true, InviteToken.hash(CODE), NOW.plusSeconds(3600), null, null, null);
    }

    static Peer enrolled(String name, String trustDomain, String clusterUid, String bundle) {
        return new Peer(name, false, null, null, trustDomain, clusterUid, bundle);
    }

    static Decision decide(EnrolRequest request, Peer... peers) {
        return Enrolment.decide(request, List.of(peers), EAST, NOW);
    }

    static void assertRefused(Decision decision, Refusal reason) {
        assertThat(decision)
                .isInstanceOfSatisfying(
                        Refuse.class, r -> assertThat(r.reason()).isEqualTo(reason));
    }

    @Test
    void theCodeOfAPendingInviteEnrolsItsClusterPeer() {
        assertThat(decide(westRequest(), enrolled("north", "north", "uid-north", bundle("north")), pendingInvite()))
                .isEqualTo(new Enrol("west"));
    }

    @Test
    void aCodeNoInviteHasIsAnInvalidToken() {
        EnrolRequest guessed = new EnrolRequest(
                InviteToken.issue("east", List.of("gw:8443"), "pin", NOW).code(),
                "west",
                "uid-west",
                WEST_BUNDLE,
                null);

        assertRefused(decide(guessed, pendingInvite()), Refusal.InvalidToken);
    }

    @Test
    void aCodeThatEnrolledAnotherClusterIsUsed() {
        Peer used = new Peer(
                "west", true, InviteToken.hash(CODE), NOW.plusSeconds(3600), "south", "uid-south", bundle("south"));

        Decision decision = decide(westRequest(), used);

        assertRefused(decision, Refusal.TokenUsed);
        assertThat(((Refuse) decision).peer())
                .as("the invite's Event goes on it")
                .isEqualTo("west");
    }

    @Test
    void theSameClusterAskingAgainGetsTheAnswerAgainAndChangesNothing() {
        Peer done =
                new Peer("west", true, InviteToken.hash(CODE), NOW.plusSeconds(3600), "west", "uid-west", WEST_BUNDLE);

        assertThat(decide(westRequest(), done)).isEqualTo(new Repeat("west"));
    }

    @Test
    void theSameTrustDomainWithOtherRootsIsNotARepeat() {
        Peer done = new Peer(
                "west", true, InviteToken.hash(CODE), NOW.plusSeconds(3600), "west", "uid-west", bundle("west"));

        assertRefused(decide(westRequest(), done), Refusal.TokenUsed);
    }

    @Test
    void anExpiredInviteIsRefusedFromItsExpiryOn() {
        Peer expiring = new Peer("west", true, InviteToken.hash(CODE), NOW, null, null, null);

        assertRefused(decide(westRequest(), expiring), Refusal.TokenExpired);
        assertThat(Enrolment.decide(westRequest(), List.of(expiring), EAST, NOW.minusMillis(1)))
                .isEqualTo(new Enrol("west"));
    }

    @Test
    void aTrustDomainEnrolledUnderAnotherNameIsTaken() {
        assertRefused(
                decide(westRequest(), pendingInvite(), enrolled("west-old", "west", "uid-other", bundle("west"))),
                Refusal.TrustDomainTaken);
    }

    @Test
    void thisClustersOwnTrustDomainIsTaken() {
        EnrolRequest mirror = new EnrolRequest(CODE, "east", "uid-west", WEST_BUNDLE, null);

        assertRefused(decide(mirror, pendingInvite()), Refusal.TrustDomainTaken);
    }

    @Test
    void aClusterEnrolledUnderAnotherNameIsTaken() {
        assertRefused(
                decide(westRequest(), pendingInvite(), enrolled("west-old", "west-renamed", "uid-west", bundle("x"))),
                Refusal.ClusterTaken);
        EnrolRequest self = new EnrolRequest(CODE, "west", "uid-east", WEST_BUNDLE, null);
        assertRefused(decide(self, pendingInvite()), Refusal.ClusterTaken);
    }

    @Test
    void aMalformedRequestIsRefusedBeforeAnyInviteIsLookedAt() {
        List<EnrolRequest> malformed = new ArrayList<>(List.of(
                new EnrolRequest(null, "west", "uid-west", WEST_BUNDLE, null),
                new EnrolRequest(CODE, "West Cluster", "uid-west", WEST_BUNDLE, null),
                new EnrolRequest(CODE, "west", "", WEST_BUNDLE, null),
                new EnrolRequest(CODE, "west", "uid-west", "not PEM", null),
                new EnrolRequest(CODE, "west", "uid-west", WEST_BUNDLE, List.of("x".repeat(300)))));

        for (EnrolRequest request : malformed) {
            assertRefused(decide(request, pendingInvite()), Refusal.InvalidRequest);
        }
    }

    @Test
    void aJoinCheckedLocallyFindsTheSameCollisions() {
        List<Peer> local = List.of(enrolled("payments", "east", "uid-east-2", bundle("east")));

        assertThat(Enrolment.taken("east", null, "payments-again", local, new Self("west", "uid-west")))
                .hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo(Refusal.TrustDomainTaken));
        assertThat(Enrolment.taken("east", null, "payments", local, new Self("west", "uid-west")))
                .as("its own ClusterPeer is no collision")
                .isEmpty();
    }
}
