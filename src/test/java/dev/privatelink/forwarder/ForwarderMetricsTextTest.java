package dev.privatelink.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.forwarder.config.ForwarderConfig.ServiceRef;
import dev.privatelink.usage.ForwarderMetricsText;
import dev.privatelink.usage.UsageLedger.Reading;
import dev.privatelink.usage.UsageLedger.ServiceKey;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The operator reads what a forwarder's /q/metrics serves: the same registry type, the same names. */
class ForwarderMetricsTextTest {

    @Test
    void theOperatorReadsTheBytesAForwarderExposes() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        EndpointMetrics a = new EndpointMetrics(
                registry, EndpointMetrics.tags("vpce-a", new ServiceRef("payments", "api"), "shop"));
        EndpointMetrics b = new EndpointMetrics(registry, EndpointMetrics.tags("vpce-b", null, "shop"));
        a.bytesClientToUpstream.increment(12_345_678_901d);
        a.bytesUpstreamToClient.increment(42);
        b.bytesUpstreamToClient.increment(7);

        assertThat(ForwarderMetricsText.readings(registry.scrape()))
                .containsExactlyInAnyOrder(
                        new Reading("vpce-a", new ServiceKey("payments", "api"), 12_345_678_901L, 42),
                        new Reading("vpce-b", new ServiceKey("", ""), 0, 7));
    }

    @Test
    void linesItCannotReadAreSkipped() {
        String page = "# HELP privatelink_forwarder_bytes_total x\n"
                + "privatelink_forwarder_bytes_total{direction=\"client_to_upstream\"} 5.0\n"
                + "privatelink_forwarder_bytes_total{endpoint_id=\"vpce-a\",direction=\"client_to_upstream\"} NaNx\n"
                + "privatelink_forwarder_bytes_total{endpoint_id=\"vpce-a\",direction=\"upstream_to_client\"} 3.0\n"
                + "other_total{endpoint_id=\"vpce-a\"} 9.0\n";

        assertThat(ForwarderMetricsText.readings(page))
                .containsExactly(new Reading("vpce-a", new ServiceKey("", ""), 0, 3));
    }
}
