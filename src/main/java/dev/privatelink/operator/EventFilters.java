package dev.privatelink.operator;

import static dev.privatelink.api.ConditionTypes.READY;
import static dev.privatelink.api.ConditionTypes.RESOLVED_REFS;
import static dev.privatelink.api.ConditionTypes.WORKLOADS_ADMITTED;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which updates of a watched object matter to a reconciler. Without them, every connection
 * that changes state on a service with a hundred endpoints would make all hundred reconcile.
 */
final class EventFilters {
    private EventFilters() {}

    /** The spec changed, or the object started to go. */
    static boolean specChanged(HasMetadata a, HasMetadata b) {
        return !Objects.equals(a.getMetadata().getGeneration(), b.getMetadata().getGeneration())
                || !Objects.equals(
                        a.getMetadata().getDeletionTimestamp(), b.getMetadata().getDeletionTimestamp());
    }

    /**
     * What consumers and forwarders read of an endpoint service: its spec, and whether (to which
     * ports and upstreams) it resolved.
     */
    static boolean endpointServiceOfferChanged(EndpointService a, EndpointService b) {
        return specChanged(a, b) || !Objects.equals(offer(a), offer(b));
    }

    /**
     * What owners and forwarders read of an endpoint: its spec, ID, state (with the reason), ports
     * and the workloads it admits.
     */
    static boolean endpointStateChanged(InterfaceEndpoint a, InterfaceEndpoint b) {
        return specChanged(a, b) || !Objects.equals(state(a), state(b));
    }

    private static List<Object> offer(EndpointService es) {
        var s = es.getStatus();
        return s == null
                ? List.of()
                : Arrays.asList(
                        s.getObservedGeneration(),
                        s.getPorts(),
                        s.getUpstreams(),
                        s.condition(RESOLVED_REFS).map(c -> c.getStatus()).orElse(null));
    }

    private static List<Object> state(InterfaceEndpoint ep) {
        var s = ep.getStatus();
        return s == null
                ? List.of()
                : Arrays.asList(
                        s.getEndpointId(),
                        s.getState(),
                        s.getPorts(),
                        s.getAllowedWorkloads(),
                        s.condition(WORKLOADS_ADMITTED).map(c -> c.getStatus()).orElse(null),
                        s.condition(READY).map(c -> c.getReason()).orElse(null));
    }

    /** A ClusterPeer change that moves forwarder routes: its gateway, its trust, its suspension. */
    static boolean peerRoutingChanged(ClusterPeer before, ClusterPeer after) {
        return !Objects.equals(suspended(before), suspended(after)) || !Objects.equals(routing(before), routing(after));
    }

    private static boolean suspended(ClusterPeer peer) {
        return peer.getSpec() != null && peer.getSpec().suspended();
    }

    private static List<Object> routing(ClusterPeer peer) {
        var status = peer.getStatus();
        return status == null
                ? List.of()
                : Arrays.asList(status.getTrustDomain(), status.getTrustBundle(), status.getGatewayAddresses());
    }
}
