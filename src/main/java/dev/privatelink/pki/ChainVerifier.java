package dev.privatelink.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a peer's chain the SPIFFE way: the leaf names exactly one SPIFFE ID, and the chain
 * validates (PKIX, at the clock's time) against the roots of THAT ID's trust domain only, so that a
 * peer cannot speak for another trust domain by having its own root trusted too.
 */
public final class ChainVerifier {

    /** The roots of one trust domain. */
    @FunctionalInterface
    public interface Bundles {
        /** The roots trusted for {@code trustDomain}; empty when it is not a peer. */
        Collection<X509Certificate> rootsOf(String trustDomain);
    }

    private ChainVerifier() {}

    /** The ID in the leaf's URI SAN, when it has exactly one URI SAN and that is one of ours. */
    public static Optional<SpiffeId> identity(X509Certificate leaf) {
        Collection<List<?>> names;
        try {
            names = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        if (names == null) {
            return Optional.empty();
        }
        List<String> uris = names.stream()
                .filter(n -> n.size() == 2 && Integer.valueOf(6).equals(n.get(0)))
                .map(n -> String.valueOf(n.get(1)))
                .toList();
        return uris.size() == 1 ? SpiffeId.parse(uris.get(0)) : Optional.empty();
    }

    /**
     * The verified identity of the peer whose chain (leaf first) this is.
     *
     * @throws CertificateException when the chain does not validate for the trust domain it claims
     */
    public static SpiffeId verify(List<X509Certificate> chain, Bundles bundles, Clock clock)
            throws CertificateException {
        if (chain == null || chain.isEmpty()) {
            throw new CertificateException("no certificate");
        }
        X509Certificate leaf = chain.get(0);
        SpiffeId id = identity(leaf)
                .orElseThrow(() -> new CertificateException("the certificate names no privatelink SPIFFE ID"));
        if (leaf.getBasicConstraints() != -1) {
            throw new CertificateException("a CA certificate is not a workload's");
        }
        Collection<X509Certificate> roots = bundles.rootsOf(id.trustDomain());
        if (roots == null || roots.isEmpty()) {
            throw new CertificateException("trust domain " + id.trustDomain() + " is not a peer");
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        roots.forEach(root -> anchors.add(new TrustAnchor(root, null)));
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            // the path excludes a root the peer may have sent along; the anchors decide
            List<X509Certificate> path =
                    chain.stream().filter(c -> !roots.contains(c)).toList();
            CertPath certPath = factory.generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false); // revocation is by authorisation at the gateway
            parameters.setDate(Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("chain of " + id + " does not validate: " + e.getMessage(), e);
        }
        return id;
    }
}
