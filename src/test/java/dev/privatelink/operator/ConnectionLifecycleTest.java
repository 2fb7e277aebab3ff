package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.Principal;
import dev.privatelink.forwarder.config.ForwarderConfig;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.Test;

class ConnectionLifecycleTest extends OperatorTestBase {

    @Test
    void autoAcceptedEndpointBecomesAvailableWithServiceSlicesAndForwarder() {
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.node("node-a", "zone-a");
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080, 9090);
        world.endpointService(OWNER, "api", "api");
        world.permission(OWNER, "shop-may-connect", "api", true, Principal.namespace(CONSUMER));
        String serviceName = serviceNameOf(OWNER, "api");

        world.forwarderPod(CONSUMER, "fwd-1", "10.244.0.5", "node-a", true);
        world.endpoint(CONSUMER, "api", serviceName);
        awaitState(CONSUMER, "api", ConnectionState.Available);

        eventually().untilAsserted(() -> {
            EndpointSlice slice = slice(CONSUMER, "api-ipv4");
            assertThat(slice).isNotNull();
            assertThat(slice.getEndpoints()).singleElement().satisfies(e -> {
                assertThat(e.getAddresses()).containsExactly("10.244.0.5");
                assertThat(e.getConditions().getReady()).isTrue();
                assertThat(e.getZone()).isEqualTo("zone-a");
            });
            assertThat(slice.getPorts())
                    .extracting(p -> p.getName() + "=" + p.getPort())
                    .containsExactly("tcp-8080=10000", "tcp-9090=10001");
        });
        Service service =
                client.services().inNamespace(CONSUMER).withName("api").get();
        assertThat(service.getSpec().getSelector()).isNullOrEmpty();
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(8080, 9090);

        InterfaceEndpoint ep = endpoint(CONSUMER, "api");
        assertThat(ep.getStatus().getEndpointId()).matches("vpce-[0-9a-f]{17}");
        eventually()
                .untilAsserted(
                        () -> assertThat(endpoint(CONSUMER, "api").getStatus().getDnsNames())
                                .containsExactly("api.shop.svc", "api-zone-a.shop.svc"));

        ForwarderConfig config = forwarderConfig(CONSUMER);
        assertThat(config.routes())
                .extracting(ForwarderConfig.Route::endpointPort)
                .containsExactly(8080, 9090);
        assertThat(config.routes())
                .filteredOn(r -> r.endpointPort() == 8080)
                .singleElement()
                .satisfies(r ->
                        assertThat(r.upstreams()).containsExactly(new ForwarderConfig.Upstream("10.96.0.10", 8080, 1)));
        assertThat(config.routes())
                .allMatch(r -> r.endpointId().equals(ep.getStatus().getEndpointId()));
        Deployment fwd = client.apps()
                .deployments()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName(world.forwarderName(CONSUMER))
                .get();
        assertThat(fwd).isNotNull();

        eventually()
                .untilAsserted(() -> assertThat(
                                endpointService(OWNER, "api").getStatus().getConnections())
                        .singleElement()
                        .satisfies(c -> {
                            assertThat(c.getConsumer()).isEqualTo("shop/api");
                            assertThat(c.getState()).isEqualTo(ConnectionState.Available);
                        }));
        assertThat(endpointService(OWNER, "api").getStatus().getAvailableConnections())
                .isEqualTo(1);
    }
}
