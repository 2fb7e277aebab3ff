package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.Principal;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * SEC-14: a listener port an endpoint freed is not given to the next endpoint, also when the
 * operator restarts in between (the quarantine is kept in the forwarder's ConfigMap).
 */
class ListenPortQuarantineTest extends OperatorTestBase {

    @Test
    void aDeletedEndpointsPortGoesToNoNewEndpointAcrossAnOperatorRestart() {
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(OWNER, "api", "api");
        world.permission(OWNER, "all", "api", true, Principal.namespace(CONSUMER));
        String serviceName = serviceNameOf(OWNER, "api");
        world.endpoint(CONSUMER, "old", serviceName);
        world.endpoint(CONSUMER, "kept", serviceName);
        awaitState(CONSUMER, "old", ConnectionState.Available);
        awaitState(CONSUMER, "kept", ConnectionState.Available);
        String oldId = endpoint(CONSUMER, "old").getStatus().getEndpointId();
        int oldPort = routes(CONSUMER).stream()
                .filter(r -> r.endpointId().equals(oldId))
                .findFirst()
                .orElseThrow()
                .listenPort();

        client.resources(InterfaceEndpoint.class)
                .inNamespace(CONSUMER)
                .withName("old")
                .delete();
        eventually().until(() -> routes(CONSUMER).size() == 1);
        controlPlane.close();
        controlPlane = ControlPlane.start(client, settings());
        world.endpoint(CONSUMER, "new", serviceName);
        awaitState(CONSUMER, "new", ConnectionState.Available);

        Set<Integer> ports = routes(CONSUMER).stream().map(Route::listenPort).collect(Collectors.toSet());
        assertThat(ports).hasSize(2).doesNotContain(oldPort);
    }
}
