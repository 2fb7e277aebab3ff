package dev.privatelink.desired;

import dev.privatelink.pki.CertificateAuthority;
import dev.privatelink.pki.ChainVerifier;
import dev.privatelink.pki.Credential;
import dev.privatelink.pki.Pem;
import dev.privatelink.pki.Runway;
import dev.privatelink.pki.SpiffeId;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The certificates the operator holds and issues, as pure decisions over what Secrets hold and
 * the time: this cluster's CA ({@value #CA_SECRET}: a root that stays, an intermediate rotated
 * with a third of its life left), the gateway's serving credential ({@value #GATEWAY_SECRET}) and
 * each forwarder's client credential ({@code <forwarder>}{@value #CLIENT_SECRET_SUFFIX}), leaves
 * re-issued with a third of their life left. Nothing here reads or writes the cluster.
 */
public final class Certificates {
    private Certificates() {}

    public static final String CA_SECRET = "privatelink-ca";
    public static final String GATEWAY_SECRET = "privatelink-gateway-tls";
    public static final String CLIENT_SECRET_SUFFIX = "-gateway-client";

    /** Keys of the CA Secret. Back it up: without it, every peer must enrol again. */
    static final String TRUST_DOMAIN = "trust-domain";

    static final String ROOT_CERT = "root.crt";
    static final String ROOT_KEY = "root.key";
    static final String INTERMEDIATE_CERT = "intermediate.crt";
    static final String INTERMEDIATE_KEY = "intermediate.key";

    /** Keys of a leaf Secret (kubernetes.io/tls): the chain leaf first, and its PKCS#8 key. */
    public static final String CHAIN = "tls.crt";

    public static final String KEY = "tls.key";
    /** A forwarder's Secret also holds each peer's roots, as {@code peer-<trust domain>.pem}. */
    public static final String PEER_PREFIX = "peer-";

    public static final String PEER_SUFFIX = ".pem";

    /** Where a forwarder pod finds its Secret, and what it is told with --gateway-credentials. */
    public static final String CLIENT_CREDENTIALS_DIR = "/etc/privatelink/gateway-client";

    /** Leaves live three days: revocation is by authorisation at the gateway, not by expiry. */
    public static final Duration LEAF_VALIDITY = CertificateAuthority.LEAF_VALIDITY;

    public static final Duration INTERMEDIATE_VALIDITY = CertificateAuthority.INTERMEDIATE_VALIDITY;
    public static final Duration ROOT_VALIDITY = CertificateAuthority.ROOT_VALIDITY;

    static final String TLS_TYPE = "kubernetes.io/tls";
    static final String OPAQUE_TYPE = "Opaque";

    /** The trust domain of a cluster whose operator was given none: its kube-system namespace's UID. */
    public static String defaultTrustDomain(String kubeSystemUid) {
        return "cluster-" + kubeSystemUid.toLowerCase(Locale.ROOT);
    }

    /** The name of a forwarder's client credential Secret. */
    public static String clientSecretName(String forwarderName) {
        return forwarderName + CLIENT_SECRET_SUFFIX;
    }

    /** Whether a certificate has a third of its life or less left: time to replace it. */
    public static boolean due(X509Certificate certificate, Instant now) {
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        Duration life = Duration.between(notBefore, notAfter);
        Duration left = Duration.between(now, notAfter);
        return left.multipliedBy(3).compareTo(life) <= 0;
    }

    // --- the CA ---

    /** What the CA Secret holds, judged. */
    public sealed interface Authority {
        /** No CA Secret yet: create one. */
        record Missing() implements Authority {}

        /**
         * A usable CA.
         *
         * @param root the root CA (with its key), which stays
         * @param intermediate the intermediate CA that signs leaves
         * @param rotate whether the intermediate is due: replace it, signed by the same root
         */
        record Usable(CertificateAuthority root, CertificateAuthority intermediate, boolean rotate)
                implements Authority {}

        /**
         * A CA Secret the operator cannot use and must not replace on its own (peers trust its
         * root): rotation is blocked until a person acts.
         *
         * @param reason one CamelCase word, for the CertificatesReady condition
         * @param message what is wrong and what to do
         */
        record Unusable(String reason, String message) implements Authority {}
    }

    public static final String REASON_CA_UNREADABLE = "CertificateAuthorityUnreadable";
    public static final String REASON_TRUST_DOMAIN_CHANGED = "TrustDomainChanged";
    public static final String REASON_ROOT_EXPIRED = "RootExpired";

    /** Judges the CA Secret's data (decoded; null when there is no such Secret) for {@code trustDomain}. */
    public static Authority authority(Map<String, String> data, String trustDomain, Clock clock) {
        if (data == null) {
            return new Authority.Missing();
        }
        String held = data.get(TRUST_DOMAIN);
        if (held == null) {
            return new Authority.Unusable(
                    REASON_CA_UNREADABLE,
                    "Secret " + CA_SECRET + " has no key " + TRUST_DOMAIN + ": restore the whole Secret from a backup,"
                            + " or delete it to start a new trust domain (every peer must then enrol again).");
        }
        if (!held.equals(trustDomain)) {
            return new Authority.Unusable(
                    REASON_TRUST_DOMAIN_CHANGED,
                    "Secret " + CA_SECRET + " is the CA of trust domain " + held + ", but the operator's trustDomain"
                            + " setting is " + trustDomain + ". Set it back to " + held + ", or delete the Secret to"
                            + " start a new trust domain (every peer must then enrol again).");
        }
        CertificateAuthority root;
        CertificateAuthority intermediate;
        try {
            X509Certificate rootCertificate = single(data, ROOT_CERT);
            X509Certificate intermediateCertificate = single(data, INTERMEDIATE_CERT);
            root = CertificateAuthority.of(
                    trustDomain,
                    clock,
                    keyPair(rootCertificate, Pem.parsePrivateKey(data.get(ROOT_KEY))),
                    List.of(rootCertificate));
            intermediate = CertificateAuthority.of(
                    trustDomain,
                    clock,
                    keyPair(intermediateCertificate, Pem.parsePrivateKey(data.get(INTERMEDIATE_KEY))),
                    List.of(intermediateCertificate, rootCertificate));
            if (rootCertificate.getBasicConstraints() < 0) {
                throw new IllegalArgumentException(ROOT_CERT + " is not a CA certificate");
            }
            intermediateCertificate.verify(rootCertificate.getPublicKey());
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return new Authority.Unusable(
                    REASON_CA_UNREADABLE,
                    "Secret " + CA_SECRET + " does not hold a usable CA (" + e.getMessage() + "). Restore it from a"
                            + " backup, or delete it to start a new trust domain (every peer must then enrol again).");
        }
        Instant now = clock.instant();
        if (!root.certificate().getNotAfter().toInstant().isAfter(now.plus(INTERMEDIATE_VALIDITY))) {
            return new Authority.Unusable(
                    REASON_ROOT_EXPIRED,
                    "the root of Secret " + CA_SECRET + " expires "
                            + root.certificate().getNotAfter().toInstant()
                            + ", too soon to sign another intermediate. Delete the Secret to start a new root (every"
                            + " peer must then enrol again).");
        }
        return new Authority.Usable(root, intermediate, due(intermediate.certificate(), now));
    }

    /** A new CA for {@code trustDomain}: a root and a first intermediate. */
    public static Authority.Usable newAuthority(String trustDomain, Clock clock) {
        CertificateAuthority root = CertificateAuthority.newRoot(trustDomain, clock, ROOT_VALIDITY);
        return new Authority.Usable(root, root.newIntermediate(INTERMEDIATE_VALIDITY), false);
    }

    /** The same root with a new intermediate: leaves of the old one stay valid until they expire. */
    public static Authority.Usable rotated(Authority.Usable authority) {
        return new Authority.Usable(authority.root(), authority.root().newIntermediate(INTERMEDIATE_VALIDITY), false);
    }

    /** The CA Secret's data (decoded) for {@code authority}. */
    public static Map<String, String> authorityData(Authority.Usable authority) {
        Map<String, String> data = new TreeMap<>();
        data.put(TRUST_DOMAIN, authority.root().trustDomain());
        data.put(ROOT_CERT, Pem.certificates(List.of(authority.root().certificate())));
        data.put(ROOT_KEY, Pem.privateKey(authority.root().keys().getPrivate()));
        data.put(
                INTERMEDIATE_CERT,
                Pem.certificates(List.of(authority.intermediate().certificate())));
        data.put(
                INTERMEDIATE_KEY, Pem.privateKey(authority.intermediate().keys().getPrivate()));
        return data;
    }

    // --- leaves ---

    /**
     * Why a leaf Secret's data (decoded; null when absent) must be issued again for {@code id}
     * under {@code root}, or empty to keep it: missing or unreadable, another identity, not
     * signed under this root, expired anywhere in its chain, or a third of its life left.
     */
    public static Optional<String> reissue(Map<String, String> data, SpiffeId id, X509Certificate root, Clock clock) {
        if (data == null || data.get(CHAIN) == null || data.get(KEY) == null) {
            return Optional.of("none issued yet");
        }
        List<X509Certificate> chain;
        try {
            chain = Pem.parseCertificates(data.get(CHAIN));
            keyPair(chain.get(0), Pem.parsePrivateKey(data.get(KEY)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return Optional.of("unreadable: " + e.getMessage());
        }
        SpiffeId held;
        try {
            held = ChainVerifier.verify(chain, td -> td.equals(id.trustDomain()) ? List.of(root) : List.of(), clock);
        } catch (CertificateException e) {
            return Optional.of("not valid under this cluster's root: " + e.getMessage());
        }
        if (!held.equals(id)) {
            return Optional.of("issued to " + held + ", not " + id);
        }
        if (due(chain.get(0), clock.instant())) {
            return Optional.of("a third of its life or less left");
        }
        return Optional.empty();
    }

    /** A leaf Secret's data (decoded): the chain leaf first, the key as PKCS#8. */
    public static Map<String, String> leafData(Credential credential) {
        Map<String, String> data = new TreeMap<>();
        data.put(CHAIN, Pem.certificates(credential.chain()));
        data.put(KEY, Pem.privateKey(credential.key()));
        return data;
    }

    /**
     * A leaf Secret's data: the leaf as held ({@code leaf}: tls.crt and tls.key) and, for a
     * forwarder, one {@code peer-<trust domain>.pem} per peer whose roots are known, by trust
     * domain (none for the gateway, whose peers' roots come with its config).
     */
    public static Map<String, String> clientData(Map<String, String> leaf, Map<String, String> peerBundles) {
        Map<String, String> data = new TreeMap<>();
        data.put(CHAIN, leaf.get(CHAIN));
        data.put(KEY, leaf.get(KEY));
        peerBundles.forEach((trustDomain, bundle) -> data.put(PEER_PREFIX + trustDomain + PEER_SUFFIX, bundle));
        return data;
    }

    /**
     * How long the holder of this Secret data can work: until the earliest expiry among its chain
     * and the peer roots it checks against (see {@link Runway}); empty when it holds no chain.
     */
    public static Optional<Instant> expires(Map<String, String> data) {
        if (data == null || data.get(CHAIN) == null) {
            return Optional.empty();
        }
        List<X509Certificate> all = new ArrayList<>();
        try {
            all.addAll(Pem.parseCertificates(data.get(CHAIN)));
            data.forEach((key, value) -> {
                if (key.startsWith(PEER_PREFIX) && key.endsWith(PEER_SUFFIX)) {
                    all.addAll(Pem.parseCertificates(value));
                }
            });
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return all.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo);
    }

    // --- the Secrets ---

    /** The CA Secret: Opaque, owned by no one (deleting the operator must not take the trust domain along). */
    public static Secret authoritySecret(String namespace, Map<String, String> data) {
        return secret(CA_SECRET, namespace, Labels.COMPONENT_CERTIFICATE_AUTHORITY, OPAQUE_TYPE, data, null);
    }

    /** The gateway's serving credential, which the chart's gateway Deployment mounts. */
    public static Secret gatewaySecret(String namespace, Map<String, String> data) {
        return secret(GATEWAY_SECRET, namespace, Labels.COMPONENT_GATEWAY_CREDENTIAL, TLS_TYPE, data, null);
    }

    /** A forwarder's client credential, owned by its Deployment so that it goes with it. */
    public static Secret clientSecret(
            String forwarderName,
            String consumerNamespace,
            String namespace,
            Map<String, String> data,
            OwnerReference forwarder) {
        Secret secret = secret(
                clientSecretName(forwarderName),
                namespace,
                Labels.COMPONENT_FORWARDER_CREDENTIAL,
                TLS_TYPE,
                data,
                forwarder);
        secret.getMetadata().getLabels().put(Labels.CONSUMER_NAMESPACE, consumerNamespace);
        return secret;
    }

    private static Secret secret(
            String name,
            String namespace,
            String component,
            String type,
            Map<String, String> data,
            OwnerReference owner) {
        Map<String, String> encoded = new TreeMap<>();
        data.forEach(
                (k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.US_ASCII))));
        return new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(new LinkedHashMap<>(Labels.managed(component)))
                .withOwnerReferences(owner == null ? List.of() : List.of(owner))
                .endMetadata()
                .withType(type)
                .withData(encoded)
                .build();
    }

    /** A Secret's data decoded; null for no Secret. Undecodable values read as absent. */
    public static Map<String, String> decoded(Secret secret) {
        if (secret == null) {
            return null;
        }
        Map<String, String> data = new TreeMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> {
                try {
                    data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.US_ASCII));
                } catch (IllegalArgumentException e) {
                    // left out: the decision reads it as missing and issues again
                }
            });
        }
        return data;
    }

    private static X509Certificate single(Map<String, String> data, String key) {
        List<X509Certificate> certificates = Pem.parseCertificates(data.get(key));
        if (certificates.size() != 1) {
            throw new IllegalArgumentException(key + " holds " + certificates.size() + " certificates, not one");
        }
        return certificates.get(0);
    }

    /** The key pair of a certificate and a private key, checked to belong together by a signature. */
    private static KeyPair keyPair(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        byte[] probe = "kube-privatelink".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new GeneralSecurityException("the private key is not the certificate's");
        }
        return new KeyPair(certificate.getPublicKey(), key);
    }
}
