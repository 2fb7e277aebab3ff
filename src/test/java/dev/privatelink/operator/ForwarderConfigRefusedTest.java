package dev.privatelink.operator;

import static dev.privatelink.api.StatusAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.api.ConditionTypes;
import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.Principal;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SEC-03: when the API server refuses a forwarder's ConfigMap (here: one over a size limit, as a
 * real API server refuses one over 1 MiB), owners' revocations still reach the forwarder, and the
 * endpoints whose routes it lacks say so instead of claiming to be Available.
 */
class ForwarderConfigRefusedTest extends OperatorTestBase {

    SizeLimit limit;
    KubernetesMockServer server;

    /** Its own mock API server: the one the extension starts cannot take another dispatcher. */
    @Override
    @BeforeEach
    void startOperator() {
        limit = new SizeLimit();
        server = limit.startServer();
        client = server.createClient();
        world = new World(client);
        world.namespace(TestSettings.OPERATOR_NAMESPACE);
        kubelet = new KubeletStandIn(client, TestSettings.OPERATOR_NAMESPACE);
        controlPlane = ControlPlane.start(client, settings());
    }

    @Override
    @AfterEach
    void stopOperator() {
        super.stopOperator();
        client.close();
        server.destroy();
    }

    @Test
    void aRefusedConfigStillCarriesTheSuspensionAndTheEndpointsItLacksSaySo() {
        String serviceName = publish();
        world.endpoint(CONSUMER, "api", serviceName);
        world.endpoint(CONSUMER, "web", serviceName);
        awaitState(CONSUMER, "api", ConnectionState.Available);
        awaitState(CONSUMER, "web", ConnectionState.Available);
        eventually().until(() -> routes(CONSUMER).size() == 2);
        // From now on the API server stores no forwarder config larger than the one it has.
        limit.maxDataBytes.set(dataBytes(forwarderConfigMap()));

        // A new endpoint needs a larger config: refused.
        world.endpoint(CONSUMER, "new", serviceName);
        eventually().untilAsserted(() -> {
            assertThat(endpoint(CONSUMER, "new").getStatus())
                    .condition(ConditionTypes.DATA_PLANE_SYNCED)
                    .isFalse()
                    .hasReason(Reasons.FORWARDER_CONFIG_REJECTED)
                    .hasMessageContaining("Too long: must have at most");
            assertThat(endpoint(CONSUMER, "new").getStatus())
                    .condition(ConditionTypes.READY)
                    .isFalse()
                    .hasReason(Reasons.FORWARDER_CONFIG_REJECTED);
            assertThat(warnings("new")).contains(Reasons.FORWARDER_CONFIG_REJECTED);
        });
        assertThat(stateOf(CONSUMER, "new")).contains(ConnectionState.Pending);
        assertThat(limit.refused.get()).as("writes refused").isPositive();

        // The owner suspends "api": the desired config is still too large, the suspension goes through.
        String apiId = endpoint(CONSUMER, "api").getStatus().getEndpointId();
        world.decide(OWNER, "api", new ConnectionDecision(apiId, null, Decision.Suspend));
        eventually().untilAsserted(() -> {
            assertThat(stateOf(CONSUMER, "api")).contains(ConnectionState.Suspended);
            assertThat(routes(CONSUMER))
                    .extracting(r -> r.endpointId() + "=" + r.state())
                    .containsExactlyInAnyOrder(
                            apiId + "=" + RouteState.SUSPENDED,
                            endpoint(CONSUMER, "web").getStatus().getEndpointId() + "=" + RouteState.ACTIVE);
        });
        assertThat(routes(CONSUMER))
                .filteredOn(r -> r.endpointId().equals(apiId))
                .allSatisfy(r -> assertThat(r.upstreams()).isEmpty());
        // What the forwarder has is still served, and said so.
        assertThat(stateOf(CONSUMER, "web")).contains(ConnectionState.Available);
        assertThat(endpoint(CONSUMER, "web").getStatus()).doesNotHaveCondition(ConditionTypes.DATA_PLANE_SYNCED);
        assertThat(stateOf(CONSUMER, "new")).contains(ConnectionState.Pending);

        // The API server takes it again: with the next change, every endpoint is served.
        limit.maxDataBytes.set(Integer.MAX_VALUE);
        world.decide(OWNER, "api", new ConnectionDecision(apiId, null, Decision.Accept));
        awaitState(CONSUMER, "new", ConnectionState.Available);
        awaitState(CONSUMER, "api", ConnectionState.Available);
        assertThat(routes(CONSUMER))
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.state()).isEqualTo(RouteState.ACTIVE));
        assertThat(endpoint(CONSUMER, "new").getStatus()).doesNotHaveCondition(ConditionTypes.DATA_PLANE_SYNCED);
        assertThat(forwarderConfigMap().getMetadata().getAnnotations()).isNullOrEmpty();
    }

    /** The operator does not try a refused config again and again: at the next change, or after a while. */
    @Test
    void aRefusedConfigIsNotRetriedHot() {
        String serviceName = publish();
        world.endpoint(CONSUMER, "api", serviceName);
        awaitState(CONSUMER, "api", ConnectionState.Available);
        limit.maxDataBytes.set(dataBytes(forwarderConfigMap()));
        world.endpoint(CONSUMER, "new", serviceName);
        eventually()
                .until(() -> endpoint(CONSUMER, "new").getStatus() != null
                        && endpoint(CONSUMER, "new")
                                .getStatus()
                                .condition(ConditionTypes.DATA_PLANE_SYNCED)
                                .isPresent());

        // A hot loop refuses hundreds of writes a second; the endpoints settling cause a few.
        int refusedBefore = limit.refused.get();
        await().during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(10))
                .until(() -> limit.refused.get() - refusedBefore <= 3);
    }

    private String publish() {
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.node("node-a", "zone-a");
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(OWNER, "api", "api");
        world.permission(OWNER, "all", "api", true, Principal.namespace(CONSUMER));
        world.forwarderPod(CONSUMER, "fwd-1", "10.244.0.5", "node-a", true);
        return serviceNameOf(OWNER, "api");
    }

    private ConfigMap forwarderConfigMap() {
        return client.configMaps()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName(world.forwarderName(CONSUMER))
                .get();
    }

    private List<String> warnings(String endpoint) {
        return client.v1().events().inNamespace(CONSUMER).list().getItems().stream()
                .filter(e -> "Warning".equals(e.getType()))
                .filter(e -> endpoint.equals(e.getInvolvedObject().getName()))
                .map(Event::getReason)
                .toList();
    }

    static int dataBytes(ConfigMap configMap) {
        return configMap.getData().entrySet().stream()
                .mapToInt(e -> e.getKey().getBytes(StandardCharsets.UTF_8).length
                        + e.getValue().getBytes(StandardCharsets.UTF_8).length)
                .sum();
    }

    /** A mock API server in CRUD mode that refuses ConfigMaps with more data than a limit, as a real one does over 1 MiB. */
    static final class SizeLimit extends Dispatcher {
        final AtomicInteger maxDataBytes = new AtomicInteger(Integer.MAX_VALUE);
        final AtomicInteger refused = new AtomicInteger();
        private final Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        private final Dispatcher store = new KubernetesMixedDispatcher(expectations);

        KubernetesMockServer startServer() {
            KubernetesMockServer server = new KubernetesMockServer(
                    new Context(Serialization.jsonMapper()), new MockWebServer(), expectations, this, false);
            server.init();
            return server;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            boolean write =
                    request.getMethod().equals("POST") || request.getMethod().equals("PUT");
            if (write && request.getPath().matches("/api/v1/namespaces/[^/]+/configmaps(/[^/?]+)?(\\?.*)?")) {
                ConfigMap configMap = Serialization.unmarshal(
                        new String(request.getBody().getBytes(), StandardCharsets.UTF_8), ConfigMap.class);
                if (configMap.getData() != null && dataBytes(configMap) > maxDataBytes.get()) {
                    refused.incrementAndGet();
                    return tooLong(configMap);
                }
            }
            return store.dispatch(request);
        }

        private MockResponse tooLong(ConfigMap configMap) {
            return new MockResponse()
                    .setResponseCode(422)
                    .setHeader("Content-Type", "application/json")
                    .setBody(Serialization.asJson(new StatusBuilder()
                            .withStatus("Failure")
                            .withCode(422)
                            .withReason("Invalid")
                            .withMessage(
                                    "ConfigMap \"" + configMap.getMetadata().getName()
                                            + "\" is invalid: []: Too long: must have at most " + maxDataBytes.get()
                                            + " bytes")
                            .build()));
        }
    }
}
