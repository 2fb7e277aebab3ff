package dev.privatelink.peering;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerStatus;
import dev.privatelink.peering.PeeringMessages.Answer;
import dev.privatelink.peering.PeeringMessages.Snapshot;
import dev.privatelink.peering.PeeringWire.EnrolAnswer;
import dev.privatelink.peering.PeeringWire.EnrolRequest;
import dev.privatelink.peering.PeeringWire.Request;
import dev.privatelink.peering.PeeringWire.Response;
import dev.privatelink.pki.CertificateAuthority;
import dev.privatelink.pki.ChainVerifier;
import dev.privatelink.pki.Credential;
import dev.privatelink.pki.LocalTrust;
import dev.privatelink.pki.MutualTls;
import dev.privatelink.pki.Pem;
import dev.privatelink.pki.SpiffeId;
import dev.privatelink.pki.SpiffeTrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.jboss.logging.Logger;

/**
 * The dialling side of the peering protocol (blocking, with timeouts): {@link #enrol} with an
 * invite token, and {@link #sync} as this cluster's operator (the {@link PeerLink}). Every
 * connection goes to a peer gateway address with the TLS server name {@link
 * PeeringWire#SERVER_NAME}, which that gateway passes through to its operator, so the TLS session
 * is operator to operator.
 */
public final class PeeringClient implements PeerLink {

    private static final Logger LOG = Logger.getLogger(PeeringClient.class);

    private final LocalTrust trust;
    private final Clock clock;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    public PeeringClient(LocalTrust trust, Clock clock, Duration connectTimeout, Duration readTimeout) {
        this.trust = trust;
        this.clock = clock;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    public PeeringClient(LocalTrust trust, Clock clock) {
        this(trust, clock, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    /**
     * Enrols with the cluster that issued {@code token}: only a server whose chain ends in the
     * root the token pins, and whose certificate is that trust domain's operator, hears the code.
     *
     * @throws PeeringRefused {@link Refusal#PinMismatch}, {@link Refusal#Unreachable} (no address
     *     answered), or the provider's own refusal
     */
    public EnrolAnswer enrol(InviteToken token, EnrolRequest request) throws PeeringRefused {
        PinnedOperator pinned = new PinnedOperator(token.trustDomain(), token.pin(), clock);
        Response response = exchange(token.gatewayAddresses(), null, pinned, pinned::refusal, Request.enrol(request));
        if (response.enrol() == null
                || !token.trustDomain().equals(response.enrol().trustDomain())) {
            throw new PeeringRefused(
                    Refusal.InvalidRequest, "the provider's answer is not an enrolment of " + token.trustDomain());
        }
        return response.enrol();
    }

    @Override
    public Answer sync(ClusterPeer peer, Snapshot snapshot) throws PeeringException {
        ClusterPeerStatus status = peer.getStatus();
        if (status == null || status.getTrustDomain() == null || status.getTrustBundle() == null) {
            throw new PeeringException("ClusterPeer " + peer.getMetadata().getName() + " is not enrolled");
        }
        List<String> addresses = status.getGatewayAddresses() == null ? List.of() : status.getGatewayAddresses();
        if (addresses.isEmpty()) {
            throw new PeeringException("ClusterPeer " + peer.getMetadata().getName() + " has no gateway address");
        }
        String peerTrustDomain = status.getTrustDomain();
        List<X509Certificate> roots = Pem.parseCertificates(status.getTrustBundle());
        SpiffeTrustManager peerRoots =
                SpiffeTrustManager.peers(td -> td.equals(peerTrustDomain) ? roots : List.of(), clock);
        X509TrustManager operatorOnly = new OperatorOf(peerTrustDomain, peerRoots);
        Credential credential = trust.credentialFor(SpiffeId.operator(trust.trustDomain()));
        Response response = exchange(addresses, credential, operatorOnly, Optional::empty, Request.sync(snapshot));
        if (response.answer() == null) {
            throw new PeeringException("the peer's answer holds no endpoints");
        }
        return response.answer();
    }

    /** Tries each address in order until one answers; refusals end the attempt, unreachable ones try the next. */
    private Response exchange(
            List<String> addresses,
            Credential credential,
            X509TrustManager serverCheck,
            Supplier<Optional<PeeringRefused>> handshakeRefusal,
            Request request)
            throws PeeringRefused {
        List<String> failures = new ArrayList<>();
        for (String address : addresses) {
            InetSocketAddress target;
            try {
                target = socketAddress(address);
            } catch (IllegalArgumentException e) {
                failures.add(address + ": " + e.getMessage());
                continue;
            }
            try (SSLSocket socket = open(target, credential, serverCheck)) {
                PeeringWire.write(socket.getOutputStream(), request);
                Response response = PeeringWire.read(socket.getInputStream(), Response.class);
                if (response.refusal() != null) {
                    throw new PeeringRefused(response.refusal(), response.message());
                }
                return response;
            } catch (SSLException e) {
                Optional<PeeringRefused> refused = handshakeRefusal.get();
                if (refused.isPresent()) {
                    throw refused.get();
                }
                failures.add(address + ": " + e.getMessage());
            } catch (IOException e) {
                failures.add(address + ": " + e);
            }
            LOG.debugf("peering with %s failed: %s", address, failures.get(failures.size() - 1));
        }
        throw new PeeringRefused(Refusal.Unreachable, "no gateway address answered: " + String.join("; ", failures));
    }

    private SSLSocket open(InetSocketAddress target, Credential credential, X509TrustManager serverCheck)
            throws IOException {
        SSLContext context;
        try {
            context = SSLContext.getInstance(MutualTls.TLS_1_3);
            context.init(keyManagers(credential), new TrustManager[] {serverCheck}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS 1.3 in this JDK", e);
        }
        Socket tcp = new Socket();
        try {
            tcp.connect(target, (int) connectTimeout.toMillis());
            tcp.setSoTimeout((int) readTimeout.toMillis());
            SSLSocket socket = (SSLSocket)
                    context.getSocketFactory().createSocket(tcp, target.getHostString(), target.getPort(), true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {MutualTls.TLS_1_3});
            parameters.setServerNames(List.of(new SNIHostName(PeeringWire.SERVER_NAME)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket;
        } catch (IOException | RuntimeException e) {
            tcp.close();
            throw e;
        }
    }

    private static KeyManager[] keyManagers(Credential credential) throws GeneralSecurityException {
        if (credential == null) {
            return new KeyManager[0];
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(
                    "operator",
                    credential.key(),
                    new char[0],
                    credential.chain().toArray(new X509Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, new char[0]);
            return factory.getKeyManagers();
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    static InetSocketAddress socketAddress(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not host:port");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not host:port");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range");
        }
        return new InetSocketAddress(host, port);
    }

    /** Accepts only the operator of {@code trustDomain}, under the roots {@code peerRoots} holds for it. */
    private record OperatorOf(String trustDomain, SpiffeTrustManager peerRoots) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client context trusts no client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            peerRoots.checkServerTrusted(chain, authType);
            SpiffeId id = ChainVerifier.identity(chain[0]).orElseThrow();
            if (!id.equals(SpiffeId.operator(trustDomain))) {
                throw new CertificateException(id + " is not the operator of " + trustDomain);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /**
     * The enrolling side's check of the server, before the code is sent: the chain ends in a
     * self-signed root whose key the token pins, and the leaf is that trust domain's operator,
     * under that root. A pin that does not match is remembered, to say so rather than "unreachable".
     */
    static final class PinnedOperator implements X509TrustManager {
        private final String trustDomain;
        private final String pin;
        private final Clock clock;
        private volatile PeeringRefused refusal;

        PinnedOperator(String trustDomain, String pin, Clock clock) {
            this.trustDomain = trustDomain;
            this.pin = pin;
            this.clock = clock;
        }

        Optional<PeeringRefused> refusal() {
            return Optional.ofNullable(refusal);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client context trusts no client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length < 2) {
                throw mismatch("the server sent no root with its chain");
            }
            X509Certificate root = chain[chain.length - 1];
            try {
                root.verify(root.getPublicKey());
            } catch (GeneralSecurityException e) {
                throw mismatch("the last certificate the server sent is not a self-signed root");
            }
            if (!CertificateAuthority.pin(root.getPublicKey()).equals(pin)) {
                throw mismatch("the server's root key is not the one the invite pins");
            }
            SpiffeId id;
            try {
                id = ChainVerifier.verify(
                        Arrays.asList(chain), td -> td.equals(trustDomain) ? List.of(root) : List.of(), clock);
            } catch (CertificateException e) {
                throw mismatch(e.getMessage());
            }
            if (!id.equals(SpiffeId.operator(trustDomain))) {
                throw mismatch(id + " is not the operator of " + trustDomain);
            }
        }

        private CertificateException mismatch(String why) {
            refusal = new PeeringRefused(
                    Refusal.PinMismatch,
                    why + ": the gateway address does not lead to the cluster that issued the invite");
            return new CertificateException(why);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
