package dev.privatelink.pki;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * TLS between clusters, for both ends (the gateway, and the forwarders dialling it): 1.3 only (no
 * renegotiation, no version downgrade, forward secrecy always), client certificates required,
 * through BoringSSL (netty-tcnative) where it loads and the JDK's TLS elsewhere.
 */
public final class MutualTls {

    public static final String TLS_1_3 = "TLSv1.3";

    private MutualTls() {}

    /** BoringSSL when netty-tcnative loaded on this platform, else the JDK. */
    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** A server context presenting {@code credential}, requiring a client certificate that {@code trust} accepts. */
    public static SslContext server(Credential credential, TrustManager trust) {
        try {
            return SslContextBuilder.forServer(
                            credential.key(), credential.chain().toArray(new X509Certificate[0]))
                    .sslProvider(provider())
                    .protocols(TLS_1_3)
                    .clientAuth(ClientAuth.REQUIRE)
                    .trustManager(trust)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("could not build the gateway's TLS context", e);
        }
    }

    /** A client context presenting {@code credential} and checking the server with {@code trust}. */
    public static SslContext client(Credential credential, TrustManager trust) {
        try {
            return SslContextBuilder.forClient()
                    .keyManager(credential.key(), credential.chain().toArray(new X509Certificate[0]))
                    .sslProvider(provider())
                    .protocols(TLS_1_3)
                    .trustManager(trust)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("could not build a TLS client context", e);
        }
    }
}
