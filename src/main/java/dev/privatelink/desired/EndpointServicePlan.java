package dev.privatelink.desired;

import static dev.privatelink.api.ConditionTypes.ACCEPTED;
import static dev.privatelink.api.ConditionTypes.READY;
import static dev.privatelink.api.ConditionTypes.RESOLVED_REFS;

import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.Connection;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceStatus;
import dev.privatelink.ids.Ids;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The status of an endpoint service: its load balancers resolved, and the connections to it. */
public final class EndpointServicePlan {
    private EndpointServicePlan() {}

    /** Connections the owner sees: those that reached the service, not lookups that failed. */
    private static final Set<ConnectionState> LISTED = Set.of(
            ConnectionState.PendingAcceptance,
            ConnectionState.Pending,
            ConnectionState.Available,
            ConnectionState.Rejected,
            ConnectionState.Suspended,
            ConnectionState.Terminated);

    public static EndpointServiceStatus status(EndpointServiceWorld world) {
        EndpointService es = world.service();
        LoadBalancers.Resolution resolution = LoadBalancers.resolve(
                es,
                name -> Optional.ofNullable(world.loadBalancers().get(name)),
                name -> Optional.ofNullable(world.claimedByOthers().get(name)),
                world.clusterDomain());
        String serviceName = Ids.serviceName(es.getMetadata().getUid());
        List<Connection> connections = world.endpoints().stream()
                .filter(ep ->
                        ep.getStatus() != null && LISTED.contains(ep.getStatus().getState()))
                .map(ep -> new Connection(
                        Ids.endpointId(ep.getMetadata().getUid()),
                        ep.getMetadata().getNamespace() + "/" + ep.getMetadata().getName(),
                        ep.getStatus().getState()))
                .sorted(Comparator.comparing(Connection::getConsumer))
                .toList();

        Long generation = es.getMetadata().getGeneration();
        boolean resolved = resolution.resolved();
        EndpointServiceStatus status = new EndpointServiceStatus();
        status.setServiceName(serviceName);
        status.setObservedGeneration(generation);
        status.setPorts(resolved ? resolution.ports() : null);
        status.setUpstreams(resolved ? resolution.upstreams() : null);
        status.setConnections(connections);
        status.setAvailableConnections(count(connections, ConnectionState.Available));
        status.setPendingConnections(count(connections, ConnectionState.PendingAcceptance));
        var previous = es.getStatus();
        status.setConditions(Conditions.merge(
                previous == null ? null : previous.getConditions(),
                List.of(
                        Conditions.of(ACCEPTED, true, Reasons.ACCEPTED, "the spec is valid", generation),
                        Conditions.of(RESOLVED_REFS, resolved, resolution.reason(), resolution.message(), generation),
                        Conditions.of(
                                READY,
                                resolved,
                                resolved ? Reasons.READY : Reasons.UNRESOLVED_REFS,
                                resolved ? "consumers can connect as " + serviceName : resolution.message(),
                                generation)),
                world.now().toString()));
        return status;
    }

    private static int count(List<Connection> connections, ConnectionState state) {
        return (int) connections.stream().filter(c -> c.getState() == state).count();
    }
}
