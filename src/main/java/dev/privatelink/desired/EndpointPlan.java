package dev.privatelink.desired;

import static dev.privatelink.api.ConditionTypes.ACCEPTED;
import static dev.privatelink.api.ConditionTypes.DATA_PLANE_SYNCED;
import static dev.privatelink.api.ConditionTypes.READY;
import static dev.privatelink.api.ConditionTypes.RESOLVED_REFS;

import dev.privatelink.api.Condition;
import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointStatus;
import dev.privatelink.desired.ConnectionInputs.Previous;
import dev.privatelink.desired.EventNote.Type;
import dev.privatelink.ids.Ids;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one endpoint's reconcile should make true: its connection outcome, the Services and
 * EndpointSlices that should exist, the Events to record and the status to report.
 */
public record EndpointPlan(
        EndpointWorld world,
        String endpointId,
        ConnectionOutcome outcome,
        List<Integer> ports,
        EndpointObjects objects) {

    /** Reasons that mean the endpoint's reference could not be resolved (the ResolvedRefs condition). */
    private static final Set<String> UNRESOLVED =
            Set.of(Reasons.SERVICE_NOT_FOUND, Reasons.SERVICE_DELETED, Reasons.PORT_NOT_OFFERED);

    public static EndpointPlan of(EndpointWorld world) {
        InterfaceEndpoint ep = world.endpoint();
        if (world.service() instanceof ServiceLookup.Remote remote) {
            // another cluster's service: its owner decides there, this side shows the answer
            RemoteConnection connection = RemoteConnection.decide(remote.peer(), remote.answer(), ep.getStatus());
            ConnectionOutcome outcome =
                    world.withinQuota() ? connection.outcome() : ConnectionStateMachine.quotaExceeded();
            return withDataPlane(
                    world,
                    connection.endpointId(),
                    outcome,
                    outcome.state().isConnected() ? connection.ports() : List.of());
        }
        String endpointId = Ids.endpointId(ep.getMetadata().getUid());
        Optional<List<Integer>> offered =
                world.service() instanceof ServiceLookup.Found found ? found.readyPorts() : Optional.empty();
        List<Integer> ports = ConnectionStateMachine.exposedPorts(requested(ep), offered);
        ConnectionOutcome outcome = ConnectionStateMachine.decide(
                new ConnectionInputs(previous(ep), world.withinQuota(), world.service(), requested(ep)));
        if (RemoteRecords.isRecord(ep)) {
            // a peer cluster's endpoint: its data plane is this cluster's gateway, nothing is made here
            return new EndpointPlan(world, endpointId, outcome, ports, EndpointObjects.NONE);
        }
        return withDataPlane(world, endpointId, outcome, ports);
    }

    /** The Services and slices of a consumer endpoint, and whether its forwarder serves it yet. */
    private static EndpointPlan withDataPlane(
            EndpointWorld world, String endpointId, ConnectionOutcome outcome, List<Integer> ports) {
        if (endpointId == null) {
            return new EndpointPlan(world, null, outcome, ports, EndpointObjects.NONE);
        }
        InterfaceEndpoint ep = world.endpoint();
        Map<Integer, Integer> listenPorts = listenPorts(world, endpointId);
        EndpointObjects objects = EndpointResources.desired(
                ep, endpointId, outcome.state(), ports, listenPorts, world.forwarderPods(), world.servedZones());
        if (outcome.state() == ConnectionState.Available) {
            outcome = DataPlane.waitingFor(
                            ports,
                            listenPorts,
                            world.forwarder().unplaced().contains(endpointId),
                            world.forwarder().refusalFor(endpointId),
                            objects)
                    .orElse(outcome);
        }
        return new EndpointPlan(world, endpointId, outcome, ports, objects);
    }

    /**
     * The same plan once applying showed that objects it needs exist and belong to someone else:
     * the operator leaves them alone, and the endpoint carries no traffic until they are gone.
     */
    public EndpointPlan withConflicts(List<String> conflicts) {
        if (conflicts.isEmpty() || !outcome.state().isConnected()) {
            return this;
        }
        ConnectionState state =
                outcome.state() == ConnectionState.Available ? ConnectionState.Pending : outcome.state();
        return new EndpointPlan(
                world,
                endpointId,
                new ConnectionOutcome(
                        state,
                        Reasons.OBJECT_CONFLICT,
                        String.join("; ", conflicts) + ": not created by kube-privatelink, so left alone;"
                                + " delete or rename it to connect"),
                ports,
                objects);
    }

    /**
     * The listener ports the forwarder serves the endpoint on. While its ConfigMap is unreadable
     * the forwarders keep their last good config, so the slices keep the ports they point at.
     */
    private static Map<Integer, Integer> listenPorts(EndpointWorld world, String endpointId) {
        return world.forwarder().readable()
                ? ForwarderRoutes.listenPorts(world.forwarder().config(), endpointId)
                : world.servedListenPorts();
    }

    /** An Event per state change: on the endpoint, and on the endpoint service if the connection reached it. */
    /**
     * An Event on the endpoint when its state or the reason for it changes; one on the endpoint
     * service when the state changes and the connection reached the service.
     */
    public List<EventNote> events() {
        Previous before = previous(world.endpoint());
        boolean stateChanged = outcome.state() != before.state();
        if (!stateChanged && Objects.equals(outcome.reason(), before.reason())) {
            return List.of();
        }
        Type type = warns(outcome) ? Type.Warning : Type.Normal;
        String from = before.state() == null ? "new" : before.state().name();
        String change = stateChanged
                ? from + " -> " + outcome.state().name()
                : from + " (" + before.reason() + ") -> " + outcome.state().name() + " (" + outcome.reason() + ")";
        List<EventNote> events = new ArrayList<>();
        events.add(new EventNote(
                world.endpoint(),
                type,
                stateChanged ? outcome.state().name() : outcome.reason(),
                "connection " + change + ": " + outcome.message()));
        if (!stateChanged) {
            return events;
        }
        // The owner hears of connections that reached the service, never of mere attempts that failed lookup.
        boolean reachedService =
                !Reasons.SERVICE_NOT_FOUND.equals(outcome.reason()) && !Reasons.QUOTA_EXCEEDED.equals(outcome.reason());
        if (reachedService && world.service() instanceof ServiceLookup.Found found && found.service() != null) {
            events.add(new EventNote(
                    found.service(),
                    type,
                    "Connection" + outcome.state().name(),
                    "endpoint " + endpointId() + " (" + RemoteRecords.consumerKey(world.endpoint()) + "): " + change));
        }
        return events;
    }

    public InterfaceEndpointStatus status() {
        InterfaceEndpoint ep = world.endpoint();
        InterfaceEndpointStatus status = new InterfaceEndpointStatus();
        status.setEndpointId(endpointId());
        status.setState(outcome.state());
        status.setObservedGeneration(ep.getMetadata().getGeneration());
        List<Condition> conditions = conditions(outcome, ep.getMetadata().getGeneration());
        if (outcome.state().isConnected() && RemoteRecords.isRecord(ep)) {
            // a peer's record: its address, names and workloads are the consumer cluster's
            status.setPorts(ports);
        } else if (outcome.state().isConnected() && endpointId() != null) {
            status.setPorts(ports);
            status.setDnsNames(EndpointResources.dnsNames(objects));
            status.setAddress(world.address().orElse(null));
            // The namespace's forwarder admits what this says (ForwarderPlan reads it from here).
            WorkloadPolicies.InForce inForce = workloadsInForce();
            status.setAllowedWorkloads(inForce.status());
            conditions.add(inForce.condition(ep.getMetadata().getGeneration()));
            world.forwarder()
                    .refusalFor(endpointId())
                    .ifPresent(refusal -> conditions.add(Conditions.of(
                            DATA_PLANE_SYNCED,
                            false,
                            Reasons.FORWARDER_CONFIG_REJECTED,
                            "the forwarder lacks this endpoint's latest routes: the API server refused the"
                                    + " configuration with them (" + refusal + ")",
                            ep.getMetadata().getGeneration())));
        }
        List<Condition> previous =
                ep.getStatus() == null ? null : ep.getStatus().getConditions();
        status.setConditions(Conditions.merge(previous, conditions, world.now().toString()));
        return status;
    }

    /** The endpoint's policy with the owner's restriction, as a connected endpoint's forwarder applies it. */
    WorkloadPolicies.InForce workloadsInForce() {
        return WorkloadPolicies.of(
                world.endpoint().getSpec() == null
                        ? null
                        : world.endpoint().getSpec().getAllowedWorkloads(),
                world.service() instanceof ServiceLookup.Found found ? found.ownerServiceAccounts() : Optional.empty());
    }

    static List<Condition> conditions(ConnectionOutcome outcome, Long generation) {
        List<Condition> conditions = new ArrayList<>();
        if (Reasons.QUOTA_EXCEEDED.equals(outcome.reason())) {
            conditions.add(Conditions.of(ACCEPTED, false, outcome.reason(), outcome.message(), generation));
        } else {
            conditions.add(Conditions.of(
                    ACCEPTED, true, Reasons.ACCEPTED, "the endpoint is within its namespace's quota", generation));
            conditions.add(
                    UNRESOLVED.contains(outcome.reason())
                            ? Conditions.of(RESOLVED_REFS, false, outcome.reason(), outcome.message(), generation)
                            : Conditions.of(
                                    RESOLVED_REFS,
                                    true,
                                    Reasons.RESOLVED,
                                    "the endpoint service was found",
                                    generation));
        }
        boolean available = outcome.state() == ConnectionState.Available;
        conditions.add(Conditions.of(READY, available, outcome.reason(), outcome.message(), generation));
        return conditions;
    }

    private static boolean warns(ConnectionOutcome outcome) {
        return switch (outcome.state()) {
            case Failed, Rejected, Terminated, Suspended -> true;
            case Pending ->
                Reasons.NO_LISTENER_PORT.equals(outcome.reason())
                        || Reasons.NO_READY_FORWARDER.equals(outcome.reason())
                        || Reasons.OBJECT_CONFLICT.equals(outcome.reason())
                        || Reasons.FORWARDER_CONFIG_REJECTED.equals(outcome.reason());
            default -> false;
        };
    }

    private static List<Integer> requested(InterfaceEndpoint ep) {
        return ep.getSpec() == null || ep.getSpec().getPorts() == null
                ? List.of()
                : ep.getSpec().getPorts().stream().filter(p -> p != null).toList();
    }

    private static Previous previous(InterfaceEndpoint ep) {
        InterfaceEndpointStatus status = ep.getStatus();
        if (status == null) {
            return Previous.NONE;
        }
        return new Previous(
                status.getState(),
                status.condition(READY).map(Condition::getReason).orElse(null));
    }
}
