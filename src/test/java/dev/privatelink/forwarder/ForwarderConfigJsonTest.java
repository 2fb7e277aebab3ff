package dev.privatelink.forwarder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwarderConfigJsonTest {

    private static final ForwarderConfig CONFIG = new ForwarderConfig(List.of(
            new Route(
                    "vpce-0123456789abcdef0",
                    443,
                    20443,
                    List.of(new Upstream("payments.owner.svc", 8443, 3), new Upstream("10.0.0.7", 8443, 1)),
                    ProxyProtocol.V2,
                    RouteState.ACTIVE,
                    "10.96.0.17",
                    null),
            new Route("vpce-0fedcba9876543210", 80, 20080, List.of(), ProxyProtocol.NONE, RouteState.SUSPENDED)));

    @Test
    void jsonRoundTripGivesTheSameConfig() {
        assertThat(ForwarderConfig.fromJson(CONFIG.toJson())).isEqualTo(CONFIG);
    }

    @Test
    void enumsAreWrittenByName() {
        assertThat(CONFIG.toJson())
                .contains("\"proxyProtocol\":\"V2\"", "\"proxyProtocol\":\"NONE\"")
                .contains("\"state\":\"ACTIVE\"", "\"state\":\"SUSPENDED\"");
    }

    @Test
    void missingOptionalFieldsTakeTheirDefaults() {
        ForwarderConfig config = ForwarderConfig.fromJson("""
                {"routes":[{"endpointId":"vpce-1","endpointPort":80,"listenPort":20080,
                            "upstreams":[{"host":"10.0.0.1","port":80,"weight":1}]}]}""");

        assertThat(config.routes()).singleElement().satisfies(route -> {
            assertThat(route.proxyProtocol()).isEqualTo(ProxyProtocol.NONE);
            assertThat(route.state()).isEqualTo(RouteState.ACTIVE);
        });
    }

    @Test
    void unknownFieldsFromANewerOperatorAreIgnored() {
        ForwarderConfig config = ForwarderConfig.fromJson("""
                {"routes":[],"generation":7}""");

        assertThat(config.routes()).isEmpty();
    }

    @Test
    void textThatIsNotAConfigIsRejected() {
        assertThatThrownBy(() -> ForwarderConfig.fromJson("{\"routes\": ["))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ForwarderConfig.fromJson("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ForwarderConfig.fromJson("{\"routes\":[{\"state\":\"MAYBE\"}]}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void twoRoutesOnOneListenPortAreRejected() {
        String json = new ForwarderConfig(List.of(
                        new Route("vpce-1", 80, 20080, List.of(), ProxyProtocol.NONE, RouteState.ACTIVE),
                        new Route("vpce-2", 80, 20080, List.of(), ProxyProtocol.NONE, RouteState.SUSPENDED)))
                .toJson();

        assertThatThrownBy(() -> ForwarderConfig.fromJson(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listenPort is used by another route");
    }

    @Test
    void badPortsAndWeightsAreReported() {
        ForwarderConfig config = new ForwarderConfig(List.of(
                new Route("", 80, 70000, List.of(new Upstream(" ", 0, -1)), ProxyProtocol.NONE, RouteState.ACTIVE)));

        assertThat(config.problems()).hasSize(5);
    }

    @Test
    void theEndpointAddressIsWrittenOnlyWhenKnownAndMustBeAnIpAddress() {
        assertThat(CONFIG.toJson()).contains("\"endpointAddress\":\"10.96.0.17\"");
        assertThat(CONFIG.toJson().split("endpointAddress", -1)).hasSize(2);

        ForwarderConfig named = new ForwarderConfig(List.of(new Route(
                "vpce-1", 80, 20080, List.of(), ProxyProtocol.V2, RouteState.ACTIVE, "payments.shop.svc", null)));
        assertThat(named.problems()).singleElement().asString().contains("endpointAddress is not an IP address");
    }
}
