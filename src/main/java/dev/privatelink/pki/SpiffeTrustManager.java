package dev.privatelink.pki;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a chain that validates against the roots of the trust domain its SPIFFE ID names (see
 * {@link ChainVerifier}), looked up on every handshake, so that a new peer, a rotated bundle or a
 * removed peer apply to the next handshake without a new TLS context.
 *
 * <p>It lists no acceptable issuers in a CertificateRequest: that list would tell anyone who
 * connects which clusters this one peers with.
 */
public final class SpiffeTrustManager extends X509ExtendedTrustManager {

    /** What a verified peer must also be. */
    @FunctionalInterface
    public interface Expectation {
        void check(SpiffeId peer) throws CertificateException;
    }

    /**
     * Chains remembered (a few KiB each): about one per peer consumer namespace and leaf rotation;
     * when full, expired ones go, and if that is not enough the cache starts over.
     */
    private static final int CACHED_CHAINS = 1024;

    private final ChainVerifier.Bundles bundles;
    private final Clock clock;
    private final boolean trustsClients;
    private final Expectation expected;
    private final Map<List<X509Certificate>, Verified> verified = new ConcurrentHashMap<>();

    /**
     * A chain that validated against these roots, and the time within which every certificate of
     * it is valid: PKIX (without revocation) would say the same again for the same chain, roots and
     * a time in that window, so a repeat handshake skips the signature checks. Every connection of
     * a forwarder presents the same chain, and the JDK's PKIX is most of a handshake's CPU.
     */
    private record Verified(SpiffeId id, Collection<X509Certificate> roots, Instant notBefore, Instant notAfter) {

        boolean holds(Collection<X509Certificate> currentRoots, Instant now) {
            return !now.isBefore(notBefore)
                    && !now.isAfter(notAfter)
                    && (currentRoots == roots || Objects.equals(currentRoots, roots));
        }
    }

    private SpiffeTrustManager(
            ChainVerifier.Bundles bundles, Clock clock, boolean trustsClients, Expectation expected) {
        this.bundles = bundles;
        this.clock = clock;
        this.trustsClients = trustsClients;
        this.expected = expected;
    }

    /** The gateway's: any identity of any peer trust domain, client or server. */
    public static SpiffeTrustManager peers(ChainVerifier.Bundles bundles, Clock clock) {
        return new SpiffeTrustManager(bundles, clock, true, peer -> {});
    }

    /** A forwarder's dial: only the gateway of {@code trustDomain}, by that domain's roots alone; no clients. */
    public static SpiffeTrustManager gatewayOf(String trustDomain, Collection<X509Certificate> roots, Clock clock) {
        SpiffeId gateway = SpiffeId.gateway(trustDomain);
        return new SpiffeTrustManager(td -> td.equals(trustDomain) ? roots : List.of(), clock, false, peer -> {
            if (!peer.equals(gateway)) {
                throw new CertificateException(peer + " is not the gateway of " + trustDomain);
            }
        });
    }

    private void verify(X509Certificate[] chain) throws CertificateException {
        List<X509Certificate> path = chain == null ? List.of() : Arrays.asList(chain);
        Instant now = clock.instant();
        Verified hit = verified.get(path);
        if (hit != null && hit.holds(bundles.rootsOf(hit.id().trustDomain()), now)) {
            expected.check(hit.id());
            return;
        }
        // the roots it is verified against are the ones cached with it, even if the bundle changes meanwhile
        Map<String, Collection<X509Certificate>> used = new HashMap<>(2);
        SpiffeId id = ChainVerifier.verify(path, td -> used.computeIfAbsent(td, bundles::rootsOf), clock);
        if (verified.size() >= CACHED_CHAINS) {
            verified.values().removeIf(v -> now.isAfter(v.notAfter()));
            if (verified.size() >= CACHED_CHAINS) {
                verified.clear();
            }
        }
        Instant notBefore = Instant.MIN;
        Instant notAfter = Instant.MAX;
        for (X509Certificate certificate : path) {
            Instant from = certificate.getNotBefore().toInstant();
            Instant until = certificate.getNotAfter().toInstant();
            notBefore = from.isAfter(notBefore) ? from : notBefore;
            notAfter = until.isBefore(notAfter) ? until : notAfter;
        }
        verified.put(List.copyOf(path), new Verified(id, used.get(id.trustDomain()), notBefore, notAfter));
        expected.check(id);
    }

    private void verifyClient(X509Certificate[] chain) throws CertificateException {
        if (!trustsClients) {
            throw new CertificateException("a client context trusts no client");
        }
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verifyClient(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verifyClient(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verifyClient(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
