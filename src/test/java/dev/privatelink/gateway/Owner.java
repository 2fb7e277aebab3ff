package dev.privatelink.gateway;

import dev.privatelink.forwarder.ProxyProtocolV2Decoder;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The owner's load balancer in the tests: reads the PROXY v2 header where asked (with the
 * project's parser), records it, then echoes until the client's end of input and ends its own.
 */
public final class Owner implements AutoCloseable {

    public final BlockingQueue<ProxyProtocolV2Decoder.Header> headers = new LinkedBlockingQueue<>();
    private final ServerSocket server;
    private final boolean readsProxyHeader;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    public Owner(boolean readsProxyHeader) throws IOException {
        this.readsProxyHeader = readsProxyHeader;
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        Thread acceptor = new Thread(this::accept, "owner-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public int connections() {
        return accepted.size();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.add(socket);
                Thread worker = new Thread(() -> serve(socket), "owner-conn");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            if (readsProxyHeader) {
                byte[] fixed = new DataInputStream(in).readNBytes(16);
                int length = ProxyProtocolV2Decoder.headerLength(fixed, fixed.length);
                byte[] whole = new byte[length];
                System.arraycopy(fixed, 0, whole, 0, 16);
                new DataInputStream(in).readFully(whole, 16, length - 16);
                headers.add(ProxyProtocolV2Decoder.decode(whole));
            }
            in.transferTo(socket.getOutputStream());
            socket.shutdownOutput();
        } catch (IOException e) {
            // a reset from the gateway is what several tests do
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }
}
