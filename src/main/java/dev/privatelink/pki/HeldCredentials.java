package dev.privatelink.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a data-plane component holds from its mounted Secret: its own credential and, for a
 * forwarder, the roots of each peer trust domain whose gateway it may dial. Parsed from the files'
 * texts as a whole, so that a set is taken or refused as one.
 *
 * @param peerRoots the roots by trust domain; empty for the gateway (its peers come with its config)
 */
public record HeldCredentials(Credential credential, Map<String, List<X509Certificate>> peerRoots) {

    /** The certificate chain, PEM, leaf first. */
    public static final String CHAIN = "tls.crt";
    /** The private key, PKCS#8 PEM. */
    public static final String KEY = "tls.key";
    /** One file per peer trust domain: {@code peer-<trustDomain>.pem}, that peer's roots. */
    public static final String PEER_PREFIX = "peer-";

    public static final String PEER_SUFFIX = ".pem";

    public HeldCredentials {
        peerRoots = Map.copyOf(peerRoots);
    }

    /**
     * Parses a set of files by name ({@link #CHAIN}, {@link #KEY}, any {@code peer-<td>.pem}; other
     * names are ignored).
     *
     * @throws IllegalArgumentException when the set is not usable: a file missing or unparsable, a
     *     key that is not the leaf's, a leaf not valid now, a peer file naming no trust domain
     */
    public static HeldCredentials parse(Map<String, String> files, Clock clock) {
        String chainText = files.get(CHAIN);
        String keyText = files.get(KEY);
        if (chainText == null || keyText == null) {
            throw new IllegalArgumentException("needs both " + CHAIN + " and " + KEY);
        }
        Credential credential = new Credential(Pem.parsePrivateKey(keyText), Pem.parseCertificates(chainText));
        checkKeyIsTheLeafs(credential);
        try {
            credential.certificate().checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new IllegalArgumentException("the certificate is not valid now: " + e.getMessage(), e);
        }
        Map<String, List<X509Certificate>> roots = new TreeMap<>();
        files.forEach((name, text) -> {
            if (name.startsWith(PEER_PREFIX) && name.endsWith(PEER_SUFFIX)) {
                String trustDomain = name.substring(PEER_PREFIX.length(), name.length() - PEER_SUFFIX.length());
                if (!SpiffeId.isTrustDomain(trustDomain)) {
                    throw new IllegalArgumentException(name + " names no trust domain");
                }
                try {
                    roots.put(trustDomain, Pem.parseCertificates(text));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
                }
            }
        });
        return new HeldCredentials(credential, roots);
    }

    /** Every certificate held: the chain and all roots, whose earliest expiry is the runway. */
    public List<X509Certificate> certificates() {
        List<X509Certificate> all = new ArrayList<>(credential.chain());
        peerRoots.values().forEach(all::addAll);
        return all;
    }

    public Duration runway(Clock clock) {
        return Runway.until(clock, certificates());
    }

    /**
     * A key and certificate read on either side of a Secret update would each parse; only a
     * signature tells that they do not belong together.
     */
    private static void checkKeyIsTheLeafs(Credential credential) {
        byte[] probe = "kube-privatelink key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(credential.key());
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(credential.certificate().getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException("the private key is not the certificate's");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the private key is not the certificate's: " + e.getMessage(), e);
        }
    }
}
