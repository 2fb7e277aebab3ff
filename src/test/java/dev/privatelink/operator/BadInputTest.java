package dev.privatelink.operator;

import static dev.privatelink.api.StatusAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConditionTypes;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.NamespaceSelector;
import dev.privatelink.api.Principal;
import dev.privatelink.api.SelectorRequirement;
import dev.privatelink.api.ServicePermission;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One bad object never stops the operator: what the API server may store (values this operator
 * does not know, selectors a current CRD refuses, a hand-edited forwarder ConfigMap) is read
 * tolerantly, reported on the object, and everything else reconciles as before.
 */
class BadInputTest extends OperatorTestBase {

    /** An auto-accepting service open to every namespace; returns its service name. */
    private String publishToEveryone(String name) {
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.node("node-a", "zone-a");
        world.loadBalancer(OWNER, name, "10.96.0.10", 8080);
        world.endpointService(OWNER, name, name);
        world.permission(OWNER, name, name, true, Principal.namespace("*"));
        world.forwarderPod(CONSUMER, "fwd-1", "10.244.0.5", "node-a", true);
        return serviceNameOf(OWNER, name);
    }

    /** Stores an object as raw JSON, the way the API server may hold it, bypassing the model. */
    private void storeRaw(String kind, String namespace, String name, Map<String, Object> spec) {
        GenericKubernetesResource raw = new GenericKubernetesResourceBuilder()
                .withApiVersion("privatelink.dev/v1alpha1")
                .withKind(kind)
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", spec))
                .build();
        client.genericKubernetesResources("privatelink.dev/v1alpha1", kind)
                .inNamespace(namespace)
                .resource(raw)
                .create();
    }

    private List<Event> warnings(String namespace, String name) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> "Warning".equals(e.getType()))
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    @Test
    void aDecisionThisOperatorDoesNotKnowIsReportedAndEverythingElseReconciles() {
        String good = publishToEveryone("api");
        world.loadBalancer(OWNER, "odd", "10.96.0.11", 8080);
        storeRaw(
                "EndpointService",
                OWNER,
                "odd",
                Map.of(
                        "loadBalancers",
                        List.of(Map.of("name", "odd")),
                        "connections",
                        List.of(Map.of("consumer", "shop/x", "decision", "Maybe"))));

        eventually().untilAsserted(() -> {
            var status = endpointService(OWNER, "odd").getStatus();
            assertThat(status).isNotNull();
            assertThat(status)
                    .condition(ConditionTypes.ACCEPTED)
                    .hasStatus(false)
                    .hasReason("InvalidSpec")
                    .hasMessageContaining("spec.connections[0].decision");
        });
        eventually().until(() -> !warnings(OWNER, "odd").isEmpty());

        world.endpoint(CONSUMER, "api", good);
        awaitState(CONSUMER, "api", ConnectionState.Available);
    }

    @Test
    void aSelectorWithoutAnOperatorGrantsNothingAndIsReported() {
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.namespace("billing", Map.of("team", "retail"));
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(OWNER, "api", "api");
        var broken = new NamespaceSelector().withExpressions(new SelectorRequirement("team", null, List.of("retail")));
        world.permission(OWNER, "mixed", "api", true, Principal.namespace(CONSUMER), Principal.selector(broken));
        String serviceName = serviceNameOf(OWNER, "api");

        world.endpoint(CONSUMER, "api", serviceName);
        world.endpoint("billing", "api", serviceName);

        awaitState(CONSUMER, "api", ConnectionState.Available);
        awaitState("billing", "api", ConnectionState.Failed);
        assertThat(endpoint("billing", "api").getStatus())
                .condition(ConditionTypes.READY)
                .hasReason("ServiceNotFound");
        eventually().untilAsserted(() -> {
            var status = client.resources(ServicePermission.class)
                    .inNamespace(OWNER)
                    .withName("mixed")
                    .get()
                    .getStatus();
            assertThat(status).isNotNull();
            assertThat(status)
                    .condition(ConditionTypes.ACCEPTED)
                    .hasStatus(false)
                    .hasReason("InvalidSpec")
                    .hasMessageContaining("spec.principals[1].namespaceSelector.matchExpressions[0].operator");
        });
        eventually().until(() -> !warnings(OWNER, "mixed").isEmpty());
    }

    @Test
    void aHandEditedForwarderConfigIsRepairedWithoutMovingAnyEndpoint() {
        world.endpoint(CONSUMER, "api", publishToEveryone("api"));
        awaitState(CONSUMER, "api", ConnectionState.Available);
        eventually().until(() -> readyAddresses() == 1);
        var configMaps = client.configMaps().inNamespace(TestSettings.OPERATOR_NAMESPACE);
        String forwarder = world.forwarderName(CONSUMER);
        String config = configMaps.withName(forwarder).get().getData().get("forwarder.json");
        String sliceVersion = slice(CONSUMER, "api-ipv4").getMetadata().getResourceVersion();

        configMaps.withName(forwarder).edit(c -> {
            c.getData().put("forwarder.json", "not json");
            return c;
        });

        eventually()
                .until(() -> config.equals(
                        configMaps.withName(forwarder).get().getData().get("forwarder.json")));
        eventually()
                .during(Duration.ofSeconds(1))
                .until(() -> sliceVersion.equals(
                        slice(CONSUMER, "api-ipv4").getMetadata().getResourceVersion()));
        assertThat(endpoint(CONSUMER, "api").getStatus().getState()).isEqualTo(ConnectionState.Available);
    }
}
