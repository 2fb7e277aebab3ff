package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.desired.Certificates.Authority;
import dev.privatelink.pki.ChainVerifier;
import dev.privatelink.pki.MutableClock;
import dev.privatelink.pki.Pem;
import dev.privatelink.pki.SpiffeId;
import io.fabric8.kubernetes.api.model.Secret;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rotation decisions over what Secrets hold, with the clock moved by hand. */
class CertificatesTest {

    static final String TD = "east.example";
    static final SpiffeId GATEWAY = SpiffeId.gateway(TD);
    static final SpiffeId SHOP = SpiffeId.consumer(TD, "shop");

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final Authority.Usable ca = Certificates.newAuthority(TD, clock);
    final X509Certificate root = ca.root().certificate();

    Map<String, String> issued(SpiffeId id) {
        return Certificates.leafData(ca.intermediate().issue(id, Certificates.LEAF_VALIDITY));
    }

    // --- the CA ---

    @Test
    void noSecretMeansCreateTheCa() {
        assertThat(Certificates.authority(null, TD, clock)).isInstanceOf(Authority.Missing.class);
    }

    @Test
    void aFreshCaIsKeptAsItIs() {
        Authority judged = Certificates.authority(Certificates.authorityData(ca), TD, clock);

        assertThat(judged).isInstanceOfSatisfying(Authority.Usable.class, usable -> {
            assertThat(usable.rotate()).isFalse();
            assertThat(usable.root().certificate()).isEqualTo(root);
            assertThat(usable.intermediate().certificate())
                    .isEqualTo(ca.intermediate().certificate());
        });
    }

    @Test
    void theIntermediateRotatesWithAThirdOfItsLifeLeftAndTheRootStays() {
        Map<String, String> data = Certificates.authorityData(ca);
        Duration life = Certificates.INTERMEDIATE_VALIDITY;

        clock.advance(life.multipliedBy(2).dividedBy(3).minusHours(1));
        assertThat(((Authority.Usable) Certificates.authority(data, TD, clock)).rotate())
                .isFalse();
        clock.advance(Duration.ofHours(2));
        Authority.Usable due = (Authority.Usable) Certificates.authority(data, TD, clock);
        assertThat(due.rotate()).isTrue();

        Authority.Usable rotated = Certificates.rotated(due);
        assertThat(rotated.root().certificate()).isEqualTo(root);
        assertThat(rotated.intermediate().certificate())
                .isNotEqualTo(ca.intermediate().certificate());
        assertThat(((Authority.Usable) Certificates.authority(Certificates.authorityData(rotated), TD, clock)).rotate())
                .isFalse();
    }

    @Test
    void leavesOfTheOldIntermediateStayValidAfterRotationAndNewOnesChainToTheSameRoot() throws Exception {
        clock.advance(Duration.ofDays(19));
        Map<String, String> old = issued(SHOP);
        Authority.Usable rotated = Certificates.rotated(ca);
        Map<String, String> fresh =
                Certificates.leafData(rotated.intermediate().issue(SHOP, Certificates.LEAF_VALIDITY));
        clock.advance(Duration.ofHours(1));

        for (Map<String, String> leaf : List.of(old, fresh)) {
            assertThat(ChainVerifier.verify(
                            Pem.parseCertificates(leaf.get(Certificates.CHAIN)), td -> List.of(root), clock))
                    .isEqualTo(SHOP);
        }
    }

    @Test
    void aCaOfAnotherTrustDomainBlocksRatherThanBeingReplaced() {
        Authority judged = Certificates.authority(Certificates.authorityData(ca), "west.example", clock);

        assertThat(judged).isInstanceOfSatisfying(Authority.Unusable.class, u -> {
            assertThat(u.reason()).isEqualTo(Certificates.REASON_TRUST_DOMAIN_CHANGED);
            assertThat(u.message()).contains("east.example", "west.example", "delete the Secret");
        });
    }

    @Test
    void aDamagedCaBlocksWithAnActionableMessage() {
        Map<String, String> data = new HashMap<>(Certificates.authorityData(ca));
        data.put(
                Certificates.ROOT_KEY,
                Certificates.authorityData(Certificates.newAuthority(TD, clock)).get(Certificates.ROOT_KEY));

        assertThat(Certificates.authority(data, TD, clock)).isInstanceOfSatisfying(Authority.Unusable.class, u -> {
            assertThat(u.reason()).isEqualTo(Certificates.REASON_CA_UNREADABLE);
            assertThat(u.message()).contains("private key is not the certificate's", "backup");
        });
        data.remove(Certificates.INTERMEDIATE_CERT);
        assertThat(Certificates.authority(data, TD, clock)).isInstanceOf(Authority.Unusable.class);
        Map<String, String> withoutTrustDomain = new HashMap<>(Certificates.authorityData(ca));
        withoutTrustDomain.remove("trust-domain");
        assertThat(Certificates.authority(withoutTrustDomain, TD, clock))
                .isInstanceOfSatisfying(
                        Authority.Unusable.class, u -> assertThat(u.message()).contains("no key trust-domain"));
    }

    @Test
    void anIntermediateNotSignedByTheRootIsRefused() {
        Map<String, String> data = new HashMap<>(Certificates.authorityData(ca));
        Map<String, String> other = Certificates.authorityData(Certificates.newAuthority(TD, clock));
        data.put(Certificates.INTERMEDIATE_CERT, other.get(Certificates.INTERMEDIATE_CERT));
        data.put(Certificates.INTERMEDIATE_KEY, other.get(Certificates.INTERMEDIATE_KEY));

        assertThat(Certificates.authority(data, TD, clock)).isInstanceOf(Authority.Unusable.class);
    }

    // --- leaves ---

    @Test
    void aMissingLeafIsIssued() {
        assertThat(Certificates.reissue(null, GATEWAY, root, clock)).hasValue("none issued yet");
        assertThat(Certificates.reissue(Map.of(), GATEWAY, root, clock)).isPresent();
    }

    @Test
    void aLeafIsKeptUntilAThirdOfItsLifeIsLeftThenIssuedAgain() {
        Map<String, String> leaf = issued(GATEWAY);

        clock.advance(Duration.ofDays(2).minusMinutes(10));
        assertThat(Certificates.reissue(leaf, GATEWAY, root, clock)).isEmpty();
        clock.advance(Duration.ofMinutes(20));
        assertThat(Certificates.reissue(leaf, GATEWAY, root, clock)).hasValue("a third of its life or less left");
    }

    @Test
    void aLeafOfAnotherIdentityIsIssuedAgain() {
        assertThat(Certificates.reissue(issued(GATEWAY), SHOP, root, clock))
                .hasValueSatisfying(why -> assertThat(why).contains("issued to " + GATEWAY));
    }

    @Test
    void aLeafUnderAnotherRootIsIssuedAgain() {
        Authority.Usable other = Certificates.newAuthority(TD, clock);
        Map<String, String> foreign =
                Certificates.leafData(other.intermediate().issue(GATEWAY, Certificates.LEAF_VALIDITY));

        assertThat(Certificates.reissue(foreign, GATEWAY, root, clock))
                .hasValueSatisfying(why -> assertThat(why).startsWith("not valid under this cluster's root"));
    }

    @Test
    void aLeafWhoseKeyIsNotItsCertificatesIsIssuedAgain() {
        Map<String, String> leaf = new HashMap<>(issued(GATEWAY));
        leaf.put(Certificates.KEY, issued(GATEWAY).get(Certificates.KEY));

        assertThat(Certificates.reissue(leaf, GATEWAY, root, clock))
                .hasValueSatisfying(why -> assertThat(why).startsWith("unreadable"));
    }

    @Test
    void anExpiredLeafIsIssuedAgain() {
        Map<String, String> leaf = issued(GATEWAY);
        clock.advance(Duration.ofDays(4));

        assertThat(Certificates.reissue(leaf, GATEWAY, root, clock)).isPresent();
    }

    @Test
    void leafDataIsTheChainLeafFirstAndAPkcs8Key() {
        Map<String, String> leaf = issued(SHOP);

        assertThat(leaf).containsOnlyKeys("tls.crt", "tls.key");
        assertThat(leaf.get("tls.key")).startsWith("-----BEGIN PRIVATE KEY-----");
        List<X509Certificate> chain = Pem.parseCertificates(leaf.get("tls.crt"));
        assertThat(chain).hasSize(2);
        assertThat(ChainVerifier.identity(chain.get(0))).hasValue(SHOP);
        assertThat(chain.get(1)).isEqualTo(ca.intermediate().certificate());
    }

    // --- forwarders' bundles and the runway ---

    @Test
    void aForwardersSecretHoldsOnePemPerPeerByTrustDomain() {
        String westRoot = Pem.certificates(
                List.of(Certificates.newAuthority("west.example", clock).root().certificate()));

        Map<String, String> data = Certificates.clientData(issued(SHOP), Map.of("west.example", westRoot));

        assertThat(data).containsOnlyKeys("tls.crt", "tls.key", "peer-west.example.pem");
        assertThat(data.get("peer-west.example.pem")).isEqualTo(westRoot);
    }

    @Test
    void expiryIsTheEarliestAmongTheChainAndThePeersRoots() {
        Map<String, String> leaf = issued(SHOP);
        Instant leafExpiry = Pem.parseCertificates(leaf.get(Certificates.CHAIN))
                .get(0)
                .getNotAfter()
                .toInstant();
        MutableClock past = new MutableClock(clock.instant().minus(Duration.ofDays(3649)));
        String soonExpiringRoot = Pem.certificates(
                List.of(Certificates.newAuthority("west.example", past).root().certificate()));

        assertThat(Certificates.expires(leaf)).hasValue(leafExpiry);
        assertThat(Certificates.expires(Certificates.clientData(leaf, Map.of("west.example", soonExpiringRoot))))
                .hasValueSatisfying(t -> assertThat(t).isBefore(leafExpiry));
        assertThat(Certificates.expires(null)).isEmpty();
    }

    @Test
    void secretsRoundTripTheirData() {
        Map<String, String> leaf = issued(GATEWAY);
        Secret secret = Certificates.gatewaySecret("privatelink-system", leaf);

        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(secret.getMetadata().getName()).isEqualTo("privatelink-gateway-tls");
        assertThat(Certificates.decoded(secret)).isEqualTo(leaf);
        assertThat(Certificates.decoded(null)).isNull();
    }

    @Test
    void theDefaultTrustDomainIsDerivedFromTheKubeSystemUid() {
        String td = Certificates.defaultTrustDomain("3F1C2A40-1234-4bcd-9abc-0123456789AB");

        assertThat(td).isEqualTo("cluster-3f1c2a40-1234-4bcd-9abc-0123456789ab");
        assertThat(SpiffeId.isTrustDomain(td)).isTrue();
    }
}
