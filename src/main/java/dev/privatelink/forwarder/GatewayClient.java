package dev.privatelink.forwarder;

import dev.privatelink.pki.ChainVerifier;
import dev.privatelink.pki.Credential;
import dev.privatelink.pki.SpiffeId;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The consumer side's dial to another cluster's gateway: TLS 1.3 presenting this consumer
 * namespace's certificate, and accepting only the gateway of the trust domain the route names,
 * checked against that peer's roots alone. One context per provider trust domain, built once.
 */
public final class GatewayClient {

    private final Credential credential;
    private final Map<String, List<X509Certificate>> roots;
    private final Clock clock;
    private final Map<String, SslContext> contexts = new ConcurrentHashMap<>();

    /** @param roots the peers' roots, by trust domain */
    public GatewayClient(Credential credential, Map<String, List<X509Certificate>> roots, Clock clock) {
        this.credential = credential;
        this.roots = Map.copyOf(roots);
        this.clock = clock;
    }

    /** The client context for the gateway of {@code trustDomain}; null when that domain is no peer's. */
    SslContext contextFor(String trustDomain) {
        if (!roots.containsKey(trustDomain)) {
            return null;
        }
        return contexts.computeIfAbsent(trustDomain, this::newContext);
    }

    /** A handler for a new upstream channel: TLS first, then {@code next}. */
    static ChannelHandler tlsThen(SslContext context, ChannelHandler next) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(context.newHandler(channel.alloc()), next);
            }
        };
    }

    private SslContext newContext(String trustDomain) {
        try {
            return SslContextBuilder.forClient()
                    .keyManager(credential.key(), credential.chain().toArray(new X509Certificate[0]))
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .protocols("TLSv1.3")
                    .trustManager(new GatewayTrust(trustDomain))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("could not build a TLS context for the gateway of " + trustDomain, e);
        }
    }

    /** Trusts only the gateway of one trust domain, by that domain's roots. */
    private final class GatewayTrust extends X509ExtendedTrustManager {
        private final String trustDomain;

        GatewayTrust(String trustDomain) {
            this.trustDomain = trustDomain;
        }

        private void verify(X509Certificate[] chain) throws CertificateException {
            SpiffeId id = ChainVerifier.verify(
                    chain == null ? List.of() : Arrays.asList(chain),
                    td -> td.equals(trustDomain) ? roots.get(td) : List.of(),
                    clock);
            if (!id.equals(SpiffeId.gateway(trustDomain))) {
                throw new CertificateException(id + " is not the gateway of " + trustDomain);
            }
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
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client context trusts no client");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a client context trusts no client");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a client context trusts no client");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
