package dev.privatelink.gateway;

import dev.privatelink.pki.ChainVerifier;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a peer's certificate chain when it validates against the roots of the trust domain its
 * SPIFFE ID names, read from the current config on every handshake (so a new peer, a rotated
 * bundle or a removed peer apply to the next handshake without a new TLS context).
 *
 * <p>It lists no acceptable issuers in the CertificateRequest: that list would tell any client
 * that connects which clusters this one peers with.
 */
final class PeerTrustManager extends X509ExtendedTrustManager {

    private final ChainVerifier.Bundles bundles;
    private final Clock clock;

    PeerTrustManager(ChainVerifier.Bundles bundles, Clock clock) {
        this.bundles = bundles;
        this.clock = clock;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain);
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

    private void verify(X509Certificate[] chain) throws CertificateException {
        ChainVerifier.verify(chain == null ? List.of() : Arrays.asList(chain), bundles, clock);
    }
}
