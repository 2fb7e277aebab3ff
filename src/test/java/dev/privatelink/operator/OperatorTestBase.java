package dev.privatelink.operator;

import dev.privatelink.Awaits;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.Principal;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.ForwarderResources;
import dev.privatelink.forwarder.config.ForwarderConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Optional;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Runs the operator against a fresh Fabric8 mock API server in CRUD mode for each test. */
@EnableKubernetesMockClient(crud = true)
abstract class OperatorTestBase {

    static final String OWNER = "payments";
    static final String CONSUMER = "shop";

    KubernetesClient client;
    World world;
    ControlPlane controlPlane;
    KubeletStandIn kubelet;

    @BeforeEach
    void startOperator() {
        world = new World(client);
        world.namespace(TestSettings.OPERATOR_NAMESPACE);
        kubelet = new KubeletStandIn(client, TestSettings.OPERATOR_NAMESPACE);
        controlPlane = ControlPlane.start(client, settings());
    }

    OperatorSettings settings() {
        return TestSettings.defaults();
    }

    @AfterEach
    void stopOperator() {
        controlPlane.close();
        kubelet.close();
    }

    static ConditionFactory eventually() {
        return Awaits.eventually();
    }

    EndpointService endpointService(String namespace, String name) {
        return client.resources(EndpointService.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    InterfaceEndpoint endpoint(String namespace, String name) {
        return client.resources(InterfaceEndpoint.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    Optional<ConnectionState> stateOf(String namespace, String name) {
        InterfaceEndpoint ep = endpoint(namespace, name);
        return Optional.ofNullable(ep).map(InterfaceEndpoint::getStatus).map(s -> s.getState());
    }

    String serviceNameOf(String namespace, String endpointService) {
        eventually().until(() -> {
            EndpointService es = endpointService(namespace, endpointService);
            return es.getStatus() != null && es.getStatus().getServiceName() != null;
        });
        return endpointService(namespace, endpointService).getStatus().getServiceName();
    }

    /**
     * The owner publishes "api" with manual acceptance to the consumer namespace, a forwarder pod
     * runs in zone-a, and the consumer's endpoint "api" waits for acceptance. Returns the service name.
     */
    String publishAndAwaitPendingEndpoint() {
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.node("node-a", "zone-a");
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(OWNER, "api", "api");
        world.permission(OWNER, "shop", "api", false, Principal.namespace(CONSUMER));
        String serviceName = serviceNameOf(OWNER, "api");
        world.forwarderPod(CONSUMER, "fwd-1", "10.244.0.5", "node-a", true);
        world.endpoint(CONSUMER, "api", serviceName);
        awaitState(CONSUMER, "api", ConnectionState.PendingAcceptance);
        return serviceName;
    }

    void awaitState(String namespace, String name, ConnectionState state) {
        eventually().until(() -> stateOf(namespace, name).orElse(null) == state);
    }

    /** The routes of a namespace's forwarder; none when it has no forwarder. */
    List<ForwarderConfig.Route> routes(String consumerNamespace) {
        ForwarderConfig config = forwarderConfig(consumerNamespace);
        return config == null ? List.of() : config.routes();
    }

    ForwarderConfig forwarderConfig(String consumerNamespace) {
        ConfigMap cm = client.configMaps()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName(world.forwarderName(consumerNamespace))
                .get();
        return cm == null ? null : ForwarderResources.config(cm);
    }

    /** The ready addresses of the regional slice of the consumer's endpoint {@code endpoint}. */
    long readyAddresses(String endpoint) {
        EndpointSlice slice = slice(CONSUMER, endpoint + "-ipv4");
        return slice == null
                ? 0
                : slice.getEndpoints().stream()
                        .filter(e -> Boolean.TRUE.equals(e.getConditions().getReady()))
                        .count();
    }

    /** The same for the endpoint "api". */
    long readyAddresses() {
        return readyAddresses("api");
    }

    EndpointSlice slice(String namespace, String name) {
        return client.resources(EndpointSlice.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }
}
