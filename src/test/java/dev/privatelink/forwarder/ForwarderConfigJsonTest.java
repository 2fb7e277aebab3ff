package dev.privatelink.forwarder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.ServiceRef;
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
        assertThat(CONFIG.toJson()).contains("\"proxyProtocol\":\"V2\"");
    }

    /** Endpoints of several ports and load balancers, some shared, some not: every route survives. */
    @Test
    void jsonRoundTripKeepsEveryRouteOfEveryShape() {
        List<Upstream> blueGreen = List.of(new Upstream("api-blue.owner.svc", 0, 3), new Upstream("10.0.0.7", 0, 0));
        ForwarderConfig config = new ForwarderConfig(List.of(
                route("vpce-a", 443, 10002, blueGreen, ProxyProtocol.V2, RouteState.ACTIVE),
                route("vpce-a", 80, 10001, blueGreen, ProxyProtocol.V2, RouteState.ACTIVE),
                route("vpce-b", 80, 10000, blueGreen, ProxyProtocol.NONE, RouteState.ACTIVE),
                // an upstream port that is not the endpoint port (the forwarder's own tests dial such)
                new Route(
                        "vpce-c",
                        5432,
                        10003,
                        List.of(new Upstream("127.0.0.1", 40001, 1)),
                        ProxyProtocol.NONE,
                        RouteState.ACTIVE),
                route("vpce-d", 80, 10004, blueGreen, ProxyProtocol.NONE, RouteState.SUSPENDED),
                route("vpce-e", 80, 10005, List.of(), ProxyProtocol.NONE, RouteState.SUSPENDED)));

        assertThat(ForwarderConfig.fromJson(config.toJson())).isEqualTo(config);
    }

    @Test
    void anEndpointsLoadBalancersAreWrittenOnceForAllItsPortsAndEndpoints() {
        List<Upstream> set = List.of(new Upstream("a-very-long-load-balancer-name.owner.svc.cluster.local", 0, 1));
        ForwarderConfig config = new ForwarderConfig(List.of(
                route("vpce-a", 80, 10000, set, ProxyProtocol.NONE, RouteState.ACTIVE),
                route("vpce-a", 443, 10001, set, ProxyProtocol.NONE, RouteState.ACTIVE),
                route("vpce-b", 8080, 10002, set, ProxyProtocol.NONE, RouteState.ACTIVE)));

        String json = config.toJson();

        assertThat(json.split("a-very-long-load-balancer-name", -1)).hasSize(2);
        assertThat(json.split("vpce-a", -1)).hasSize(2);
    }

    @Test
    void theOrderRoutesAreGivenInDoesNotMatter() {
        Route first = route("vpce-b", 80, 10000, List.of(), ProxyProtocol.NONE, RouteState.SUSPENDED);
        Route second = route("vpce-a", 80, 10001, List.of(), ProxyProtocol.NONE, RouteState.SUSPENDED);

        assertThat(new ForwarderConfig(List.of(second, first))).isEqualTo(new ForwarderConfig(List.of(first, second)));
        assertThat(new ForwarderConfig(List.of(second, first)).toJson())
                .isEqualTo(new ForwarderConfig(List.of(first, second)).toJson());
    }

    /**
     * The operator's fail-closed config suspends routes of a config the API server stored; it must
     * fit where that one did, so suspending never lengthens the document.
     */
    @Test
    void suspendingAnEndpointNeverMakesTheDocumentLonger() {
        List<Upstream> set = List.of(new Upstream("10.0.0.1", 0, 1));
        for (ProxyProtocol proxy : ProxyProtocol.values()) {
            ForwarderConfig active = new ForwarderConfig(List.of(
                    route("vpce-a", 80, 10000, set, proxy, RouteState.ACTIVE),
                    route("vpce-b", 80, 10001, set, proxy, RouteState.ACTIVE)));
            ForwarderConfig oneSuspended = new ForwarderConfig(List.of(
                    route("vpce-a", 80, 10000, List.of(), proxy, RouteState.SUSPENDED),
                    route("vpce-b", 80, 10001, set, proxy, RouteState.ACTIVE)));
            ForwarderConfig bothSuspended = new ForwarderConfig(List.of(
                    route("vpce-a", 80, 10000, List.of(), proxy, RouteState.SUSPENDED),
                    route("vpce-b", 80, 10001, List.of(), proxy, RouteState.SUSPENDED)));

            assertThat(oneSuspended.toJson().length())
                    .isLessThanOrEqualTo(active.toJson().length());
            assertThat(bothSuspended.toJson().length())
                    .isLessThanOrEqualTo(oneSuspended.toJson().length());
        }
    }

    /** What operators before the compact form wrote is still read, so no listener port moves on upgrade. */
    @Test
    void theRouteListOfOlderOperatorsIsStillRead() {
        ForwarderConfig config = ForwarderConfig.fromJson("""
                {"routes":[{"endpointId":"vpce-1","endpointPort":80,"listenPort":20080,"proxyProtocol":"V2",
                            "upstreams":[{"host":"10.0.0.1","port":80,"weight":1}],"state":"SUSPENDED"}]}""");

        assertThat(config.routes())
                .containsExactly(new Route(
                        "vpce-1",
                        80,
                        20080,
                        List.of(new Upstream("10.0.0.1", 80, 1)),
                        ProxyProtocol.V2,
                        RouteState.SUSPENDED));
    }

    /** A forwarder of the route-list format, as it parsed: it must reject the compact form, and so keep its last config. */
    @Test
    void anOlderForwarderRejectsTheCompactFormInsteadOfReadingNoRoutes() {
        ObjectMapper olderForwarder =
                new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

        assertThatThrownBy(() -> olderForwarder.readValue(CONFIG.toJson(), OlderForwarderConfig.class))
                .isInstanceOf(JsonProcessingException.class);
    }

    record OlderForwarderConfig(List<Route> routes) {}

    @Test
    void aFormatNewerThanThisForwarderIsRejected() {
        assertThatThrownBy(() -> ForwarderConfig.fromJson("{\"format\":3,\"whatever\":[]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format 3");
    }

    @Test
    void anEndpointWhosePortListsDoNotPairUpIsRejected() {
        assertThatThrownBy(() -> ForwarderConfig.fromJson("""
                        {"format":2,"upstreamSets":[],"active":[{"endpointId":"vpce-1","ports":[80,443],
                         "listenPorts":[10000]}],"suspended":[]}"""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one listener port per port");
        assertThatThrownBy(() -> ForwarderConfig.fromJson("""
                        {"format":2,"upstreamSets":[],"active":[{"endpointId":"vpce-1","upstreamSet":0,
                         "ports":[80],"listenPorts":[10000]}],"suspended":[]}"""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upstream set 0 of 0");
    }

    private static Route route(
            String id, int port, int listenPort, List<Upstream> set, ProxyProtocol proxy, RouteState state) {
        List<Upstream> upstreams =
                set.stream().map(u -> new Upstream(u.host(), port, u.weight())).toList();
        return new Route(id, port, listenPort, upstreams, proxy, state);
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

    /** The endpoint service, for the metrics' labels, is written once per endpoint however many ports it has. */
    @Test
    void theEndpointServiceIsWrittenOncePerEndpointAndReadBack() {
        ServiceRef payments = new ServiceRef("shop", "payments");
        ForwarderConfig config = new ForwarderConfig(List.of(
                route("vpce-a", 443, 10001, List.of(), ProxyProtocol.NONE, RouteState.SUSPENDED)
                        .withService(payments),
                route("vpce-a", 80, 10000, List.of(), ProxyProtocol.NONE, RouteState.SUSPENDED)
                        .withService(payments),
                route("vpce-b", 80, 10002, List.of(), ProxyProtocol.NONE, RouteState.SUSPENDED)));

        String json = config.toJson();

        assertThat(json.split("\"service\":\"shop/payments\"", -1)).hasSize(2);
        assertThat(ForwarderConfig.fromJson(json)).isEqualTo(config);
        assertThat(ForwarderConfig.fromJson(json).routes())
                .extracting(Route::service)
                .containsExactly(payments, payments, null);
    }

    /** A malformed service name costs the metrics a label, never the routes. */
    @Test
    void aServiceThatIsNotNamespaceSlashNameIsReadAsUnknown() {
        String json = "{\"format\":2,\"active\":[],\"suspended\":[{\"endpointId\":\"vpce-a\",\"ports\":[80],"
                + "\"listenPorts\":[10000],\"service\":\"no-slash\"}]}";

        assertThat(ForwarderConfig.fromJson(json).routes())
                .singleElement()
                .satisfies(r -> assertThat(r.service()).isNull());
        assertThat(ServiceRef.fromWire("a/b/c")).isNull();
        assertThat(ServiceRef.fromWire("/b")).isNull();
        assertThat(ServiceRef.fromWire("a/")).isNull();
        assertThat(ServiceRef.fromWire("a/b")).isEqualTo(new ServiceRef("a", "b"));
    }
}
