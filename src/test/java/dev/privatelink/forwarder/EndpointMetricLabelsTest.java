package dev.privatelink.forwarder;

import static dev.privatelink.forwarder.Loopback.config;
import static dev.privatelink.forwarder.Loopback.connect;
import static dev.privatelink.forwarder.Loopback.freePort;
import static dev.privatelink.forwarder.Loopback.roundTrip;
import static dev.privatelink.forwarder.Loopback.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.ServiceRef;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12: every meter of an endpoint names the endpoint, its endpoint service and the consumer
 * namespace, so that Prometheus, scraping the forwarder pods, lets the owner select its service's
 * series and the consumer its namespace's.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EndpointMetricLabelsTest {

    private static final ServiceRef PAYMENTS = new ServiceRef("shop", "payments");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Forwarder forwarder = new Forwarder(
            ForwarderSettings.defaults()
                    .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                    .withBindAddress(Loopback.HOST),
            registry,
            Transport.best(),
            null,
            SourcePolicy.ALLOW_ALL,
            "team-a");

    @AfterEach
    void stop() {
        forwarder.close();
    }

    @Test
    void everyMeterOfAnEndpointCarriesItsServiceAndConsumerNamespace() throws Exception {
        try (TestServer server = TestServer.echo()) {
            Route route = route("vpce-labels", freePort(), server.port()).withService(PAYMENTS);
            assertThat(forwarder.apply(config(route)).complete()).isTrue();

            try (Socket client = connect(route.listenPort())) {
                assertThat(roundTrip(client, "hello")).isEqualTo("hello");
            }
        }

        List<Meter> meters = new Meters(registry).of("vpce-labels");
        assertThat(meters).isNotEmpty();
        assertThat(meters)
                .allSatisfy(m -> assertThat(tags(m))
                        .containsEntry("endpoint_id", "vpce-labels")
                        .containsEntry("endpoint_service", "payments")
                        .containsEntry("endpoint_service_namespace", "shop")
                        .containsEntry("consumer_namespace", "team-a"));
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(registry.find("privatelink.forwarder.bytes")
                                .tags("endpoint_service", "payments", "direction", "client_to_upstream")
                                .counter()
                                .count())
                        .isEqualTo(6));
        // the time to connect upstream, per connection
        assertThat(registry.find("privatelink.forwarder.upstream.connect")
                        .tag("endpoint_id", "vpce-labels")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    /** A config from an operator that does not name the service yet: empty labels, which Prometheus drops. */
    @Test
    void anEndpointWithoutAServiceHasEmptyServiceLabels() throws Exception {
        try (TestServer server = TestServer.echo()) {
            assertThat(forwarder
                            .apply(config(route("vpce-older", freePort(), server.port())))
                            .complete())
                    .isTrue();
        }

        assertThat(new Meters(registry).of("vpce-older"))
                .isNotEmpty()
                .allSatisfy(m -> assertThat(tags(m))
                        .containsEntry("endpoint_service", "")
                        .containsEntry("endpoint_service_namespace", "")
                        .containsEntry("consumer_namespace", "team-a"));
    }

    /** The labels are fixed per series: an endpoint that names another service starts new series, leaving none behind. */
    @Test
    void anEndpointNamingAnotherServiceLeavesNoSeriesOfTheOldOne() throws Exception {
        try (TestServer server = TestServer.echo()) {
            Route route = route("vpce-moved", freePort(), server.port());
            assertThat(forwarder.apply(config(route.withService(PAYMENTS))).complete())
                    .isTrue();

            assertThat(forwarder
                            .apply(config(route.withService(new ServiceRef("shop", "orders"))))
                            .complete())
                    .isTrue();
        }

        assertThat(new Meters(registry).of("vpce-moved"))
                .isNotEmpty()
                .allSatisfy(m -> assertThat(tags(m)).containsEntry("endpoint_service", "orders"));
    }

    private static Map<String, String> tags(Meter meter) {
        return meter.getId().getTags().stream().collect(Collectors.toMap(Tag::getKey, Tag::getValue));
    }
}
