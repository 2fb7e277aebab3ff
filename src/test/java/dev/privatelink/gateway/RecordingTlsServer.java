package dev.privatelink.gateway;

import dev.privatelink.forwarder.ProxyProtocolV2Decoder;
import dev.privatelink.pki.Credential;
import dev.privatelink.pki.SpiffeTrustManager;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * A stand-in for a peer's gateway, on the JDK's TLS: presents {@code credential}, requires a client
 * certificate of {@code clientTrustDomain}, records the serial of each client certificate, skips the
 * preamble and echoes the rest.
 */
final class RecordingTlsServer implements AutoCloseable {

    final BlockingQueue<BigInteger> clientSerials = new LinkedBlockingQueue<>();
    private final SSLServerSocket server;

    RecordingTlsServer(Credential credential, String clientTrustDomain, X509Certificate clientRoot, Clock clock)
            throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(
                "me", credential.key(), new char[0], credential.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        TrustManager trust =
                SpiffeTrustManager.peers(td -> td.equals(clientTrustDomain) ? List.of(clientRoot) : List.of(), clock);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keys.getKeyManagers(), new TrustManager[] {trust}, null);
        server = (SSLServerSocket)
                context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
        Thread acceptor = new Thread(this::accept, "recording-tls-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                SSLSocket socket = (SSLSocket) server.accept();
                Thread worker = new Thread(() -> serve(socket), "recording-tls-conn");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SSLSocket socket) {
        try (socket) {
            socket.startHandshake();
            clientSerials.add(((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber());
            InputStream in = socket.getInputStream();
            byte[] fixed = new DataInputStream(in).readNBytes(16);
            new DataInputStream(in).readFully(new byte[ProxyProtocolV2Decoder.headerLength(fixed, fixed.length) - 16]);
            in.transferTo(socket.getOutputStream());
        } catch (IOException e) {
            // the test closes connections as it likes
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
