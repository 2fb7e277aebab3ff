package dev.privatelink.operator;

import static dev.privatelink.api.StatusAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConditionTypes;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.Principal;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadBalancerAndDeletionTest extends OperatorTestBase {

    String resolvedRefsReason(String namespace, String name) {
        var es = endpointService(namespace, name);
        return es.getStatus() == null
                ? null
                : es.getStatus()
                        .condition(ConditionTypes.RESOLVED_REFS)
                        .map(c -> c.getReason())
                        .orElse(null);
    }

    /** An auto-accepting service open to every namespace; returns its service name. */
    String publishToEveryone() {
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(OWNER, "api", "api");
        world.permission(OWNER, "all", "api", true, Principal.namespace("*"));
        return serviceNameOf(OWNER, "api");
    }

    void connectOneEndpoint() {
        world.endpoint(CONSUMER, "api", publishToEveryone());
        awaitState(CONSUMER, "api", ConnectionState.Available);
    }

    @Test
    void missingLoadBalancerIsReportedAndEndpointsWaitInPendingUntilItExists() {
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.endpointService(OWNER, "api", "api");
        world.permission(OWNER, "all", "api", true, Principal.namespace("*"));
        eventually().until(() -> "LoadBalancerNotFound".equals(resolvedRefsReason(OWNER, "api")));
        assertThat(endpointService(OWNER, "api").getStatus())
                .condition(ConditionTypes.READY)
                .hasStatus(false)
                .hasMessageContaining("Service api not found");

        world.endpoint(CONSUMER, "api", serviceNameOf(OWNER, "api"));
        awaitState(CONSUMER, "api", ConnectionState.Pending);

        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        awaitState(CONSUMER, "api", ConnectionState.Available);
        assertThat(endpointService(OWNER, "api").getStatus())
                .condition(ConditionTypes.RESOLVED_REFS)
                .hasStatus(true)
                .hasReason("Resolved");
    }

    @Test
    void aLoadBalancerBacksOnlyTheOldestEndpointService() {
        world.namespace(OWNER);
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(OWNER, "first", "api");
        eventually().until(() -> "Resolved".equals(resolvedRefsReason(OWNER, "first")));
        world.endpointService(OWNER, "second", "api");
        eventually().until(() -> "LoadBalancerInUse".equals(resolvedRefsReason(OWNER, "second")));

        client.resources(EndpointService.class)
                .inNamespace(OWNER)
                .withName("first")
                .delete();
        eventually().until(() -> "Resolved".equals(resolvedRefsReason(OWNER, "second")));
    }

    @Test
    void portMissingOnOneOfTheLoadBalancersIsReported() {
        world.namespace(OWNER);
        world.loadBalancer(OWNER, "blue", "10.96.0.10", 8080, 9090);
        world.loadBalancer(OWNER, "green", "10.96.0.11", 8080);
        world.endpointService(
                OWNER,
                "api",
                s -> {
                    s.setPorts(List.of(8080, 9090));
                    return s;
                },
                "blue",
                "green");
        eventually().until(() -> "PortNotFound".equals(resolvedRefsReason(OWNER, "api")));
    }

    @Test
    void deletingEndpointsRemovesRoutesConnectionsAndFinallyTheForwarder() {
        String serviceName = publishToEveryone();
        world.endpoint(CONSUMER, "a", serviceName);
        world.endpoint(CONSUMER, "b", serviceName);
        eventually()
                .until(() ->
                        forwarderConfig(CONSUMER) != null && routes(CONSUMER).size() == 2);
        var service = client.services().inNamespace(CONSUMER).withName("a").get();
        assertThat(service.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("InterfaceEndpoint"));

        client.resources(InterfaceEndpoint.class)
                .inNamespace(CONSUMER)
                .withName("a")
                .delete();
        eventually().untilAsserted(() -> {
            assertThat(routes(CONSUMER)).hasSize(1);
            assertThat(endpointService(OWNER, "api").getStatus().getConnections())
                    .extracting(c -> c.getConsumer())
                    .containsExactly("shop/b");
        });

        client.resources(InterfaceEndpoint.class)
                .inNamespace(CONSUMER)
                .withName("b")
                .delete();
        eventually().untilAsserted(() -> {
            assertThat(forwarderConfig(CONSUMER)).isNull();
            assertThat(client.apps()
                            .deployments()
                            .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                            .withName(world.forwarderName(CONSUMER))
                            .get())
                    .isNull();
            assertThat(endpointService(OWNER, "api").getStatus().getConnections())
                    .isEmpty();
        });
    }

    @Test
    void deletingTheEndpointServiceStopsTrafficAndFailsItsEndpoints() {
        connectOneEndpoint();

        client.resources(EndpointService.class)
                .inNamespace(OWNER)
                .withName("api")
                .delete();
        awaitState(CONSUMER, "api", ConnectionState.Failed);
        assertThat(endpoint(CONSUMER, "api").getStatus())
                .condition(ConditionTypes.READY)
                .hasStatus(false)
                .hasReason("ServiceDeleted");
        eventually().untilAsserted(() -> {
            assertThat(routes(CONSUMER)).isEmpty();
            assertThat(client.services().inNamespace(CONSUMER).withName("api").get())
                    .isNull();
        });
    }

    @Test
    void deletingALoadBalancerIsReportedAndTheEndpointWaits() {
        connectOneEndpoint();

        client.services().inNamespace(OWNER).withName("api").delete();
        eventually().until(() -> "LoadBalancerNotFound".equals(resolvedRefsReason(OWNER, "api")));
        awaitState(CONSUMER, "api", ConnectionState.Pending);
    }
}
