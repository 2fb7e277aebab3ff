package dev.privatelink.sandbox;

import static dev.privatelink.Awaits.eventually;
import static dev.privatelink.api.StatusAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.api.AllowedWorkloads;
import dev.privatelink.api.ConditionTypes;
import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointSpec;
import dev.privatelink.api.PodSelector;
import dev.privatelink.desired.Labels;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox end to end, with real TCP: client pod → endpoint Service (the kube-proxy stand-in,
 * which keeps the client's address) → forwarder pod → load balancer Service → sample provider,
 * which reports the client address and the endpoint ID it read in the PROXY v2 header. Only the
 * consumer namespace's pods are answered; another namespace's pod is reset by the forwarder and
 * counted. Then the owner suspends the connection in the EndpointService's spec, and resumes it.
 */
class SandboxEndToEndTest {

    @TempDir
    static Path dir;

    static Sandbox sandbox;
    static final SimpleMeterRegistry operatorMeters = new SimpleMeterRegistry();
    static KubernetesClient client;
    static InterfaceEndpoint endpoint;
    /** The consumer namespace's client pod's address: what the endpoint answers. */
    static String shop;

    @BeforeAll
    static void startSandbox() throws IOException {
        SandboxOptions options = SandboxOptions.defaults()
                .withApiPort(0)
                // loopback addresses of their own, so the test coexists with a sandbox someone runs
                .withNet(ThreadLocalRandom.current().nextInt(100, 200))
                .withServicePort(freePort())
                .withKubeconfig(dir.resolve("kubeconfig"));
        // the operator's meters (endpoint-hours) go to Micrometer's global registry, as in Quarkus
        Metrics.addRegistry(operatorMeters);
        sandbox = Sandbox.start(options);
        client = sandbox.client();
        endpoint = sandbox.awaitEndpoint(Duration.ofSeconds(90));
        shop = sandbox.clientAddress(SandboxOptions.CONSUMER_NAMESPACE, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
        Metrics.removeRegistry(operatorMeters);
    }

    @Test
    void providerSeesTheEndpointIdAndSuspensionRefusesAtTheService() {
        String id = endpoint.getStatus().getEndpointId();
        String address = endpoint.getStatus().getAddress();
        int port = sandbox.options().servicePort();
        assertThat(address).startsWith("127." + sandbox.options().net() + ".2.");

        // forwarder pods become ready and the slices list them: the first answers may still be refusals
        eventually()
                .untilAsserted(() -> assertThat(Http.get(shop, address, port))
                        .hasValueSatisfying(body -> assertThat(body)
                                .startsWith("hello from payments: client=" + shop + ":")
                                .contains("endpoint=" + id)));

        // both at once: a decision edits the EndpointService, whose other endpoints pass through
        // Pending (no routes: refused) while its status catches up with its spec
        sandbox.decide(new ConnectionDecision(id, null, ConnectionDecision.Decision.Suspend));
        eventually().untilAsserted(() -> {
            assertThat(state()).isEqualTo(ConnectionState.Suspended);
            assertThat(Http.get(shop, address, port)).isEmpty();
        });

        sandbox.decide();
        eventually().untilAsserted(() -> {
            assertThat(state()).isEqualTo(ConnectionState.Available);
            assertThat(Http.get(shop, address, port))
                    .hasValueSatisfying(body -> assertThat(body).contains("endpoint=" + id));
        });
    }

    /**
     * Issue 12: each forwarder pod serves its metrics on its own address, labelled with the
     * endpoint service and the consumer namespace; the operator reads them and the owner sees
     * what the connection carried in the EndpointService's status.
     */
    @Test
    void theOwnerSeesWhatAConnectionCarriedInTheEndpointServicesStatus() {
        String id = endpoint.getStatus().getEndpointId();
        String address = endpoint.getStatus().getAddress();
        int port = sandbox.options().servicePort();
        eventually()
                .untilAsserted(() -> assertThat(Http.get(shop, address, port))
                        .hasValueSatisfying(body -> assertThat(body).contains("endpoint=" + id)));

        assertThat(sandbox.forwarderMetricsUrls())
                .isNotEmpty()
                .allSatisfy(url -> assertThat(url)
                        .startsWith("http://127." + sandbox.options().net() + ".")
                        .endsWith("/q/metrics"));
        String bytesLine =
                "privatelink_forwarder_bytes_total{consumer_namespace=\"shop\",direction=\"client_to_upstream\","
                        + "endpoint_id=\"" + id
                        + "\",endpoint_service=\"payments\",endpoint_service_namespace=\"payments\",}";
        assertThat(sandbox.forwarderMetricsUrls().stream().map(Http::fetch))
                .anySatisfy(page -> assertThat(page).contains(bytesLine));
        // the guide tells the user where the metrics are and how to read the usage
        assertThat(SandboxGuide.text(sandbox, endpoint))
                .contains(sandbox.forwarderMetricsUrls())
                .contains("get epsvc payments -o jsonpath='{range .status.connections[*]}{.consumer} {.usage}");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(sandbox.usage(id)).hasValueSatisfying(usage -> {
                    assertThat(usage.getBytesFromConsumer()).isPositive();
                    assertThat(usage.getBytesToConsumer()).isPositive();
                    assertThat(usage.getSince()).isNotBlank();
                }));
        // endpoint-hours per zone: the sandbox's one zone, labelled as the forwarders' series are.
        // What one reconcile observes is added at the endpoint's next: a change to a forwarder
        // pod (here an annotation, as kubectl annotate makes it) brings that about at once.
        eventually().pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            touchForwarderPod();
            assertThat(operatorMeters
                            .find("privatelink.endpoint.ready")
                            .tags(
                                    "endpoint_id", id,
                                    "endpoint_service", "payments",
                                    "endpoint_service_namespace", "payments",
                                    "consumer_namespace", "shop",
                                    "zone", "sandbox-zone-a")
                            .counters())
                    .singleElement()
                    .satisfies(c -> assertThat(c.count()).isPositive());
        });
    }

    /** Annotates a forwarder pod of the consumer namespace; false when another writer was first. */
    private static boolean touchForwarderPod() {
        try {
            var pod = client.pods()
                    .inNamespace(sandbox.options().operatorNamespace())
                    .withLabel(Labels.CONSUMER_NAMESPACE, SandboxOptions.CONSUMER_NAMESPACE)
                    .list()
                    .getItems()
                    .get(0);
            client.pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .edit(p -> new PodBuilder(p)
                            .editMetadata()
                            .addToAnnotations("test.privatelink.dev/touched", String.valueOf(System.nanoTime()))
                            .endMetadata()
                            .build());
            return true;
        } catch (KubernetesClientException | IndexOutOfBoundsException e) {
            return false;
        }
    }

    @Test
    void onlyPodsOfTheConsumerNamespaceAreAnsweredAndOthersAreResetAndCounted() {
        String id = endpoint.getStatus().getEndpointId();
        String address = endpoint.getStatus().getAddress();
        int port = sandbox.options().servicePort();
        String clients = "127." + sandbox.options().net() + ".4.";
        String payments = sandbox.clientAddress(SandboxOptions.PROVIDER_NAMESPACE, Duration.ofSeconds(30));
        assertThat(shop).startsWith(clients);
        assertThat(payments).startsWith(clients).isNotEqualTo(shop);

        // the consumer's pod: answered through the endpoint, its own address seen by the owner
        eventually()
                .untilAsserted(() -> assertThat(Http.get(shop, address, port))
                        .hasValueSatisfying(body -> assertThat(body)
                                .startsWith("hello from payments: client=" + shop + ":")
                                .contains("endpoint=" + id)));

        // another namespace's pod (here the owner's own): reset by the forwarder, and counted
        assertThat(Http.get(payments, address, port)).isEmpty();
        eventually()
                .untilAsserted(
                        () -> assertThat(refused(id, "not_consumer_namespace")).isGreaterThanOrEqualTo(1));

        // a namespace created now gets a client pod too, and is refused as well
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("latecomer")
                        .endMetadata()
                        .build())
                .create();
        String latecomer = sandbox.clientAddress("latecomer", Duration.ofSeconds(30));
        assertThat(latecomer).startsWith(clients);
        double before = refused(id, "not_consumer_namespace");
        assertThat(Http.get(latecomer, address, port)).isEmpty();
        eventually()
                .untilAsserted(
                        () -> assertThat(refused(id, "not_consumer_namespace")).isGreaterThan(before));

        // more pods of the consumer namespace, each with its own address: answered
        String checkout = clientPod(SandboxOptions.CONSUMER_NAMESPACE, "checkout", Map.of("app", "checkout"), null);
        eventually()
                .untilAsserted(() -> assertThat(Http.get(checkout, address, port))
                        .hasValueSatisfying(body -> assertThat(body).contains("client=" + checkout + ":")));
    }

    @Test
    void anEndpointPolicyAdmitsItsWorkloadsAndResetsTheNamespacesOthers() {
        // a second endpoint of shop to the same service, for the checkout workload only
        InterfaceEndpointSpec spec = new InterfaceEndpointSpec();
        spec.setServiceName(endpoint.getSpec().getServiceName());
        spec.setAllowedWorkloads(
                AllowedWorkloads.of(PodSelector.matchLabels(Map.of("app", "checkout")), List.of("checkout")));
        InterfaceEndpoint checkoutOnly = new InterfaceEndpoint();
        checkoutOnly.setMetadata(new ObjectMetaBuilder()
                .withNamespace(SandboxOptions.CONSUMER_NAMESPACE)
                .withName("payments-checkout")
                .build());
        checkoutOnly.setSpec(spec);
        client.resource(checkoutOnly).create();
        InterfaceEndpoint ready = eventually()
                .until(
                        () -> client.resource(checkoutOnly).get(),
                        ep -> ep.getStatus() != null && ep.getStatus().getState() == ConnectionState.Available);
        String id = ready.getStatus().getEndpointId();
        String address = ready.getStatus().getAddress();
        int port = sandbox.options().servicePort();
        assertThat(ready.getStatus())
                .condition(ConditionTypes.WORKLOADS_ADMITTED)
                .hasStatus(true);

        String checkout =
                clientPod(SandboxOptions.CONSUMER_NAMESPACE, "checkout-1", Map.of("app", "checkout"), "checkout");
        String cart = clientPod(SandboxOptions.CONSUMER_NAMESPACE, "cart-1", Map.of("app", "cart"), "checkout");
        String wrongAccount =
                clientPod(SandboxOptions.CONSUMER_NAMESPACE, "checkout-2", Map.of("app", "checkout"), "default");

        // the workload the policy names: answered, stamped with this endpoint's ID
        eventually()
                .untilAsserted(() -> assertThat(Http.get(checkout, address, port))
                        .hasValueSatisfying(body -> assertThat(body)
                                .contains("client=" + checkout + ":")
                                .contains("endpoint=" + id)));
        // pods of the same namespace outside it (another label; the right label, another account)
        // and the namespace's own client pod: reset, and counted as outside the policy
        assertThat(Http.get(cart, address, port)).isEmpty();
        assertThat(Http.get(wrongAccount, address, port)).isEmpty();
        assertThat(Http.get(shop, address, port)).isEmpty();
        eventually()
                .untilAsserted(
                        () -> assertThat(refused(id, "not_allowed_workload")).isGreaterThanOrEqualTo(3));
        // the namespace's endpoint without a policy still answers every pod of shop
        assertThat(Http.get(cart, endpoint.getStatus().getAddress(), port)).isPresent();
    }

    @Test
    void aClientsOwnProxyHeaderIsResetByTheForwarderAndCounted() {
        String id = endpoint.getStatus().getEndpointId();
        String address = endpoint.getStatus().getAddress();
        int port = sandbox.options().servicePort();
        eventually()
                .untilAsserted(() -> assertThat(Http.get(shop, address, port)).isPresent());

        // what curl --haproxy-protocol sends: a pod of shop forging a source (SEC-11)
        String forged = "PROXY TCP4 10.9.8.7 " + address + " 4444 " + port + "\r\n";
        assertThat(Http.send(shop, address, port, forged)).isEmpty();
        eventually()
                .untilAsserted(
                        () -> assertThat(refused(id, "client_proxy_header")).isGreaterThanOrEqualTo(1));
    }

    /** A pod of {@code namespace} with these labels and ServiceAccount; returns the address it connects from. */
    private static String clientPod(String namespace, String name, Map<String, String> labels, String serviceAccount) {
        return sandbox.createClientPod(namespace, name, labels, serviceAccount, Duration.ofSeconds(30));
    }

    /** Refusals of the endpoint's connections for {@code reason}, summed over its forwarder pods. */
    private static double refused(String endpointId, String reason) {
        return sandbox.forwarderMeters().stream()
                .flatMap(registry -> registry
                        .find("privatelink.forwarder.connections.refused")
                        .tag("endpoint_id", endpointId)
                        .tag("reason", reason)
                        .counters()
                        .stream())
                .mapToDouble(Counter::count)
                .sum();
    }

    @Test
    void namespaceWithoutPermissionGetsServiceNotFound() {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("intruder")
                        .endMetadata()
                        .build())
                .create();
        InterfaceEndpointSpec spec = new InterfaceEndpointSpec();
        spec.setServiceName(endpoint.getSpec().getServiceName());
        InterfaceEndpoint ep = new InterfaceEndpoint();
        ep.setMetadata(new ObjectMetaBuilder()
                .withNamespace("intruder")
                .withName("payments")
                .build());
        ep.setSpec(spec);
        client.resource(ep).create();

        eventually().untilAsserted(() -> {
            InterfaceEndpoint current = client.resource(ep).get();
            assertThat(current.getStatus()).isNotNull();
            assertThat(current.getStatus().getState()).isEqualTo(ConnectionState.Failed);
            assertThat(current.getStatus())
                    .condition(ConditionTypes.READY)
                    .hasStatus(false)
                    .hasReason(ConditionTypes.Reasons.SERVICE_NOT_FOUND);
        });
    }

    private static ConnectionState state() {
        return client.resources(InterfaceEndpoint.class)
                .inNamespace(SandboxOptions.CONSUMER_NAMESPACE)
                .withName(SandboxOptions.ENDPOINT)
                .get()
                .getStatus()
                .getState();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
