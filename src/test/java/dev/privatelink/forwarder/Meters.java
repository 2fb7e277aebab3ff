package dev.privatelink.forwarder;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

/** Reads the forwarder's meters by their published names, as a dashboard would. */
record Meters(MeterRegistry registry) {

    double count(String name, String endpointId) {
        var counter = find(name, endpointId).counter();
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

    private Search find(String name, String endpointId) {
        return registry.find(EndpointMetrics.PREFIX + name).tag(EndpointMetrics.ENDPOINT_TAG, endpointId);
    }
}
