package dev.privatelink.sandbox;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A forwarder pod's {@code /q/metrics} in the sandbox: its own registry in Prometheus text, on
 * the pod's address, as the image serves it in a cluster. Prometheus and the operator's usage
 * collector read it there.
 */
final class MetricsEndpoint {
    private static final Logger LOG = Logger.getLogger(MetricsEndpoint.class);

    static final String PATH = "/q/metrics";

    private MetricsEndpoint() {}

    /**
     * On {@code port} of the pod's address, or on a free one when another process has it (a
     * sandbox's own HTTP listens on 8080 of every address); empty when neither can be bound (the
     * pod then runs without metrics, as it logs).
     */
    static Optional<HttpServer> serve(String pod, String ip, int port, PrometheusMeterRegistry registry) {
        Optional<HttpServer> bound = bind(ip, port).or(() -> bind(ip, 0));
        if (bound.isEmpty()) {
            LOG.warnf("forwarder pod %s serves no metrics: no port free on %s", pod, ip);
        }
        return bound.map(server -> {
            server.createContext(PATH, exchange -> {
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return server;
        });
    }

    private static Optional<HttpServer> bind(String ip, int port) {
        try {
            return Optional.of(HttpServer.create(new InetSocketAddress(ip, port), 16));
        } catch (IOException e) {
            LOG.debugf("metrics on %s:%d: %s", ip, port, e.toString());
            return Optional.empty();
        }
    }

    static String url(String ip, int port) {
        return "http://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port + PATH;
    }
}
