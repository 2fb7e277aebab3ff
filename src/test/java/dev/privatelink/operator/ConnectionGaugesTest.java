package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.Connection;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.operator.ConnectionGauges.ServiceKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 12: privatelink_connections counts a service's listed connections per state, and goes with the service. */
class ConnectionGaugesTest {

    static final ServiceKey PAYMENTS = new ServiceKey("payments", "api");

    @Test
    void everyStateHasACountZeroIncludedAndUnknownStatesAreLeftOut() {
        var counts = ConnectionGauges.count(List.of(
                new Connection("vpce-1", "shop/a", ConnectionState.Available),
                new Connection("vpce-2", "shop/b", ConnectionState.Available),
                new Connection("vpce-3", "shop/c", ConnectionState.Suspended),
                new Connection("vpce-4", "shop/d", null)));

        assertThat(counts).hasSize(ConnectionState.values().length);
        assertThat(counts.get(ConnectionState.Available)).isEqualTo(2);
        assertThat(counts.get(ConnectionState.Suspended)).isEqualTo(1);
        assertThat(counts.get(ConnectionState.Rejected)).isZero();
        assertThat(ConnectionGauges.count(null).values()).containsOnly(0);
    }

    @Test
    void gaugesFollowTheStatusAndADeletedServicesSeriesAreRemoved() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConnectionGauges gauges = new ConnectionGauges(registry);

        gauges.set(PAYMENTS, List.of(new Connection("vpce-1", "shop/a", ConnectionState.Available)));
        assertThat(value(registry, "Available")).isEqualTo(1);
        assertThat(value(registry, "Suspended")).isZero();

        gauges.set(PAYMENTS, List.of(new Connection("vpce-1", "shop/a", ConnectionState.Suspended)));
        assertThat(value(registry, "Available")).isZero();
        assertThat(value(registry, "Suspended")).isEqualTo(1);

        gauges.retain(s -> true);
        assertThat(registry.find(ConnectionGauges.NAME).gauges()).hasSize(ConnectionState.values().length);
        gauges.retain(s -> !s.equals(PAYMENTS));
        assertThat(registry.find(ConnectionGauges.NAME).gauges()).isEmpty();
    }

    static double value(SimpleMeterRegistry registry, String state) {
        return registry.get(ConnectionGauges.NAME)
                .tag("endpoint_service_namespace", "payments")
                .tag("endpoint_service", "api")
                .tag("state", state)
                .gauge()
                .value();
    }
}
