package dev.privatelink.pki;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
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

    private final ChainVerifier.Bundles bundles;
    private final Clock clock;
    private final boolean trustsClients;
    private final Expectation expected;

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
        expected.check(ChainVerifier.verify(chain == null ? List.of() : Arrays.asList(chain), bundles, clock));
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
