package dev.privatelink.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final CertificateAuthority west =
            CertificateAuthority.newRoot("west", clock, CertificateAuthority.ROOT_VALIDITY);
    private final CertificateAuthority westIntermediate =
            west.newIntermediate(CertificateAuthority.INTERMEDIATE_VALIDITY);
    private final CertificateAuthority east =
            CertificateAuthority.newRoot("east", clock, CertificateAuthority.ROOT_VALIDITY);

    @TempDir
    Path dir;

    @Test
    void aLeafNamesItsIdentityAndChainsToTheRoot() throws Exception {
        Credential shop = westIntermediate.issue(SpiffeId.consumer("west", "shop"), CertificateAuthority.LEAF_VALIDITY);

        assertThat(ChainVerifier.identity(shop.certificate())).contains(SpiffeId.consumer("west", "shop"));
        assertThat(shop.chain()).hasSize(2).doesNotContain(west.root());
        assertThat(shop.certificate().getBasicConstraints()).isEqualTo(-1);
        assertThat(shop.certificate().getExtendedKeyUsage())
                .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(shop.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(westIntermediate.certificate().getBasicConstraints()).isZero();

        // the JDK's own PKIX validator, independent of ChainVerifier
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(west.root(), null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(clock.instant()));
        CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(shop.chain()), parameters);

        assertThat(ChainVerifier.verify(shop.chain(), bundles(Map.of("west", west.root())), clock))
                .isEqualTo(SpiffeId.consumer("west", "shop"));
    }

    @Test
    void aPeerCannotSpeakForAnotherTrustDomain() {
        // east's CA issues a certificate naming west: trusted roots are per trust domain, so it fails
        CertificateAuthority eastIntermediate = east.newIntermediate(CertificateAuthority.INTERMEDIATE_VALIDITY);
        assertThatThrownBy(() -> eastIntermediate.issue(SpiffeId.consumer("west", "shop"), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
        Credential eastShop = eastIntermediate.issue(SpiffeId.consumer("east", "shop"), Duration.ofDays(1));

        // both roots are known, but east's chain claims nothing of west and west's root does not sign east
        assertThatThrownBy(() -> ChainVerifier.verify(
                        eastShop.chain(), td -> td.equals("east") ? List.of(west.root()) : List.of(), clock))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining("does not validate");
        assertThatThrownBy(() -> ChainVerifier.verify(eastShop.chain(), bundles(Map.of("west", west.root())), clock))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining("not a peer");
    }

    @Test
    void expiryFollowsTheClockAndALeafNeverOutlivesItsIssuer() throws Exception {
        Credential gateway = westIntermediate.issue(SpiffeId.gateway("west"), CertificateAuthority.LEAF_VALIDITY);
        assertThat(gateway.runway(clock)).isEqualTo(CertificateAuthority.LEAF_VALIDITY);

        clock.advance(CertificateAuthority.LEAF_VALIDITY.plusSeconds(1));
        assertThat(gateway.runway(clock)).isNegative();
        assertThatThrownBy(() -> ChainVerifier.verify(gateway.chain(), bundles(Map.of("west", west.root())), clock))
                .isInstanceOf(CertificateException.class);

        // 27 days later, a 3-day leaf from the 28-day intermediate is cut to the intermediate's last day
        clock.advance(Duration.ofDays(24));
        Credential late = westIntermediate.issue(SpiffeId.gateway("west"), CertificateAuthority.LEAF_VALIDITY);
        assertThat(late.certificate().getNotAfter())
                .isEqualTo(westIntermediate.certificate().getNotAfter());
        assertThat(late.runway(clock)).isLessThan(CertificateAuthority.LEAF_VALIDITY);
    }

    @Test
    void theRunwayIsTheEarliestExpiryOfEverythingHeld() {
        Credential leaf = westIntermediate.issue(SpiffeId.operator("west"), Duration.ofDays(2));
        assertThat(Runway.until(clock, List.of(west.root(), westIntermediate.certificate(), leaf.certificate())))
                .isEqualTo(Duration.ofDays(2));
        assertThat(Runway.until(clock, List.of())).isZero();
    }

    @Test
    void pemRoundTripsBundlesAndKeys() {
        Credential leaf = westIntermediate.issue(SpiffeId.gateway("west"), Duration.ofDays(1));
        String chainPem = Pem.certificates(leaf.chain());
        String keyPem = Pem.privateKey(leaf.key());

        assertThat(chainPem).startsWith("-----BEGIN CERTIFICATE-----\n");
        assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Pem.parseCertificates(chainPem)).isEqualTo(leaf.chain());
        assertThat(Pem.parsePrivateKey(keyPem)).isEqualTo(leaf.key());
        assertThatThrownBy(() -> Pem.parseCertificates(keyPem)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pem.parseCertificates("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pem.parsePrivateKey(chainPem)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePinIsOfTheRootKey() {
        assertThat(CertificateAuthority.pin(west.root().getPublicKey()))
                .startsWith("sha256/")
                .isNotEqualTo(CertificateAuthority.pin(east.root().getPublicKey()));
    }

    /** OpenSSL, an independent X.509 implementation, accepts the chain and refuses another root. */
    @Test
    void opensslVerifiesTheChain() throws Exception {
        Path openssl = Path.of("/usr/bin/openssl");
        assumeTrue(Files.isExecutable(openssl), "openssl is not installed");
        // openssl checks validity against the real time: issue from a CA on the system clock
        CertificateAuthority root =
                CertificateAuthority.newRoot("west", Clock.systemUTC(), CertificateAuthority.ROOT_VALIDITY);
        CertificateAuthority intermediate = root.newIntermediate(CertificateAuthority.INTERMEDIATE_VALIDITY);
        Credential leaf = intermediate.issue(SpiffeId.consumer("west", "shop"), CertificateAuthority.LEAF_VALIDITY);
        Path rootPem = write("root.pem", List.of(root.root()));
        Path otherRootPem = write("other.pem", List.of(east.root()));
        Path intermediatePem = write("intermediate.pem", List.of(intermediate.certificate()));
        Path leafPem = write("leaf.pem", List.of(leaf.certificate()));

        assertThat(run(
                        openssl.toString(),
                        "verify",
                        "-x509_strict",
                        "-purpose",
                        "sslclient",
                        "-CAfile",
                        rootPem.toString(),
                        "-untrusted",
                        intermediatePem.toString(),
                        leafPem.toString()))
                .contains(leafPem + ": OK");
        assertThat(run(
                        openssl.toString(),
                        "verify",
                        "-CAfile",
                        otherRootPem.toString(),
                        "-untrusted",
                        intermediatePem.toString(),
                        leafPem.toString()))
                .doesNotContain(": OK");
        assertThat(run(openssl.toString(), "x509", "-noout", "-ext", "subjectAltName", "-in", leafPem.toString()))
                .contains("URI:spiffe://west/privatelink/consumer-ns/shop");
    }

    private Path write(String name, List<X509Certificate> certificates) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, Pem.certificates(certificates), StandardCharsets.US_ASCII);
        return file;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static ChainVerifier.Bundles bundles(Map<String, X509Certificate> roots) {
        return td -> roots.containsKey(td) ? List.of(roots.get(td)) : List.of();
    }
}
