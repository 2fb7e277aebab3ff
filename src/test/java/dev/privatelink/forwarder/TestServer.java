package dev.privatelink.forwarder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A blocking loopback server for the tests: one thread per accepted connection, all closed by {@link #close}. */
final class TestServer implements AutoCloseable {

    @FunctionalInterface
    interface Handler {
        void handle(Socket socket) throws IOException, InterruptedException;
    }

    private final ServerSocket serverSocket;
    private final Handler handler;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    private TestServer(Handler handler, int receiveBuffer) throws IOException {
        this.handler = handler;
        serverSocket = new ServerSocket();
        if (receiveBuffer > 0) {
            serverSocket.setReceiveBufferSize(receiveBuffer);
        }
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        Thread acceptor = new Thread(this::acceptLoop, "test-server-" + port());
        acceptor.setDaemon(true);
        threads.add(acceptor);
        acceptor.start();
    }

    static TestServer start(Handler handler) throws IOException {
        return new TestServer(handler, 0);
    }

    /** A server whose accepted sockets have a small receive buffer, so that back-pressure shows early. */
    static TestServer startWithReceiveBuffer(int bytes, Handler handler) throws IOException {
        return new TestServer(handler, bytes);
    }

    /** Echoes until the client's end of input, then shuts its own output. */
    static TestServer echo() throws IOException {
        return start(socket -> {
            socket.getInputStream().transferTo(socket.getOutputStream());
            socket.shutdownOutput();
        });
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return;
            }
            connections.incrementAndGet();
            accepted.add(socket);
            Thread worker = new Thread(() -> serve(socket), "test-conn-" + socket.getPort());
            worker.setDaemon(true);
            threads.add(worker);
            worker.start();
        }
    }

    private void serve(Socket socket) {
        try {
            handler.handle(socket);
        } catch (SocketException e) {
            // the peer went away or the test closed the server: part of what the tests do
        } catch (IOException | InterruptedException e) {
            if (!serverSocket.isClosed()) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        for (Socket socket : accepted) {
            socket.close();
        }
        threads.forEach(Thread::interrupt);
    }
}
