package dev.privatelink.forwarder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import dev.privatelink.forwarder.config.WorkloadAdmission;
import dev.privatelink.forwarder.config.WorkloadAdmission.Operator;
import dev.privatelink.forwarder.config.WorkloadAdmission.Requirement;
import dev.privatelink.forwarder.config.WorkloadAdmission.Selector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The endpoint policy on the wire between the operator and the forwarders (issue 8 item 2). */
class WorkloadAdmissionJsonTest {

    private static final WorkloadAdmission CHECKOUT = new WorkloadAdmission(
            new Selector(
                    Map.of("app", "checkout"), List.of(new Requirement("track", Operator.NotIn, List.of("canary")))),
            List.of("checkout"));

    static Route route(WorkloadAdmission allowed) {
        return new Route(
                "vpce-0123456789abcdef0",
                443,
                20443,
                List.of(new Upstream("10.0.0.7", 8443, 1)),
                ProxyProtocol.NONE,
                RouteState.ACTIVE,
                null,
                allowed);
    }

    @Test
    void anAdmissionSurvivesTheRoundTrip() {
        ForwarderConfig config = new ForwarderConfig(List.of(route(CHECKOUT)));

        assertThat(ForwarderConfig.fromJson(config.toJson())).isEqualTo(config);
    }

    @Test
    void aRouteForEveryPodCarriesNoAdmissionOnTheWire() {
        ForwarderConfig config = new ForwarderConfig(List.of(route(null)));

        assertThat(config.toJson()).doesNotContain("allowedWorkloads");
        assertThat(ForwarderConfig.fromJson(config.toJson()).routes().get(0).allowedWorkloads())
                .isNull();
    }

    @Test
    void nobodyStaysNobodyOnTheWire() {
        // an empty list of ServiceAccounts admits nobody; dropped, it would admit everybody
        ForwarderConfig config = new ForwarderConfig(List.of(route(WorkloadAdmission.NOBODY)));

        assertThat(config.toJson()).contains("\"allowedWorkloads\":{\"serviceAccounts\":[]}");
        WorkloadAdmission read =
                ForwarderConfig.fromJson(config.toJson()).routes().get(0).allowedWorkloads();
        assertThat(read.admits(Map.of(), "default")).isFalse();
    }

    @Test
    void aPodMustMatchTheSelectorAndRunAsANamedServiceAccount() {
        assertThat(CHECKOUT.admits(Map.of("app", "checkout"), "checkout")).isTrue();
        assertThat(CHECKOUT.admits(Map.of("app", "checkout", "track", "stable"), "checkout"))
                .isTrue();
        assertThat(CHECKOUT.admits(Map.of("app", "checkout", "track", "canary"), "checkout"))
                .isFalse();
        assertThat(CHECKOUT.admits(Map.of("app", "web"), "checkout")).isFalse();
        assertThat(CHECKOUT.admits(Map.of("app", "checkout"), "default")).isFalse();
        var exists = new WorkloadAdmission(
                new Selector(
                        null,
                        List.of(
                                new Requirement("team", Operator.Exists, null),
                                new Requirement("frozen", Operator.DoesNotExist, null),
                                new Requirement("env", Operator.In, List.of("prod")))),
                null);
        assertThat(exists.admits(Map.of("team", "a", "env", "prod"), "any")).isTrue();
        assertThat(exists.admits(Map.of("team", "a", "env", "dev"), "any")).isFalse();
        assertThat(exists.admits(Map.of("team", "a", "env", "prod", "frozen", ""), "any"))
                .isFalse();
        assertThat(exists.admits(Map.of("env", "prod"), "any")).isFalse();
    }

    @Test
    void anAdmissionTheForwarderCannotApplyIsRejected() {
        var broken = new WorkloadAdmission(
                new Selector(null, List.of(new Requirement("env", Operator.In, null))), List.of(" "));

        assertThatThrownBy(() -> ForwarderConfig.fromJson(new ForwarderConfig(List.of(route(broken))).toJson()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowedWorkloads.serviceAccounts: a name is blank")
                .hasMessageContaining("allowedWorkloads.podSelector.matchExpressions[0]: In and NotIn need values");
    }

    @Test
    void anOperatorTheForwarderDoesNotKnowMakesTheConfigUnreadable() {
        // the forwarder then keeps serving its last good config rather than guess
        assertThatThrownBy(() -> ForwarderConfig.fromJson("""
                        {"routes":[{"endpointId":"vpce-1","endpointPort":80,"listenPort":20080,
                          "allowedWorkloads":{"podSelector":{"matchExpressions":[{"key":"a","operator":"Gt"}]}}}]}""")).isInstanceOf(IllegalArgumentException.class);
    }
}
