package dev.privatelink.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A trust domain's certificate authority: the root (ECDSA P-256, years), an intermediate signed by
 * it (weeks, rotated locally), and leaves signed by the intermediate (days) that carry one SPIFFE
 * ID as a URI SAN. Revocation is by authorisation at the gateway, not by CRLs, which is why leaves
 * can live days. Every time comes from the injected clock, so expiry and rotation are testable.
 *
 * <p>Built with BouncyCastle's certificate builder (the JDK has none) and the JDK's own EC keys and
 * signatures: no security provider is registered.
 */
public final class CertificateAuthority {

    public static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
    public static final Duration INTERMEDIATE_VALIDITY = Duration.ofDays(28);
    public static final Duration LEAF_VALIDITY = Duration.ofDays(3);
    /** Certificates start a little in the past, so that a peer whose clock is behind accepts them. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String trustDomain;
    private final Clock clock;
    private final KeyPair keys;
    // this CA's certificate first, then its issuers' up to and including the root
    private final List<X509Certificate> chain;

    private CertificateAuthority(String trustDomain, Clock clock, KeyPair keys, List<X509Certificate> chain) {
        this.trustDomain = trustDomain;
        this.clock = clock;
        this.keys = keys;
        this.chain = List.copyOf(chain);
    }

    /** A new root for {@code trustDomain}, self-signed. */
    public static CertificateAuthority newRoot(String trustDomain, Clock clock, Duration validity) {
        if (!SpiffeId.isTrustDomain(trustDomain)) {
            throw new IllegalArgumentException("not a trust domain: " + trustDomain);
        }
        KeyPair keys = newKeyPair();
        X500Name name = name(trustDomain, "root");
        Instant now = clock.instant();
        X509Certificate root = sign(
                () -> builder(name, name, now.minus(BACKDATE), now.plus(validity), keys.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                        .addExtension(
                                Extension.subjectKeyIdentifier,
                                false,
                                extensions().createSubjectKeyIdentifier(keys.getPublic())),
                keys);
        return new CertificateAuthority(trustDomain, clock, keys, List.of(root));
    }

    /** A root CA from what a Secret holds: its key and certificate. */
    public static CertificateAuthority of(String trustDomain, Clock clock, KeyPair keys, List<X509Certificate> chain) {
        return new CertificateAuthority(trustDomain, clock, keys, chain);
    }

    /** An intermediate CA signed by this one; it may sign leaves only (path length 0). */
    public CertificateAuthority newIntermediate(Duration validity) {
        KeyPair intermediateKeys = newKeyPair();
        Instant now = clock.instant();
        X509Certificate certificate = sign(
                () -> builder(
                                certificate(),
                                name(trustDomain, "intermediate " + now.getEpochSecond()),
                                now.minus(BACKDATE),
                                capped(now.plus(validity)),
                                intermediateKeys.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                        .addExtension(
                                Extension.subjectKeyIdentifier,
                                false,
                                extensions().createSubjectKeyIdentifier(intermediateKeys.getPublic()))
                        .addExtension(
                                Extension.authorityKeyIdentifier,
                                false,
                                extensions().createAuthorityKeyIdentifier(certificate())),
                keys);
        List<X509Certificate> newChain = new ArrayList<>();
        newChain.add(certificate);
        newChain.addAll(chain);
        return new CertificateAuthority(trustDomain, clock, intermediateKeys, newChain);
    }

    /**
     * A leaf for {@code id} (which must be of this trust domain), for TLS client and server use,
     * with a fresh key pair. Its chain runs up to but not including the root. It expires with
     * this CA at the latest.
     */
    public Credential issue(SpiffeId id, Duration validity) {
        if (!id.trustDomain().equals(trustDomain)) {
            throw new IllegalArgumentException(id + " is not of trust domain " + trustDomain);
        }
        KeyPair leafKeys = newKeyPair();
        Instant now = clock.instant();
        GeneralNames san = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.uri()));
        X509Certificate leaf = sign(
                () -> builder(
                                certificate(),
                                name(trustDomain, id.role().name().toLowerCase(Locale.ROOT)),
                                now.minus(BACKDATE),
                                capped(now.plus(validity)),
                                leafKeys.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                            KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                        }))
                        // the subject says little, so the SAN is critical (RFC 5280 4.2.1.6)
                        .addExtension(Extension.subjectAlternativeName, true, san)
                        .addExtension(
                                Extension.subjectKeyIdentifier,
                                false,
                                extensions().createSubjectKeyIdentifier(leafKeys.getPublic()))
                        .addExtension(
                                Extension.authorityKeyIdentifier,
                                false,
                                extensions().createAuthorityKeyIdentifier(certificate())),
                keys);
        List<X509Certificate> leafChain = new ArrayList<>();
        leafChain.add(leaf);
        leafChain.addAll(chain.subList(0, chain.size() - 1)); // without the root
        return new Credential(leafKeys.getPrivate(), leafChain);
    }

    public String trustDomain() {
        return trustDomain;
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The root at the top of this CA's chain: what peers put in their trust bundle for this domain. */
    public X509Certificate root() {
        return chain.get(chain.size() - 1);
    }

    public KeyPair keys() {
        return keys;
    }

    /** This CA's certificate and its issuers', up to and including the root. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /**
     * The pin of a root key that an invite carries: SHA-256 over the DER SubjectPublicKeyInfo,
     * base64 (as HPKP and curl's --pinnedpubkey compute it).
     */
    public static String pin(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return "sha256/" + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Instant capped(Instant notAfter) {
        Instant limit = certificate().getNotAfter().toInstant();
        return notAfter.isAfter(limit) ? limit : notAfter;
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no ECDSA P-256 in this JDK", e);
        }
    }

    private static X500Name name(String trustDomain, String what) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "kube-privatelink")
                .addRDN(BCStyle.OU, trustDomain)
                .addRDN(BCStyle.CN, what)
                .build();
    }

    private static X509v3CertificateBuilder builder(
            X500Name issuer, X500Name subject, Instant notBefore, Instant notAfter, PublicKey key) {
        // positive, 127 bits of randomness: unique without a counter, and under RFC 5280's 20 octets
        BigInteger serial = new BigInteger(127, RANDOM).setBit(0);
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(notBefore), Date.from(notAfter), subject, key);
    }

    private static X509v3CertificateBuilder builder(
            X509Certificate issuer, X500Name subject, Instant notBefore, Instant notAfter, PublicKey key) {
        return builder(
                X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), subject, notBefore, notAfter, key);
    }

    private static JcaX509ExtensionUtils extensions() {
        try {
            return new JcaX509ExtensionUtils();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate builder with its extensions added (adding one throws a checked exception). */
    @FunctionalInterface
    private interface Template {
        X509v3CertificateBuilder build() throws CertIOException, GeneralSecurityException;
    }

    private static X509Certificate sign(Template template, KeyPair issuerKeys) {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(template.build()
                            .build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKeys.getPrivate())));
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("could not sign a certificate", e);
        }
    }
}
