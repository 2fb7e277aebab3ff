package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failures between the operator and the API server, rehearsed: errors (500, 409, 429 with
 * Retry-After), responses lost after the store applied the request, watches the server drops.
 * Through each, the operator converges: the endpoint becomes Available, its suspension reaches the
 * forwarder's ConfigMap, and no object exists twice.
 *
 * <p>The operator's client here gives up at the first failure, so that every fault reaches a
 * reconciler: with production's client, which retries 5xx and 429 up to ten times, a bounded
 * fault would never get past the client.
 */
class FaultInjectionTest extends OperatorTestBase {

    static final String OPERATOR_AGENT = "kube-privatelink-operator-under-faults";
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(2);
    /** Fewer than JOSDK's five attempts, so that no reconcile gives up: faults are bounded. */
    static final int FAULTS = 3;
    /** Every other write of the operator fails, until FAULTS have failed. */
    static final int EVERY = 2;

    FaultInjector faults;
    KubernetesMockServer faultyServer;
    KubernetesClient operatorClient;

    /** Its own mock API server: the one the extension starts cannot take another dispatcher. */
    @Override
    @BeforeEach
    void startOperator() {
        faults = new FaultInjector(OPERATOR_AGENT);
        faultyServer = faults.startServer();
        client = faultyServer.createClient();
        operatorClient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration())
                        .withUserAgent(OPERATOR_AGENT)
                        .withRequestRetryBackoffLimit(0)
                        .withRequestTimeout((int) CLIENT_TIMEOUT.toMillis())
                        .build())
                .build();
        world = new World(client);
        world.namespace(TestSettings.OPERATOR_NAMESPACE);
        controlPlane = ControlPlane.start(operatorClient, settings());
    }

    @Override
    @AfterEach
    void stopOperator() {
        controlPlane.close();
        operatorClient.close();
        client.close();
        faultyServer.destroy();
    }

    @Test
    void convergesThroughServerErrors() {
        rehearse(new FaultInjector.Fault.Refused(500, "InternalError", "etcdserver: request timed out", Map.of()));
    }

    @Test
    void convergesThroughConflicts() {
        rehearse(new FaultInjector.Fault.Refused(
                409,
                "Conflict",
                "Operation cannot be fulfilled: the object has been modified;"
                        + " please apply your changes to the latest version and try again",
                Map.of()));
    }

    @Test
    void convergesThroughThrottling() {
        rehearse(new FaultInjector.Fault.Refused(
                429,
                "TooManyRequests",
                "the server has received too many requests and has asked us to try again later",
                Map.of("Retry-After", "1")));
    }

    @Test
    void convergesThroughResponsesLostAfterTheWriteWasApplied() {
        rehearse(new FaultInjector.Fault.LostResponse(CLIENT_TIMEOUT.multipliedBy(3)));
    }

    @Test
    void convergesThroughWatchesTheServerDrops() {
        String endpointId = pendingEndpointId();
        int opened = faults.watchesOpened();

        int dropped = faults.dropWatches(false);
        assertThat(dropped).as("the operator's open watches").isPositive();
        // An API server resumes a watch from its resourceVersion; the mock one only sends what
        // happens once the watch is back, so the owner decides after that.
        eventually().until(() -> faults.watchesOpened() >= opened + dropped);
        decide(endpointId, Decision.Accept);
        awaitTraffic();

        // 410 Gone: the API server no longer has the watches' resourceVersion; the informers list
        // again, and must see the suspension made while they were away.
        faults.dropWatches(true);
        decide(endpointId, Decision.Suspend);
        awaitSuspendedRoute();
        assertExactlyOneEndpointsObjects();
    }

    /** Faults on the operator's writes while the owner accepts, then suspends, the connection. */
    private void rehearse(FaultInjector.Fault fault) {
        String endpointId = pendingEndpointId();

        faults.failWrites(FAULTS, EVERY, fault);
        decide(endpointId, Decision.Accept);
        awaitTraffic();
        decide(endpointId, Decision.Suspend);

        awaitSuspendedRoute();
        assertThat(faults.injected()).as("faults injected").isEqualTo(FAULTS);
        assertExactlyOneEndpointsObjects();
    }

    private String pendingEndpointId() {
        publishAndAwaitPendingEndpoint();
        return endpoint(CONSUMER, "api").getStatus().getEndpointId();
    }

    private void decide(String endpointId, Decision decision) {
        world.decide(OWNER, "api", new ConnectionDecision(endpointId, null, decision));
    }

    private void awaitTraffic() {
        awaitState(CONSUMER, "api", ConnectionState.Available);
        eventually().until(() -> readyAddresses() == 1);
    }

    private void awaitSuspendedRoute() {
        eventually().untilAsserted(() -> {
            assertThat(stateOf(CONSUMER, "api")).contains(ConnectionState.Suspended);
            assertThat(routes(CONSUMER))
                    .singleElement()
                    .satisfies(r -> assertThat(r.state()).isEqualTo(RouteState.SUSPENDED));
            assertThat(readyAddresses()).isZero();
        });
    }

    /** The Services and slices of one endpoint in one zone, one forwarder: each once, nothing else. */
    private void assertExactlyOneEndpointsObjects() {
        eventually().untilAsserted(() -> {
            assertThat(names(client.services().inNamespace(CONSUMER).list().getItems()))
                    .containsExactlyInAnyOrder("api", "api-zone-a");
            assertThat(names(client.resources(EndpointSlice.class)
                            .inNamespace(CONSUMER)
                            .list()
                            .getItems()))
                    .containsExactlyInAnyOrder("api-ipv4", "api-zone-a-ipv4");
            assertThat(names(client.configMaps()
                            .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                            .list()
                            .getItems()))
                    .containsExactly(world.forwarderName(CONSUMER));
            assertThat(names(client.apps()
                            .deployments()
                            .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                            .list()
                            .getItems()))
                    .containsExactly(world.forwarderName(CONSUMER));
        });
    }

    private static List<String> names(List<? extends HasMetadata> objects) {
        return objects.stream().map(o -> o.getMetadata().getName()).toList();
    }
}
