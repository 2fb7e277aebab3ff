package dev.privatelink.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the requests a client (the operator's) sends, by verb, resource and answer
 * ({@code PUT services 409}), watches aside: update conflicts are wasted writes.
 */
final class ApiRequestCounter {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    /** A client like {@code client} (same server, same credentials) whose requests are counted. */
    KubernetesClient countingClient(KubernetesClient client) {
        Interceptor counter = new Interceptor() {
            @Override
            public void after(
                    HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
                String query = request.uri().getQuery();
                if (query != null && query.contains("watch=true")) {
                    return;
                }
                String what = request.method() + " " + resource(request.uri().getPath()) + " " + response.code();
                counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
            }
        };
        return new KubernetesClientBuilder()
                .withConfig(client.getConfiguration())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count-requests", counter))
                .build();
    }

    /** {@code /api/v1/namespaces/a/services/b/status} → {@code services/status}. */
    static String resource(String path) {
        String[] parts = path.split("/");
        int at = path.startsWith("/apis/") ? 4 : 3;
        if (parts.length > at + 1 && parts[at].equals("namespaces")) {
            at += 2;
        }
        String kind = parts.length > at ? parts[at] : path;
        return parts.length > at + 2 ? kind + "/" + parts[at + 2] : kind;
    }

    void reset() {
        counts.clear();
    }

    Map<String, Long> snapshot() {
        return snapshot(counts);
    }

    long conflicts() {
        return conflicts(snapshot());
    }

    static long conflicts(Map<String, Long> requests) {
        return requests.entrySet().stream()
                .filter(e -> e.getKey().endsWith(" 409"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }
}
