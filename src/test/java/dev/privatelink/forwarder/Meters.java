package dev.privatelink.forwarder;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.util.List;

/** Reads the forwarder's meters by their published names, as a dashboard would. */
record Meters(MeterRegistry registry) {

    double count(String name, String endpointId) {
        var counter = find(name, endpointId).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Refused connections of an endpoint, for one reason (route_closing, route_limit, source_limit, forwarder_limit,
     * not_consumer_namespace, source_unverified). */
    double refused(String endpointId, String reason) {
        var counter =
                find("connections.refused", endpointId).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    double bytes(String direction, String endpointId) {
        var counter = find("bytes", endpointId).tag("direction", direction).counter();
        return counter == null ? 0 : counter.count();
    }

    double active(String endpointId) {
        var gauge = find("connections.active", endpointId).gauge();
        return gauge == null ? 0 : gauge.value();
    }

    long durations(String endpointId) {
        var timer = find("connection.duration", endpointId).timer();
        return timer == null ? 0 : timer.count();
    }

    /** Every meter of the endpoint, whatever its name. */
    List<Meter> of(String endpointId) {
        return registry.getMeters().stream()
                .filter(m -> endpointId.equals(m.getId().getTag(EndpointMetrics.ENDPOINT_TAG)))
                .toList();
    }

    private Search find(String name, String endpointId) {
        return registry.find(EndpointMetrics.PREFIX + name).tag(EndpointMetrics.ENDPOINT_TAG, endpointId);
    }
}
