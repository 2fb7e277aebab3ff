package dev.privatelink.sandbox;

import dev.privatelink.forwarder.ProxyProtocolV2Decoder;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The sandbox's provider: a tiny HTTP service that reads the PROXY v2 header the forwarder sends
 * and answers every request with the client address and the endpoint ID it found there, e.g.
 * {@code hello from payments: client=127.0.0.1:54321 endpoint=vpce-0123456789abcdef0}. One
 * request per connection; a blocking thread per connection is plenty for a demo.
 */
final class SampleProvider implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SampleProvider.class);
    private static final int MAX_HEAD = 16 * 1024;

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sandbox-provider");
        t.setDaemon(true);
        return t;
    });

    SampleProvider(String address, int port) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        threads.execute(this::acceptLoop);
        LOG.infof("sample provider listening on %s:%d", address, port);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warnf("sample provider: accept failed: %s", e.toString());
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[MAX_HEAD];
            int n = 0;
            String client = socket.getRemoteSocketAddress().toString().replaceFirst("^/", "");
            String endpoint = "none (no PROXY header)";
            int headerEnd = 0;
            // a PROXY v2 header, if any, comes first
            n = readAtLeast(in, buf, n, 16);
            if (n >= 12 && isProxyV2(buf)) {
                int length = ProxyProtocolV2Decoder.headerLength(buf, n);
                n = readAtLeast(in, buf, n, length);
                ProxyProtocolV2Decoder.Header header = ProxyProtocolV2Decoder.decode(Arrays.copyOf(buf, length));
                if (header.source() != null) {
                    client = header.source().getAddress().getHostAddress() + ":"
                            + header.source().getPort();
                }
                endpoint = header.vpceId() == null ? "none (no 0xEA TLV)" : header.vpceId();
                headerEnd = length;
            }
            // then the request head, up to the blank line
            while (indexOfBlankLine(buf, headerEnd, n) < 0 && n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    return;
                }
                n += r;
            }
            String body = "hello from payments: client=" + client + " endpoint=" + endpoint + "\n";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + bytes.length
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
        } catch (SocketException e) {
            LOG.debugf("sample provider: %s", e.toString());
        } catch (IOException | RuntimeException e) {
            LOG.warnf("sample provider: %s", e.toString());
        }
    }

    private static int readAtLeast(InputStream in, byte[] buf, int have, int want) throws IOException {
        while (have < want) {
            int r = in.read(buf, have, buf.length - have);
            if (r < 0) {
                break;
            }
            have += r;
        }
        return have;
    }

    private static boolean isProxyV2(byte[] buf) {
        return buf[0] == 0x0D
                && buf[1] == 0x0A
                && buf[2] == 0x0D
                && buf[3] == 0x0A
                && buf[4] == 0x00
                && buf[5] == 0x0D
                && buf[6] == 0x0A
                && buf[7] == 0x51;
    }

    private static int indexOfBlankLine(byte[] buf, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debugf("closing the sample provider: %s", e.toString());
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
