package dev.privatelink.gateway;

import dev.privatelink.forwarder.ProxyProtocolV2;
import dev.privatelink.forwarder.UpstreamGuard;
import dev.privatelink.gateway.config.GatewayConfig;
import dev.privatelink.gateway.config.GatewayConfig.Endpoint;
import dev.privatelink.gateway.config.GatewayConfig.EndpointState;
import dev.privatelink.gateway.config.GatewayConfig.Peer;
import dev.privatelink.gateway.config.GatewayConfig.PeerState;
import dev.privatelink.gateway.config.GatewayConfig.Port;
import dev.privatelink.gateway.config.GatewayConfig.ProxyProtocol;
import dev.privatelink.gateway.config.GatewayConfig.Upstream;
import dev.privatelink.pki.CertificateAuthority;
import dev.privatelink.pki.Credential;
import dev.privatelink.pki.Pem;
import dev.privatelink.pki.SpiffeId;
import dev.privatelink.pki.SpiffeTrustManager;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * Three trust domains for the gateway tests: {@code east} runs the gateway (the provider), {@code
 * west} is its peer (the consumer), {@code north} is no peer of east's.
 */
final class Peers {

    static final String ENDPOINT_ID = "vpce-0123456789abcdef0";
    static final String WEST_PEER = "west-peer";

    final Clock clock = Clock.systemUTC();
    final CertificateAuthority east = CertificateAuthority.newRoot("east", clock, CertificateAuthority.ROOT_VALIDITY)
            .newIntermediate(CertificateAuthority.INTERMEDIATE_VALIDITY);
    final CertificateAuthority west = CertificateAuthority.newRoot("west", clock, CertificateAuthority.ROOT_VALIDITY)
            .newIntermediate(CertificateAuthority.INTERMEDIATE_VALIDITY);
    final CertificateAuthority north = CertificateAuthority.newRoot("north", clock, CertificateAuthority.ROOT_VALIDITY)
            .newIntermediate(CertificateAuthority.INTERMEDIATE_VALIDITY);
    final Credential gateway = east.issue(SpiffeId.gateway("east"), CertificateAuthority.LEAF_VALIDITY);
    final Credential shop = west.issue(SpiffeId.consumer("west", "shop"), CertificateAuthority.LEAF_VALIDITY);

    Gateway startGateway(MeterRegistry registry) {
        return startGateway(registry, GatewayLimits.defaults(), gateway, Duration.ofSeconds(350));
    }

    /** @param credential what it presents; null for none yet */
    Gateway startGateway(MeterRegistry registry, GatewayLimits limits, Credential credential, Duration idleTimeout) {
        GatewaySettings settings = GatewaySettings.defaults()
                .withListen("127.0.0.1", 0)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(5), idleTimeout)
                .withUpstreamGuard(UpstreamGuard.SAME_HOST);
        return new Gateway(settings, limits, credential, registry, clock);
    }

    /** East's config: west is a peer, and its namespace {@code shop} has the endpoint, on {@code port}. */
    GatewayConfig config(EndpointState state, PeerState peerState, int port, int ownerPort, ProxyProtocol proxy) {
        return new GatewayConfig(
                List.of(new Peer(WEST_PEER, "west", Pem.certificates(List.of(west.root())), peerState)),
                List.of(new Endpoint(
                        ENDPOINT_ID,
                        WEST_PEER,
                        "shop",
                        state,
                        List.of(new Port(port, List.of(new Upstream("127.0.0.1", ownerPort)))),
                        proxy)));
    }

    /** A JDK TLS 1.3 client presenting {@code credential} (none: null) and trusting east's root only. */
    SSLSocket connect(int gatewayPort, Credential credential) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        if (credential != null) {
            store.setKeyEntry(
                    "me", credential.key(), new char[0], credential.chain().toArray(new X509Certificate[0]));
        }
        keys.init(store, new char[0]);
        TrustManager trust =
                SpiffeTrustManager.peers(td -> td.equals("east") ? List.of(east.root()) : List.of(), clock);
        context.init(keys.getKeyManagers(), new TrustManager[] {trust}, null);
        Socket tcp = new Socket("127.0.0.1", gatewayPort);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(tcp, "127.0.0.1", gatewayPort, true);
        tcps.put(socket, tcp);
        socket.setSoTimeout(15_000);
        socket.startHandshake();
        return socket;
    }

    private final Map<SSLSocket, Socket> tcps = new ConcurrentHashMap<>();

    /** Half-closes as the consumer's forwarder does: TCP's FIN, below TLS. */
    void shutdownOutput(SSLSocket socket) throws IOException {
        tcps.get(socket).shutdownOutput();
    }

    /** The preamble a consumer's forwarder sends: PROXY v2 with the endpoint's address and port, and the ID. */
    static byte[] preamble(String endpointId, int port) {
        return ProxyProtocolV2.header(
                new InetSocketAddress("10.1.2.3", 40000), new InetSocketAddress("10.96.0.10", port), endpointId);
    }

    static void send(Socket socket, byte[]... parts) throws IOException {
        for (byte[] part : parts) {
            socket.getOutputStream().write(part);
        }
        socket.getOutputStream().flush();
    }
}
