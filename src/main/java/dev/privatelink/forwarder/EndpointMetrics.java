package dev.privatelink.forwarder;

import dev.privatelink.forwarder.config.ForwarderConfig.ServiceRef;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The figures PrivateLink reports per endpoint (BytesProcessed, ActiveConnections,
 * NewConnections, RstPackets…), tagged by the endpoint: its ID, the endpoint service it connects
 * to (name and namespace) and the consumer namespace, so that an owner and a consumer can each
 * select their own. All four are fixed for an endpoint; a client address or connection ID as a
 * tag would make the series count unbounded. Tags a forwarder does not know (the standalone
 * forwarder, a config from an older operator) are empty, which Prometheus reads as absent.
 *
 * <p>Several forwarders in one JVM that share a registry must tell their meters apart (a common
 * tag per forwarder), since a gauge is registered once per name and tags.
 *
 * <p>The meters stay registered while the endpoint is in the config (suspended or not), so that
 * counters do not restart; {@link #unregister} removes them once it is gone.
 */
final class EndpointMetrics {

    static final String PREFIX = "privatelink.forwarder.";
    static final String ENDPOINT_TAG = "endpoint_id";
    static final String SERVICE_TAG = "endpoint_service";
    static final String SERVICE_NAMESPACE_TAG = "endpoint_service_namespace";
    static final String CONSUMER_NAMESPACE_TAG = "consumer_namespace";

    final Counter bytesClientToUpstream;
    final Counter bytesUpstreamToClient;
    final Counter newConnections;
    private final Map<RefusalReason, Counter> refused = new EnumMap<>(RefusalReason.class);
    final Counter resets;
    final Counter upstreamConnectFailures;
    private final Timer duration;
    private final Timer upstreamConnect;
    private final AtomicInteger active = new AtomicInteger();
    private final MeterRegistry registry;
    private final List<Meter> meters;

    /** The tags that name one endpoint's meters. */
    static Tags tags(String endpointId, ServiceRef service, String consumerNamespace) {
        return Tags.of(
                ENDPOINT_TAG,
                endpointId,
                SERVICE_TAG,
                service == null ? "" : service.name(),
                SERVICE_NAMESPACE_TAG,
                service == null ? "" : service.namespace(),
                CONSUMER_NAMESPACE_TAG,
                consumerNamespace == null ? "" : consumerNamespace);
    }

    EndpointMetrics(MeterRegistry registry, Tags tags) {
        bytesClientToUpstream = Counter.builder(PREFIX + "bytes")
                .baseUnit("bytes")
                .description("Bytes forwarded, by direction")
                .tags(tags)
                .tag("direction", "client_to_upstream")
                .register(registry);
        bytesUpstreamToClient = Counter.builder(PREFIX + "bytes")
                .baseUnit("bytes")
                .description("Bytes forwarded, by direction")
                .tags(tags)
                .tag("direction", "upstream_to_client")
                .register(registry);
        newConnections = Counter.builder(PREFIX + "connections.new")
                .description("Connections accepted")
                .tags(tags)
                .register(registry);
        for (RefusalReason reason : RefusalReason.values()) {
            refused.put(
                    reason,
                    Counter.builder(PREFIX + "connections.refused")
                            .description(
                                    "Connections reset at once, by reason (a route closing, a limit reached, a source not admitted)")
                            .tags(tags)
                            .tag("reason", reason.tag())
                            .register(registry));
        }
        resets = Counter.builder(PREFIX + "connections.reset")
                .description("Connections ended by a reset, sent or received")
                .tags(tags)
                .register(registry);
        upstreamConnectFailures = Counter.builder(PREFIX + "upstream.connect.failures")
                .description("Failed connection attempts to an upstream (each may fail over to the next)")
                .tags(tags)
                .register(registry);
        duration = Timer.builder(PREFIX + "connection.duration")
                .description("How long connections lasted")
                .tags(tags)
                .register(registry);
        upstreamConnect = Timer.builder(PREFIX + "upstream.connect")
                .description("From accepting a connection to its upstream connected (failed attempts included)")
                .tags(tags)
                .register(registry);
        Gauge activeGauge = Gauge.builder(PREFIX + "connections.active", active, AtomicInteger::get)
                .description("Connections open now")
                .tags(tags)
                .strongReference(true)
                .register(registry);
        this.registry = registry;
        List<Meter> all = new ArrayList<>(List.of(
                bytesClientToUpstream,
                bytesUpstreamToClient,
                newConnections,
                resets,
                upstreamConnectFailures,
                duration,
                upstreamConnect,
                activeGauge));
        all.addAll(refused.values());
        this.meters = List.copyOf(all);
    }

    /**
     * Removes the meters from the registry, so that an endpoint that is gone leaves no series
     * behind. Connections still closing count on into meters no registry holds.
     */
    void unregister() {
        meters.forEach(registry::remove);
    }

    void refused(RefusalReason reason) {
        refused.get(reason).increment();
    }

    void opened() {
        newConnections.increment();
        active.incrementAndGet();
    }

    void upstreamConnected(long sinceAcceptNanos) {
        upstreamConnect.record(sinceAcceptNanos, TimeUnit.NANOSECONDS);
    }

    void closed(CloseReason reason, long durationNanos) {
        active.decrementAndGet();
        duration.record(durationNanos, TimeUnit.NANOSECONDS);
        if (reason.resets()) {
            resets.increment();
        }
    }
}
