package dev.privatelink.operator;

import static org.awaitility.Awaitility.await;

import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.Principal;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scale check, not a test: 1,000 endpoints in 100 consumer namespaces to 10 services converge.
 * Prints the time to all Available, reconciles per endpoint, the API requests the operator sent
 * (a reconcile reads only informer caches: no reconcile lists anything), and the heap.
 * Run: mvn -B test -Dtest=OperatorScaleBenchmark -DexcludedGroups=none
 */
@Tag("benchmark")
@EnableKubernetesMockClient(crud = true)
class OperatorScaleBenchmark {

    static final int SERVICES = 10;
    static final int NAMESPACES = 100;
    static final int ENDPOINTS_PER_NAMESPACE = 10;

    KubernetesClient client;
    KubernetesMockServer server;

    @Test
    void thousandEndpointsConverge() {
        World world = new World(client);
        world.namespace(TestSettings.OPERATOR_NAMESPACE);
        Map<String, AtomicLong> reconciles = new ConcurrentHashMap<>();
        Metrics counting = new Metrics() {
            @Override
            public void reconciliationStarted(HasMetadata resource, Map<String, Object> metadata) {
                reconciles
                        .computeIfAbsent(resource.getKind(), k -> new AtomicLong())
                        .incrementAndGet();
            }
        };
        try (KubeletStandIn kubelet = new KubeletStandIn(client, TestSettings.OPERATOR_NAMESPACE);
                ControlPlane ignored = ControlPlane.start(client, TestSettings.defaults(), counting)) {
            List<String> serviceNames = new ArrayList<>();
            for (int s = 0; s < SERVICES; s++) {
                String ns = "owner-" + s;
                world.namespace(ns);
                world.loadBalancer(ns, "api", "10.96.0." + (10 + s), 8080);
                world.endpointService(ns, "api", "api");
                world.permission(ns, "all", "api", true, Principal.namespace("*"));
            }
            for (int s = 0; s < SERVICES; s++) {
                serviceNames.add(awaitServiceName("owner-" + s));
            }
            long requestsBefore = apiRequests();
            long start = System.nanoTime();
            for (int n = 0; n < NAMESPACES; n++) {
                String ns = "consumer-" + n;
                world.namespace(ns);
                for (int e = 0; e < ENDPOINTS_PER_NAMESPACE; e++) {
                    world.endpoint(ns, "ep-" + e, serviceNames.get((n + e) % SERVICES));
                }
            }
            long created = System.nanoTime();
            int total = NAMESPACES * ENDPOINTS_PER_NAMESPACE;
            await().atMost(Duration.ofMinutes(10))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> available() == total);
            long converged = System.nanoTime();
            System.gc();
            long heap =
                    Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            System.out.printf(
                    "%n== operator scale: %d endpoints, %d consumer namespaces, %d services%n",
                    total, NAMESPACES, SERVICES);
            System.out.printf(
                    "creating them took %.1f s; all Available %.1f s after the first was created, %.1f s after the last%n",
                    (created - start) / 1e9, (converged - start) / 1e9, (converged - created) / 1e9);
            reconciles.forEach((kind, count) -> System.out.printf(
                    "reconciles of %s: %d (%.2f per endpoint)%n", kind, count.get(), count.get() / (double) total));
            // minus what this benchmark sent: the namespaces, the endpoints and the polls
            long requests = apiRequests() - requestsBefore - polls.get() - NAMESPACES - total;
            System.out.printf(
                    "API requests by the operator: %d (%.1f per endpoint; reads come from informer caches)%n",
                    requests, requests / (double) total);
            System.out.printf("heap after GC (operator + mock API server in one JVM): %d MiB%n", heap >> 20);
        }
    }

    long available() {
        polls.incrementAndGet();
        return client.resources(InterfaceEndpoint.class).inAnyNamespace().list().getItems().stream()
                .filter(ep -> ep.getStatus() != null && ep.getStatus().getState() == ConnectionState.Available)
                .count();
    }

    final AtomicLong polls = new AtomicLong();

    long apiRequests() {
        return server.getRequestCount();
    }

    String awaitServiceName(String ns) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var es = client.resources(EndpointService.class)
                    .inNamespace(ns)
                    .withName("api")
                    .get();
            return es.getStatus() != null && es.getStatus().getServiceName() != null;
        });
        return client.resources(EndpointService.class)
                .inNamespace(ns)
                .withName("api")
                .get()
                .getStatus()
                .getServiceName();
    }
}
