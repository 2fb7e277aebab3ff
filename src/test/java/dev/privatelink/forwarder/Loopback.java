package dev.privatelink.forwarder;

import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;

/** Sockets, routes and byte streams for the forwarder's loopback tests. */
final class Loopback {

    static final String HOST = "127.0.0.1";
    static final int SOCKET_TIMEOUT_MS = 15_000;

    private Loopback() {}

    /** A port nothing listens on right now (the OS's choice of ephemeral port). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(SOCKET_TIMEOUT_MS);
        socket.connect(new InetSocketAddress(HOST, port), SOCKET_TIMEOUT_MS);
        return socket;
    }

    static Route route(String endpointId, int listenPort, int... upstreamPorts) {
        return new Route(
                endpointId,
                443,
                listenPort,
                Arrays.stream(upstreamPorts)
                        .mapToObj(p -> new Upstream(HOST, p, 1))
                        .toList(),
                ProxyProtocol.NONE,
                RouteState.ACTIVE);
    }

    static Route suspended(Route route) {
        return new Route(
                route.endpointId(),
                route.endpointPort(),
                route.listenPort(),
                route.upstreams(),
                route.proxyProtocol(),
                RouteState.SUSPENDED);
    }

    static Route withProxyProtocol(Route route) {
        return new Route(
                route.endpointId(),
                route.endpointPort(),
                route.listenPort(),
                route.upstreams(),
                ProxyProtocol.V2,
                route.state());
    }

    static Route withUpstreams(Route route, List<Upstream> upstreams) {
        return new Route(
                route.endpointId(),
                route.endpointPort(),
                route.listenPort(),
                upstreams,
                route.proxyProtocol(),
                route.state());
    }

    static ForwarderConfig config(Route... routes) {
        return new ForwarderConfig(List.of(routes));
    }

    /** Sends a line and reads the echo back: proves a connection still forwards both ways. */
    static String roundTrip(Socket socket, String line) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        byte[] back = socket.getInputStream().readNBytes(bytes.length);
        return new String(back, StandardCharsets.US_ASCII).trim();
    }

    /** How the peer ended a connection, seen from a blocking reader. */
    enum Ending {
        EOF,
        RESET
    }

    /** Reads until the connection ends, in a thread of its own; completes with how it ended. */
    static CompletableFuture<Ending> ending(Socket socket) {
        CompletableFuture<Ending> ending = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try {
                        InputStream in = socket.getInputStream();
                        byte[] buffer = new byte[8192];
                        while (in.read(buffer) >= 0) {
                            // discard: only the end matters
                        }
                        ending.complete(Ending.EOF);
                    } catch (SocketException e) {
                        ending.complete(Ending.RESET);
                    } catch (IOException e) {
                        ending.completeExceptionally(e);
                    }
                },
                "ending-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
        return ending;
    }

    /** Connects and waits for the end; a reset may come before connect() returns, or after. */
    static Ending endingOfNewConnection(int port) throws Exception {
        try (Socket client = connect(port)) {
            return ending(client).get(5, TimeUnit.SECONDS);
        } catch (SocketException resetWhileConnecting) {
            return Ending.RESET;
        }
    }

    /** A reproducible pseudo-random byte stream, written with its checksum. */
    static final class Stream {
        private final long size;
        private final long seed;

        Stream(long size, long seed) {
            this.size = size;
            this.seed = seed;
        }

        long size() {
            return size;
        }

        /** Writes the whole stream; returns its CRC-32. */
        long writeTo(OutputStream out, LongConsumer progress) throws IOException {
            SplittableRandom random = new SplittableRandom(seed);
            CRC32 crc = new CRC32();
            byte[] chunk = new byte[64 * 1024];
            long left = size;
            while (left > 0) {
                int n = (int) Math.min(chunk.length, left);
                random.nextBytes(chunk);
                crc.update(chunk, 0, n);
                out.write(chunk, 0, n);
                left -= n;
                progress.accept(size - left);
            }
            out.flush();
            return crc.getValue();
        }

        long writeTo(OutputStream out) throws IOException {
            return writeTo(out, written -> {});
        }
    }

    /** What a reader got: how many bytes and their CRC-32. */
    record Received(long bytes, long crc) {}

    static Received readToEnd(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            crc.update(buffer, 0, n);
            total += n;
        }
        return new Received(total, crc.getValue());
    }
}
