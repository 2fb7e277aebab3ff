package dev.privatelink.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** What curl does in the sandbox's walkthrough: one HTTP request on a new connection. */
final class Http {
    private Http() {}

    /**
     * The answer's body, or empty when the connection is refused or closed without an answer;
     * from {@code source}, as {@code curl --interface source} connects (a client pod's address).
     */
    static Optional<String> get(String source, String host, int port) {
        return send(source, host, port, "");
    }

    /** As {@link #get}, with {@code preamble} sent first (as {@code curl --haproxy-protocol} sends its PROXY line). */
    static Optional<String> send(String source, String host, int port, String preamble) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress(host, port), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream()
                    .write((preamble + "GET / HTTP/1.1\r\nHost: payments\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            String response = out.toString(StandardCharsets.UTF_8);
            int body = response.indexOf("\r\n\r\n");
            return body < 0 ? Optional.empty() : Optional.of(response.substring(body + 4));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The body of a plain GET of {@code url}, as Prometheus scrapes it. */
    static String fetch(String url) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
