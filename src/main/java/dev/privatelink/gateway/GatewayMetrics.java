package dev.privatelink.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the owner learns from its gateway, per endpoint: bytes, connections, refusals and cuts by
 * reason. An endpoint ID is a tag only once it is in the config: what a client merely claims is
 * tagged {@link #NO_ENDPOINT}, so that made-up IDs cannot grow the series without bound.
 */
final class GatewayMetrics {

    static final String PREFIX = "privatelink.gateway.";
    static final String NO_ENDPOINT = "none";

    private final MeterRegistry registry;
    private final AtomicInteger active = new AtomicInteger();

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder(PREFIX + "connections.active", active, AtomicInteger::get)
                .description("Connections relayed now")
                .register(registry);
    }

    /** A connection reset before it reached the owner. */
    void refused(Denial reason, String endpointTag) {
        Counter.builder(PREFIX + "connections.refused")
                .description("Connections reset before reaching the owner, by reason")
                .tag("reason", reason.tag())
                .tag("endpoint_id", endpointTag)
                .register(registry)
                .increment();
    }

    /** A live connection reset because a new config no longer allows it. */
    void cut(Denial reason, String endpointId) {
        Counter.builder(PREFIX + "connections.cut")
                .description("Live connections reset because the config no longer allows them, by reason")
                .tag("reason", reason.tag())
                .tag("endpoint_id", endpointId)
                .register(registry)
                .increment();
    }

    void opened(String endpointId) {
        active.incrementAndGet();
        Counter.builder(PREFIX + "connections.new")
                .description("Connections allowed")
                .tag("endpoint_id", endpointId)
                .register(registry)
                .increment();
    }

    void closed() {
        active.decrementAndGet();
    }

    Counter bytes(String endpointId, String direction) {
        return Counter.builder(PREFIX + "bytes")
                .baseUnit("bytes")
                .description("Bytes relayed, by direction")
                .tag("endpoint_id", endpointId)
                .tag("direction", direction)
                .register(registry);
    }

    int active() {
        return active.get();
    }
}
