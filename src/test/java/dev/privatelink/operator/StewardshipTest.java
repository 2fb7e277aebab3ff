package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConditionTypes;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.Principal;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.Labels;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * How the operator looks after what it creates: a steady state writes nothing, drift made by
 * someone else is put back, an object it did not create is never taken over, and an endpoint the
 * forwarder has no listener port for says so.
 */
class StewardshipTest extends OperatorTestBase {

    /** A port range of one port: the second endpoint of a namespace gets none. */
    @Override
    OperatorSettings settings() {
        return TestSettings.with(Map.of(
                "privatelink.forwarder.first-listen-port", "10000",
                "privatelink.forwarder.last-listen-port", "10000"));
    }

    private String publishToEveryone() {
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.node("node-a", "zone-a");
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(OWNER, "api", "api");
        world.permission(OWNER, "all", "api", true, Principal.namespace("*"));
        world.forwarderPod(CONSUMER, "fwd-1", "10.244.0.5", "node-a", true);
        return serviceNameOf(OWNER, "api");
    }

    private void connect(String name) {
        world.endpoint(CONSUMER, name, publishToEveryone());
        awaitState(CONSUMER, name, ConnectionState.Available);
        eventually().until(() -> readyAddresses(name) == 1);
    }

    private Map<String, String> resourceVersions() {
        Map<String, String> versions = new TreeMap<>();
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(client.resources(InterfaceEndpoint.class)
                .inAnyNamespace()
                .list()
                .getItems());
        all.addAll(
                client.resources(EndpointService.class).inAnyNamespace().list().getItems());
        all.addAll(client.services().inNamespace(CONSUMER).list().getItems());
        all.addAll(client.resources(EndpointSlice.class)
                .inNamespace(CONSUMER)
                .list()
                .getItems());
        all.addAll(client.configMaps()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .list()
                .getItems());
        all.addAll(client.apps()
                .deployments()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .list()
                .getItems());
        all.addAll(
                client.network().v1().networkPolicies().inAnyNamespace().list().getItems());
        all.forEach(o -> versions.put(
                o.getKind() + " " + o.getMetadata().getNamespace() + "/"
                        + o.getMetadata().getName(),
                o.getMetadata().getResourceVersion()));
        return versions;
    }

    @Test
    void aSteadyStateWritesNothing() {
        connect("api");
        // Let the writes that follow Available (owner status, forwarder objects) settle first.
        eventually().until(() -> forwarderConfig(CONSUMER) != null);
        Map<String, String> settled = resourceVersions();
        eventually().pollDelay(Duration.ZERO).until(() -> {
            Map<String, String> now = resourceVersions();
            boolean same = now.equals(settled);
            settled.clear();
            settled.putAll(now);
            return same;
        });
        assertThat(settled)
                .containsKeys(
                        "NetworkPolicy " + TestSettings.OPERATOR_NAMESPACE + "/" + world.forwarderName(CONSUMER),
                        "NetworkPolicy " + OWNER + "/privatelink-api");

        eventually()
                .during(Duration.ofSeconds(2))
                .until(() -> resourceVersions().equals(settled));
    }

    @Test
    void anEditedEndpointServiceIsPutBack() {
        connect("api");

        client.services().inNamespace(CONSUMER).withName("api").edit(s -> {
            s.getSpec().getPorts().get(0).setPort(9999);
            return s;
        });

        eventually()
                .until(() -> client.services()
                                .inNamespace(CONSUMER)
                                .withName("api")
                                .get()
                                .getSpec()
                                .getPorts()
                                .get(0)
                                .getPort()
                        == 8080);
    }

    @Test
    void aSliceEmptiedByHandIsRefilled() {
        connect("api");

        client.resources(EndpointSlice.class)
                .inNamespace(CONSUMER)
                .withName("api-ipv4")
                .edit(s -> {
                    s.setEndpoints(List.of());
                    return s;
                });

        eventually().until(() -> readyAddresses("api") == 1);
    }

    @Test
    void anEditedForwarderDeploymentAndConfigArePutBack() {
        connect("api");
        String forwarder = world.forwarderName(CONSUMER);
        var deployments = client.apps().deployments().inNamespace(TestSettings.OPERATOR_NAMESPACE);
        var configMaps = client.configMaps().inNamespace(TestSettings.OPERATOR_NAMESPACE);
        eventually().until(() -> deployments.withName(forwarder).get() != null);
        String image = image(deployments.withName(forwarder).get());
        String config = configMaps.withName(forwarder).get().getData().get("forwarder.json");

        deployments.withName(forwarder).edit(d -> {
            d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("attacker.example/forwarder:evil");
            return d;
        });
        configMaps.withName(forwarder).edit(c -> {
            c.getData().put("forwarder.json", "{\"routes\":[]}");
            return c;
        });

        eventually()
                .until(() -> image.equals(image(deployments.withName(forwarder).get())));
        eventually()
                .until(() -> config.equals(
                        configMaps.withName(forwarder).get().getData().get("forwarder.json")));
    }

    private static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    @Test
    void aServiceTheOperatorDidNotCreateIsLeftAloneAndReported() {
        String serviceName = publishToEveryone();
        client.services()
                .resource(new ServiceBuilder()
                        .withNewMetadata()
                        .withNamespace(CONSUMER)
                        .withName("api")
                        .withLabels(Map.of("team", "shop"))
                        .endMetadata()
                        .withNewSpec()
                        .withSelector(Map.of("app", "shop-api"))
                        .addNewPort()
                        .withPort(80)
                        .endPort()
                        .endSpec()
                        .build())
                .create();

        world.endpoint(CONSUMER, "api", serviceName);

        eventually().untilAsserted(() -> {
            var status = endpoint(CONSUMER, "api").getStatus();
            assertThat(status).isNotNull();
            assertThat(status.getState()).isEqualTo(ConnectionState.Pending);
            var ready = status.condition(ConditionTypes.READY).orElseThrow();
            assertThat(ready.getStatus()).isEqualTo("False");
            assertThat(ready.getReason()).isEqualTo("ObjectConflict");
            assertThat(ready.getMessage()).contains("Service shop/api");
        });
        Service theirs = client.services().inNamespace(CONSUMER).withName("api").get();
        assertThat(theirs.getSpec().getSelector()).containsEntry("app", "shop-api");
        assertThat(theirs.getMetadata().getOwnerReferences()).isEmpty();
        assertThat(slice(CONSUMER, "api-ipv4"))
                .as("no slice points their Service at the forwarder")
                .isNull();
    }

    /**
     * The one listener port, freed by "first", stays in quarantine (SEC-14) before "second" gets
     * it; the quarantine's end is played by editing its release time into the past.
     */
    @Test
    void anEndpointWithoutAListenerPortIsPendingUntilAPortFreesAndLeavesQuarantine() {
        connect("first");
        world.endpoint(CONSUMER, "second", serviceNameOf(OWNER, "api"));

        eventually().untilAsserted(() -> {
            var status = endpoint(CONSUMER, "second").getStatus();
            assertThat(status).isNotNull();
            assertThat(status.getState()).isEqualTo(ConnectionState.Pending);
            assertThat(status.condition(ConditionTypes.READY).orElseThrow().getReason())
                    .isEqualTo("NoListenerPort");
        });
        eventually()
                .until(() -> warningsAbout("second").stream()
                        .anyMatch(e -> e.getMessage().contains("no free listener port")));

        client.resources(InterfaceEndpoint.class)
                .inNamespace(CONSUMER)
                .withName("first")
                .delete();
        eventually().until(() -> freedPorts().contains(":10000"));
        assertThat(stateOf(CONSUMER, "second")).contains(ConnectionState.Pending);

        client.configMaps()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName(world.forwarderName(CONSUMER))
                .edit(cm -> {
                    cm.getMetadata().getAnnotations().put(Labels.FREED_LISTEN_PORTS, "1:10000");
                    return cm;
                });
        awaitState(CONSUMER, "second", ConnectionState.Available);
        eventually().until(() -> readyAddresses("second") == 1);
    }

    private String freedPorts() {
        var annotations = client.configMaps()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName(world.forwarderName(CONSUMER))
                .get()
                .getMetadata()
                .getAnnotations();
        return annotations == null ? "" : annotations.getOrDefault(Labels.FREED_LISTEN_PORTS, "");
    }

    private List<Event> warningsAbout(String endpoint) {
        return client.v1().events().inNamespace(CONSUMER).list().getItems().stream()
                .filter(e -> "Warning".equals(e.getType()))
                .filter(e -> endpoint.equals(e.getInvolvedObject().getName()))
                .toList();
    }
}
