package dev.privatelink.desired;

import static dev.privatelink.api.ConditionTypes.READY;
import static dev.privatelink.api.ConditionTypes.RESOLVED_REFS;

import dev.privatelink.api.Condition;
import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.Connection;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceStatus;
import dev.privatelink.ids.Ids;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What an endpoint service's reconcile decides: its status (load balancers resolved, the
 * connections to it), an Event when its spec holds what the operator cannot act on, and the
 * NetworkPolicies that fence its load balancers' pods.
 */
public record EndpointServicePlan(
        EndpointServiceStatus status, List<EventNote> events, List<NetworkPolicy> networkPolicies) {

    /** Connections the owner sees: those that reached the service, not lookups that failed. */
    private static final Set<ConnectionState> LISTED = Set.of(
            ConnectionState.PendingAcceptance,
            ConnectionState.Pending,
            ConnectionState.Available,
            ConnectionState.Rejected,
            ConnectionState.Suspended,
            ConnectionState.Terminated);

    /**
     * The most connections the status lists: a service open to every namespace could otherwise
     * outgrow what the API server stores for one object. Those waiting for the owner come first.
     */
    static final int MAX_LISTED = 500;

    public static EndpointServicePlan of(EndpointServiceWorld world) {
        EndpointService es = world.service();
        List<String> problems = SpecProblems.of(es.getSpec());
        LoadBalancers.Resolution resolution = LoadBalancers.resolve(
                es,
                name -> Optional.ofNullable(world.loadBalancers().get(name)),
                name -> Optional.ofNullable(world.claimedByOthers().get(name)),
                world.clusterDomain(),
                world.allowExternalLoadBalancers());
        String serviceName = Ids.serviceName(es.getMetadata().getUid());
        List<Connection> connections = world.endpoints().stream()
                .filter(ep -> ep.getStatus() != null
                        && ep.getStatus().getState() != null
                        && LISTED.contains(ep.getStatus().getState()))
                .map(ep -> {
                    Connection c = new Connection(
                            Ids.endpointId(ep.getMetadata().getUid()),
                            // a peer's endpoint as peer/namespace/name, the key its decisions use
                            RemoteRecords.consumerKey(ep),
                            ep.getStatus().getState());
                    c.setUsage(world.usage().get(c.getEndpointId()));
                    return c;
                })
                .sorted(Comparator.comparing((Connection c) -> c.getState() != ConnectionState.PendingAcceptance)
                        .thenComparing(Connection::getConsumer))
                .toList();

        Long generation = es.getMetadata().getGeneration();
        boolean resolved = resolution.resolved();
        EndpointServiceStatus status = new EndpointServiceStatus();
        status.setServiceName(serviceName);
        status.setObservedGeneration(generation);
        status.setPorts(resolved ? resolution.ports() : null);
        status.setUpstreams(resolved ? resolution.upstreams() : null);
        status.setConnections(connections.size() > MAX_LISTED ? connections.subList(0, MAX_LISTED) : connections);
        status.setUnlistedConnections(connections.size() > MAX_LISTED ? connections.size() - MAX_LISTED : null);
        status.setAvailableConnections(count(connections, ConnectionState.Available));
        status.setPendingConnections(count(connections, ConnectionState.PendingAcceptance));
        var previous = es.getStatus();
        status.setConditions(Conditions.merge(
                previous == null ? null : previous.getConditions(),
                List.of(
                        SpecProblems.accepted(problems, generation),
                        Conditions.of(RESOLVED_REFS, resolved, resolution.reason(), resolution.message(), generation),
                        readyCondition(resolution, problems, serviceName, generation)),
                world.now().toString()));
        return new EndpointServicePlan(
                status,
                SpecProblems.events(es, previous, problems),
                LoadBalancerPolicies.of(
                        es, resolution, admittedNamespaces(world), world.operatorNamespace(), gatewayAdmitted(world)));
    }

    /**
     * The consumer namespaces whose forwarders the load balancers admit: those with a connection
     * that carries or may resume traffic (Available, Suspended, or Pending for want of its data
     * plane), the rule that gives a forwarder its routes.
     */
    static SortedSet<String> admittedNamespaces(EndpointServiceWorld world) {
        return world.endpoints().stream()
                .filter(ep -> Resources.isLive(ep)
                        && !RemoteRecords.isRecord(ep)
                        && ForwarderPlan.carriesTraffic(ep.getStatus()))
                .map(ep -> ep.getMetadata().getNamespace())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Whether a peer cluster's connection carries or may resume traffic: this cluster's gateway then dials the load balancers. */
    static boolean gatewayAdmitted(EndpointServiceWorld world) {
        return world.endpoints().stream()
                .anyMatch(ep -> Resources.isLive(ep)
                        && RemoteRecords.isRecord(ep)
                        && ForwarderPlan.carriesTraffic(ep.getStatus()));
    }

    private static Condition readyCondition(
            LoadBalancers.Resolution resolution, List<String> problems, String serviceName, Long generation) {
        if (!problems.isEmpty()) {
            return Conditions.of(READY, false, Reasons.INVALID_SPEC, String.join("; ", problems), generation);
        }
        if (!resolution.resolved()) {
            return Conditions.of(READY, false, Reasons.UNRESOLVED_REFS, resolution.message(), generation);
        }
        return Conditions.of(READY, true, Reasons.READY, "consumers can connect as " + serviceName, generation);
    }

    private static int count(List<Connection> connections, ConnectionState state) {
        return (int) connections.stream().filter(c -> c.getState() == state).count();
    }
}
