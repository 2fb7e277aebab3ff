package dev.privatelink.forwarder;

import dev.privatelink.pki.Credential;
import dev.privatelink.pki.CredentialWatch;
import dev.privatelink.pki.HeldCredentials;
import dev.privatelink.pki.MutualTls;
import dev.privatelink.pki.RunwayGauge;
import dev.privatelink.pki.SpiffeTrustManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /**
     * Keeps {@code forwarder} on the credentials in {@code directory} (a mounted Secret: tls.crt,
     * tls.key, peer-&lt;trustDomain&gt;.pem): every usable new set becomes a new client, used by new
     * connections only. Exports the runway of what it holds. Not started: {@link CredentialWatch#poll}
     * once, then {@link CredentialWatch#start}.
     */
    public static CredentialWatch watch(Path directory, Forwarder forwarder, MeterRegistry registry, Clock clock) {
        CredentialWatch watch = new CredentialWatch(
                "forwarder",
                CredentialWatch.directory(directory),
                held -> forwarder.useGatewayClient(new GatewayClient(held.credential(), held.peerRoots(), clock)),
                registry,
                clock);
        RunwayGauge.register(
                registry,
                "forwarder",
                () -> watch.current().map(HeldCredentials::certificates).orElse(List.of()),
                clock);
        return watch;
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
        return MutualTls.client(credential, SpiffeTrustManager.gatewayOf(trustDomain, roots.get(trustDomain), clock));
    }
}
