package dev.privatelink.operator;

import dev.privatelink.api.Connection;
import dev.privatelink.api.ConnectionState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * {@code privatelink_connections}: how many of an endpoint service's listed connections are in
 * each state, as its status shows them. Every state has a series (0 when none), so a panel of
 * suspended endpoints shows 0 rather than nothing; a deleted service's series are removed.
 */
final class ConnectionGauges {

    static final String NAME = "privatelink.connections";

    /** An endpoint service, as the gauges are labelled with it. */
    record ServiceKey(String namespace, String name) {}

    private final MeterRegistry registry;
    private final Map<ServiceKey, Map<ConnectionState, AtomicInteger>> counts = new ConcurrentHashMap<>();
    private final Map<ServiceKey, List<Gauge>> gauges = new ConcurrentHashMap<>();

    ConnectionGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The count per state, every state included; a connection of a state unknown here is left out. */
    static Map<ConnectionState, Integer> count(List<Connection> connections) {
        Map<ConnectionState, Integer> counts = new EnumMap<>(ConnectionState.class);
        for (ConnectionState state : ConnectionState.values()) {
            counts.put(state, 0);
        }
        if (connections != null) {
            connections.stream()
                    .filter(c -> c != null && c.getState() != null)
                    .forEach(c -> counts.merge(c.getState(), 1, Integer::sum));
        }
        return counts;
    }

    /** What the status about to be written lists for {@code service}. */
    void set(ServiceKey service, List<Connection> connections) {
        Map<ConnectionState, AtomicInteger> values = counts.computeIfAbsent(service, this::register);
        count(connections).forEach((state, n) -> values.get(state).set(n));
    }

    private Map<ConnectionState, AtomicInteger> register(ServiceKey service) {
        Map<ConnectionState, AtomicInteger> values = new EnumMap<>(ConnectionState.class);
        List<Gauge> registered = new ArrayList<>();
        for (ConnectionState state : ConnectionState.values()) {
            AtomicInteger value = new AtomicInteger();
            values.put(state, value);
            registered.add(Gauge.builder(NAME, value, AtomicInteger::get)
                    .description("Connections of an endpoint service in each state, as its status lists them")
                    .tag("endpoint_service", service.name())
                    .tag("endpoint_service_namespace", service.namespace())
                    .tag("state", state.name())
                    .register(registry));
        }
        gauges.put(service, registered);
        return values;
    }

    /** Drops the series of the services that {@code exists} no longer knows (deleted ones). */
    void retain(Predicate<ServiceKey> exists) {
        for (ServiceKey service : List.copyOf(counts.keySet())) {
            if (!exists.test(service)) {
                counts.remove(service);
                List<Gauge> registered = gauges.remove(service);
                if (registered != null) {
                    registered.forEach(registry::remove);
                }
            }
        }
    }
}
