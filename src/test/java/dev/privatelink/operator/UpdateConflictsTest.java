package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.privatelink.Awaits;
import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.Principal;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scale benchmark's run, scaled down (issue 10): endpoints of several consumer namespaces to
 * several services converge, then their owners suspend and resume some, and not one of the
 * operator's writes is refused with a conflict (409): each object has one writer, and a writer
 * reads its own writes (a stale resourceVersion would be a wasted write and a retry).
 */
@EnableKubernetesMockClient(crud = true)
class UpdateConflictsTest {
    static final int SERVICES = 3;
    static final int NAMESPACES = 4;
    static final int ENDPOINTS_PER_NAMESPACE = 3;

    KubernetesClient client;

    @Test
    void theOperatorsWritesMeetNoConflict() {
        World world = new World(client);
        world.namespace(TestSettings.OPERATOR_NAMESPACE);
        ApiRequestCounter requests = new ApiRequestCounter();
        try (KubernetesClient operatorClient = requests.countingClient(client);
                KubeletStandIn kubelet = new KubeletStandIn(client, TestSettings.OPERATOR_NAMESPACE);
                ControlPlane ignored = ControlPlane.start(operatorClient, TestSettings.defaults())) {
            List<String> serviceNames = new ArrayList<>();
            for (int s = 0; s < SERVICES; s++) {
                String ns = "owner-" + s;
                world.namespace(ns);
                world.loadBalancer(ns, "api", "10.96.0." + (10 + s), 8080);
                world.endpointService(ns, "api", "api");
                world.permission(ns, "all", "api", true, Principal.namespace("*"));
            }
            for (int s = 0; s < SERVICES; s++) {
                String ns = "owner-" + s;
                Awaits.eventually().until(() -> serviceName(ns) != null);
                serviceNames.add(serviceName(ns));
            }
            for (int n = 0; n < NAMESPACES; n++) {
                world.namespace("consumer-" + n);
                for (int e = 0; e < ENDPOINTS_PER_NAMESPACE; e++) {
                    world.endpoint("consumer-" + n, "ep-" + e, serviceNames.get((n + e) % SERVICES));
                }
            }
            Awaits.eventually().until(() -> available() == NAMESPACES * ENDPOINTS_PER_NAMESPACE);

            List<ConnectionDecision> decisions = new ArrayList<>();
            for (InterfaceEndpoint ep : ofService(serviceNames.get(0))) {
                decisions.add(new ConnectionDecision(
                        ep.getStatus().getEndpointId(), null, ConnectionDecision.Decision.Suspend));
                world.decide("owner-0", "api", decisions.toArray(ConnectionDecision[]::new));
            }
            Awaits.eventually().until(() -> available() == NAMESPACES * ENDPOINTS_PER_NAMESPACE - decisions.size());
            world.decide("owner-0", "api");
            Awaits.eventually().until(() -> available() == NAMESPACES * ENDPOINTS_PER_NAMESPACE);

            assertThat(requests.conflicts())
                    .as("update conflicts among the operator's requests: %s", requests.snapshot())
                    .isZero();
            assertThat(requests.snapshot().getOrDefault("GET configmaps 404", 0L))
                    .as("a cluster without peers reads the missing gateway ConfigMap once, not per change")
                    .isLessThanOrEqualTo(1);

            // and the count would show one: an update with a stale resourceVersion
            Namespace stale = client.namespaces().withName("consumer-0").get();
            client.namespaces().withName("consumer-0").edit(n -> {
                n.getMetadata().setLabels(Map.of("touched", "yes"));
                return n;
            });
            assertThatThrownBy(() -> operatorClient.resource(stale).update())
                    .isInstanceOfSatisfying(
                            KubernetesClientException.class,
                            e -> assertThat(e.getCode()).isEqualTo(409));
            assertThat(requests.conflicts()).isOne();
        }
    }

    String serviceName(String namespace) {
        EndpointService es = client.resources(EndpointService.class)
                .inNamespace(namespace)
                .withName("api")
                .get();
        return es == null || es.getStatus() == null ? null : es.getStatus().getServiceName();
    }

    long available() {
        return client.resources(InterfaceEndpoint.class).inAnyNamespace().list().getItems().stream()
                .filter(ep -> ep.getStatus() != null && ep.getStatus().getState() == ConnectionState.Available)
                .count();
    }

    List<InterfaceEndpoint> ofService(String serviceName) {
        return client.resources(InterfaceEndpoint.class).inAnyNamespace().list().getItems().stream()
                .filter(ep -> ep.getSpec().getServiceName().equals(serviceName))
                .toList();
    }
}
