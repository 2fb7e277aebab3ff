package dev.privatelink.operator;

import static dev.privatelink.api.StatusAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConditionTypes;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.Principal;
import dev.privatelink.config.OperatorSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscoveryAndQuotaTest extends OperatorTestBase {

    @Override
    OperatorSettings settings() {
        return TestSettings.with(Map.of("privatelink.endpoint-quota", "2"));
    }

    void publish(Principal principal) {
        world.namespace(OWNER);
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(OWNER, "api", "api");
        world.permission(OWNER, "grant", "api", true, principal);
    }

    @Test
    void notPermittedLooksExactlyLikeANameThatDoesNotExist() {
        publish(Principal.namespace("someone-else"));
        world.namespace(CONSUMER);
        String serviceName = serviceNameOf(OWNER, "api");

        world.endpoint(CONSUMER, "private", serviceName);
        world.endpoint(CONSUMER, "missing", "vpce-svc-0123456789abcdef0");
        awaitState(CONSUMER, "private", ConnectionState.Failed);
        awaitState(CONSUMER, "missing", ConnectionState.Failed);

        var missingReady = endpoint(CONSUMER, "missing")
                .getStatus()
                .condition(ConditionTypes.READY)
                .orElseThrow();
        assertThat(missingReady).hasStatus(false).hasReason("ServiceNotFound");
        assertThat(endpoint(CONSUMER, "private").getStatus())
                .condition(ConditionTypes.READY)
                .hasStatus(false)
                .hasReason("ServiceNotFound")
                .hasMessage(missingReady.getMessage());
        assertThat(endpointService(OWNER, "api").getStatus().getConnections()).isEmpty();
    }

    @Test
    void namespaceSelectorGrantsByLabelsAndFollowsThem() {
        publish(World.selector("team", "retail"));
        world.namespace(CONSUMER, Map.of("team", "other"));
        world.endpoint(CONSUMER, "api", serviceNameOf(OWNER, "api"));
        awaitState(CONSUMER, "api", ConnectionState.Failed);

        world.namespace(CONSUMER, Map.of("team", "retail"));
        awaitState(CONSUMER, "api", ConnectionState.Available);
    }

    @Test
    void endpointPastTheQuotaIsRefusedAndAdmittedWhenRoomFrees() throws InterruptedException {
        publish(Principal.namespace("*"));
        world.namespace(CONSUMER);
        String serviceName = serviceNameOf(OWNER, "api");
        world.endpoint(CONSUMER, "one", serviceName);
        awaitState(CONSUMER, "one", ConnectionState.Available);
        world.endpoint(CONSUMER, "two", serviceName);
        awaitState(CONSUMER, "two", ConnectionState.Available);

        world.endpoint(CONSUMER, "three", serviceName);
        awaitState(CONSUMER, "three", ConnectionState.Failed);
        assertThat(endpoint(CONSUMER, "three").getStatus())
                .condition(ConditionTypes.ACCEPTED)
                .hasStatus(false)
                .hasReason("QuotaExceeded");
        assertThat(stateOf(CONSUMER, "one")).contains(ConnectionState.Available);
        assertThat(stateOf(CONSUMER, "two")).contains(ConnectionState.Available);

        client.resources(InterfaceEndpoint.class)
                .inNamespace(CONSUMER)
                .withName("one")
                .delete();
        awaitState(CONSUMER, "three", ConnectionState.Available);
    }

    @Test
    void requestingAPortTheServiceDoesNotOfferFails() {
        publish(Principal.namespace(CONSUMER));
        world.namespace(CONSUMER);
        world.endpoint(CONSUMER, "api", serviceNameOf(OWNER, "api"), 8080, 443);
        awaitState(CONSUMER, "api", ConnectionState.Failed);
        assertThat(endpoint(CONSUMER, "api").getStatus())
                .condition(ConditionTypes.RESOLVED_REFS)
                .hasStatus(false)
                .hasReason("PortNotOffered");
    }
}
