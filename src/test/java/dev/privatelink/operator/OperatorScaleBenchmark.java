package dev.privatelink.operator;

import static org.awaitility.Awaitility.await;

import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.Principal;
import dev.privatelink.desired.Labels;
import dev.privatelink.forwarder.config.ForwarderConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scale check, not a test: endpoints in many consumer namespaces to a few services converge.
 * Prints the time to all Available, the distribution of create → Available and of an owner's
 * decision → the forwarder's configuration written, reconciles and API requests per endpoint (by
 * verb and answer, update conflicts (409) among them: wasted writes), and the heap.
 *
 * <pre>
 * mvn -B test -Dtest=OperatorScaleBenchmark -DexcludedGroups=none                       # 1,000 in 100
 * mvn -B test -Dtest=OperatorScaleBenchmark -DexcludedGroups=none -Dscale.namespaces=1000 # 10,000 in 1,000
 * </pre>
 *
 * Also {@code -Dscale.services}, {@code -Dscale.endpointsPerNamespace}, {@code -Dscale.decisions}.
 */
@Tag("benchmark")
@EnableKubernetesMockClient(crud = true)
class OperatorScaleBenchmark {

    static final int SERVICES = Integer.getInteger("scale.services", 10);
    static final int NAMESPACES = Integer.getInteger("scale.namespaces", 100);
    static final int ENDPOINTS_PER_NAMESPACE = Integer.getInteger("scale.endpointsPerNamespace", 10);
    /** Endpoints suspended one after another, each timed until its forwarder's config has it suspended. */
    static final int DECISIONS = Integer.getInteger("scale.decisions", 50);

    KubernetesClient client;
    KubernetesMockServer server;

    @Test
    void endpointsConverge() {
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
        ApiRequestCounter requests = new ApiRequestCounter();
        Map<String, Long> createdAt = new ConcurrentHashMap<>();
        Map<String, Long> availableAt = new ConcurrentHashMap<>();
        Map<String, Long> suspendedInConfigAt = new ConcurrentHashMap<>();
        try (KubernetesClient operatorClient = requests.countingClient(client);
                KubeletStandIn kubelet = new KubeletStandIn(client, TestSettings.OPERATOR_NAMESPACE);
                SharedIndexInformer<InterfaceEndpoint> endpoints = client.resources(InterfaceEndpoint.class)
                        .inAnyNamespace()
                        .inform(onChange(ep -> {
                            if (ep.getStatus() != null && ep.getStatus().getState() == ConnectionState.Available) {
                                availableAt.putIfAbsent(key(ep), System.nanoTime());
                            }
                        }));
                SharedIndexInformer<ConfigMap> configs = client.configMaps()
                        .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                        .withLabel(Labels.COMPONENT, Labels.COMPONENT_FORWARDER_CONFIG)
                        .inform(onChange(cm -> {
                            long now = System.nanoTime();
                            for (ForwarderConfig.Route route :
                                    ForwarderConfig.from(cm).routes()) {
                                if (route.state() == ForwarderConfig.RouteState.SUSPENDED) {
                                    suspendedInConfigAt.putIfAbsent(route.endpointId(), now);
                                }
                            }
                        }));
                ControlPlane ignored = ControlPlane.start(operatorClient, TestSettings.defaults(), counting)) {
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
            reconciles.clear();
            requests.reset();
            long start = System.nanoTime();
            for (int n = 0; n < NAMESPACES; n++) {
                String ns = "consumer-" + n;
                world.namespace(ns);
                for (int e = 0; e < ENDPOINTS_PER_NAMESPACE; e++) {
                    InterfaceEndpoint ep = world.endpoint(ns, "ep-" + e, serviceNames.get((n + e) % SERVICES));
                    createdAt.put(key(ep), System.nanoTime());
                }
            }
            long created = System.nanoTime();
            int total = NAMESPACES * ENDPOINTS_PER_NAMESPACE;
            await().atMost(Duration.ofMinutes(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> availableAt.size() == total);
            long converged = System.nanoTime();
            Map<String, Long> convergeRequests = requests.snapshot();
            Map<String, Long> convergeReconciles = snapshot(reconciles);

            // Decisions: the owner of service 0 suspends its endpoints one at a time.
            List<InterfaceEndpoint> ofService0 = endpoints.getStore().list().stream()
                    .filter(ep -> ep.getSpec().getServiceName().equals(serviceNames.get(0)))
                    .limit(DECISIONS)
                    .toList();
            List<ConnectionDecision> decisions = new ArrayList<>();
            List<Long> decisionToConfig = new ArrayList<>();
            for (InterfaceEndpoint ep : ofService0) {
                String id = ep.getStatus().getEndpointId();
                decisions.add(new ConnectionDecision(id, null, ConnectionDecision.Decision.Suspend));
                long decided = System.nanoTime();
                world.decide("owner-0", "api", decisions.toArray(ConnectionDecision[]::new));
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(5))
                        .until(() -> suspendedInConfigAt.containsKey(id));
                decisionToConfig.add(suspendedInConfigAt.get(id) - decided);
            }

            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            List<Long> createToAvailable = new ArrayList<>();
            createdAt.forEach((k, t) -> createToAvailable.add(availableAt.get(k) - t));
            System.out.printf(
                    "%n== operator scale: %d endpoints, %d consumer namespaces, %d services%n",
                    total, NAMESPACES, SERVICES);
            System.out.printf(
                    "creating them took %.1f s; all Available %.1f s after the first was created, %.1f s after the last%n",
                    (created - start) / 1e9, (converged - start) / 1e9, (converged - created) / 1e9);
            System.out.printf("create → Available: %s%n", distribution(createToAvailable));
            System.out.printf(
                    "decision (Suspend, %d in turn) → forwarder config written: %s%n",
                    decisionToConfig.size(), distribution(decisionToConfig));
            convergeReconciles.forEach((kind, count) -> System.out.printf(
                    "reconciles of %s until all Available: %d (%.2f per endpoint)%n",
                    kind, count, count / (double) total));
            long sent = convergeRequests.values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            System.out.printf(
                    "API requests by the operator until all Available: %d (%.1f per endpoint; reads come from"
                            + " informer caches)%n",
                    sent, sent / (double) total);
            convergeRequests.forEach((what, count) -> System.out.printf("  %-60s %d%n", what, count));
            System.out.printf(
                    "update conflicts (409) in all: %d, of them during the decisions: %d%n",
                    requests.conflicts(), requests.conflicts() - ApiRequestCounter.conflicts(convergeRequests));
            System.out.printf(
                    "heap after GC (operator + mock API server + this benchmark in one JVM): %d MiB%n", heap >> 20);
        }
    }

    static String key(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    static String distribution(Collection<Long> nanos) {
        if (nanos.isEmpty()) {
            return "none";
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return String.format(
                "p50 %d ms, p90 %d ms, p99 %d ms, max %d ms (n = %d)",
                percentile(sorted, 50) / 1_000_000,
                percentile(sorted, 90) / 1_000_000,
                percentile(sorted, 99) / 1_000_000,
                sorted[sorted.length - 1] / 1_000_000,
                sorted.length);
    }

    static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
        return ApiRequestCounter.snapshot(counts);
    }

    static <T> ResourceEventHandler<T> onChange(Consumer<T> seen) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                seen.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                seen.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
        };
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
