package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.AllowedWorkloads;
import dev.privatelink.api.ConditionTypes;
import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.PodSelector;
import dev.privatelink.api.Principal;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.api.WorkloadsInForce;
import dev.privatelink.forwarder.config.WorkloadAdmission;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 item 2 through the reconcilers: the endpoint's policy and the owner's ServiceAccounts
 * meet in the endpoint's status, and the forwarder's route carries what the status says.
 */
class EndpointPolicyTest extends OperatorTestBase {

    @BeforeEach
    void publishRestrictedToCheckoutAndBilling() {
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.node("node-a", "zone-a");
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(OWNER, "api", "api");
        world.permission(
                OWNER, "shop", "api", true, Principal.namespace(CONSUMER).withServiceAccounts("checkout", "billing"));
        world.forwarderPod(CONSUMER, "fwd-1", "10.244.0.5", "node-a", true);
        InterfaceEndpoint ep = world.endpoint(CONSUMER, "api", serviceNameOf(OWNER, "api"));
        ep.getSpec()
                .setAllowedWorkloads(AllowedWorkloads.of(
                        PodSelector.matchLabels(Map.of("app", "checkout")), List.of("checkout", "web")));
        client.resource(ep).update();
        awaitState(CONSUMER, "api", ConnectionState.Available);
    }

    @Test
    void theStatusAndTheRouteCarryTheIntersection() {
        eventually().untilAsserted(() -> {
            var status = endpoint(CONSUMER, "api").getStatus();
            assertThat(status.getAllowedWorkloads().getServiceAccounts()).containsExactly("checkout");
            assertThat(status.getAllowedWorkloads().getPodSelector().getMatchLabels())
                    .isEqualTo(Map.of("app", "checkout"));
            assertThat(status.condition(ConditionTypes.WORKLOADS_ADMITTED)
                            .orElseThrow()
                            .getReason())
                    .isEqualTo(Reasons.WORKLOAD_POLICY);
            assertThat(routes(CONSUMER)).singleElement().satisfies(route -> {
                assertThat(route.allowedWorkloads().serviceAccounts()).containsExactly("checkout");
                assertThat(route.allowedWorkloads().podSelector().matchLabels()).isEqualTo(Map.of("app", "checkout"));
            });
        });
    }

    @Test
    void theOwnerNarrowingToNothingInCommonAdmitsNobodyAndTheEndpointSaysSo() {
        principals(Principal.namespace(CONSUMER).withServiceAccounts("billing"));

        eventually().untilAsserted(() -> {
            System.out.println("RAW="
                    + client.getKubernetesSerialization()
                            .asJson(endpoint(CONSUMER, "api").getStatus()));
            var status = endpoint(CONSUMER, "api").getStatus();
            // (the mock API server drops the empty list of ServiceAccounts the status is written with:
            // the condition is what the forwarder's plan goes by)
            var condition = status.condition(ConditionTypes.WORKLOADS_ADMITTED).orElseThrow();
            assertThat(condition.isTrue()).isFalse();
            assertThat(condition.getReason()).isEqualTo(Reasons.NO_WORKLOAD_ADMITTED);
            assertThat(routes(CONSUMER))
                    .singleElement()
                    .satisfies(route -> assertThat(
                                    route.allowedWorkloads().admits(Map.of("app", "checkout"), "checkout"))
                            .isFalse());
        });
    }

    @Test
    void theOwnerLiftingTheRestrictionLeavesTheEndpointsPolicy() {
        principals(Principal.namespace(CONSUMER));

        eventually().untilAsserted(() -> {
            WorkloadsInForce inForce = endpoint(CONSUMER, "api").getStatus().getAllowedWorkloads();
            assertThat(inForce.getServiceAccounts()).containsExactly("checkout", "web");
            assertThat(routes(CONSUMER))
                    .singleElement()
                    .satisfies(route -> assertThat(route.allowedWorkloads().serviceAccounts())
                            .containsExactly("checkout", "web"));
        });
    }

    @Test
    void anEndpointThatDropsItsPolicyAdmitsWhatTheOwnerAllows() {
        InterfaceEndpoint ep = endpoint(CONSUMER, "api");
        ep.getSpec().setAllowedWorkloads(null);
        client.resources(InterfaceEndpoint.class)
                .inNamespace(CONSUMER)
                .withName("api")
                .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"remove\",\"path\":\"/spec/allowedWorkloads\"}]");

        eventually()
                .untilAsserted(() -> assertThat(routes(CONSUMER))
                        .singleElement()
                        .satisfies(route -> assertThat(route.allowedWorkloads())
                                .isEqualTo(new WorkloadAdmission(null, List.of("billing", "checkout")))));
    }

    /** Replaces the owner's principals, as a kubectl apply of the edited permission would. */
    private void principals(Principal... principals) {
        String patch = client.getKubernetesSerialization()
                .asJson(List.of(Map.of("op", "replace", "path", "/spec/principals", "value", List.of(principals))));
        client.resources(ServicePermission.class)
                .inNamespace(OWNER)
                .withName("shop")
                .patch(PatchContext.of(PatchType.JSON), patch);
    }
}
