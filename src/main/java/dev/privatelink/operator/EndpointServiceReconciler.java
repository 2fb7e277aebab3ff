package dev.privatelink.operator;

import static dev.privatelink.api.ConditionTypes.ACCEPTED;
import static dev.privatelink.api.ConditionTypes.READY;
import static dev.privatelink.api.ConditionTypes.RESOLVED_REFS;

import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.Connection;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceStatus;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.Conditions;
import dev.privatelink.desired.LoadBalancers;
import dev.privatelink.ids.Ids;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Owner side: resolves the load balancers and reports the connections of each endpoint service. */
// A full pass every few minutes repairs what a lost watch event would leave stale.
@ControllerConfiguration(
        name = "endpointservice",
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class EndpointServiceReconciler implements Reconciler<EndpointService> {

    /** Connections the owner sees: those that reached the service, not lookups that failed. */
    private static final Set<ConnectionState> LISTED = Set.of(
            ConnectionState.PendingAcceptance,
            ConnectionState.Pending,
            ConnectionState.Available,
            ConnectionState.Rejected,
            ConnectionState.Suspended,
            ConnectionState.Terminated);

    private final OperatorSettings settings;
    private final Clock clock;
    private IndexerResourceCache<EndpointService> endpointServices;
    private InformerEventSource<Service, EndpointService> services;
    private InformerEventSource<InterfaceEndpoint, EndpointService> endpoints;
    private InformerEventSource<EndpointService, EndpointService> rivals;

    @Inject
    public EndpointServiceReconciler(OperatorSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public EndpointServiceReconciler(OperatorSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, EndpointService>> prepareEventSources(EventSourceContext<EndpointService> ctx) {
        endpointServices = ctx.getPrimaryCache();
        endpointServices.addIndexer(Indexes.LOAD_BALANCER, Indexes.SERVICE_BY_LOAD_BALANCER);
        endpointServices.addIndexer(Indexes.SERVICE_NAME, Indexes.SERVICE_BY_SERVICE_NAME);

        services = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Service.class, EndpointService.class)
                        .withSecondaryToPrimaryMapper(svc -> Indexes.ids(endpointServices.byIndex(
                                Indexes.LOAD_BALANCER,
                                Indexes.key(
                                        svc.getMetadata().getNamespace(),
                                        svc.getMetadata().getName()))))
                        .build(),
                ctx);

        endpoints = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(InterfaceEndpoint.class, EndpointService.class)
                        .withOnUpdateFilter(EventFilters::endpointStateChanged)
                        .withSecondaryToPrimaryMapper(ep -> Indexes.ids(endpointServices.byIndex(
                                Indexes.SERVICE_NAME, ep.getSpec().getServiceName())))
                        .build(),
                ctx);
        endpoints.addIndexers(Map.of(Indexes.SERVICE_NAME, Indexes.ENDPOINT_BY_SERVICE_NAME));

        // A claim on a load balancer frees up when its holder goes or lets go: the others get another look.
        rivals = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(EndpointService.class, EndpointService.class)
                        .withName("rivals")
                        .withSecondaryToPrimaryMapper(es -> {
                            Set<ResourceID> ids = new HashSet<>();
                            Indexes.SERVICE_BY_LOAD_BALANCER
                                    .apply(es)
                                    .forEach(lb -> ids.addAll(
                                            Indexes.ids(endpointServices.byIndex(Indexes.LOAD_BALANCER, lb))));
                            ids.remove(ResourceID.fromResource(es));
                            return ids;
                        })
                        .build(),
                ctx);
        rivals.addIndexers(Map.of(Indexes.LOAD_BALANCER, Indexes.SERVICE_BY_LOAD_BALANCER));
        return List.of(services, endpoints, rivals);
    }

    @Override
    public UpdateControl<EndpointService> reconcile(EndpointService es, Context<EndpointService> ctx) {
        String namespace = es.getMetadata().getNamespace();
        LoadBalancers.Resolution resolution = LoadBalancers.resolve(
                es,
                name -> services.get(new ResourceID(name, namespace)),
                // The rivals informer delivers the deletions that free a claim: ask its view, which
                // the primary cache may not have caught up with yet.
                name -> LoadBalancerClaims.otherOwner(rivals, es, name),
                settings.clusterDomain());
        String serviceName = Ids.serviceName(es.getMetadata().getUid());
        List<Connection> connections = endpoints.byIndex(Indexes.SERVICE_NAME, serviceName).stream()
                .filter(ep ->
                        ep.getStatus() != null && LISTED.contains(ep.getStatus().getState()))
                .map(ep -> new Connection(
                        Ids.endpointId(ep.getMetadata().getUid()),
                        Indexes.key(
                                ep.getMetadata().getNamespace(),
                                ep.getMetadata().getName()),
                        ep.getStatus().getState()))
                .sorted(Comparator.comparing(Connection::getConsumer))
                .toList();

        Long generation = es.getMetadata().getGeneration();
        EndpointServiceStatus status = new EndpointServiceStatus();
        status.setServiceName(serviceName);
        status.setObservedGeneration(generation);
        status.setPorts(resolution.resolved() ? resolution.ports() : null);
        status.setConnections(connections);
        status.setAvailableConnections(count(connections, ConnectionState.Available));
        status.setPendingConnections(count(connections, ConnectionState.PendingAcceptance));
        var previous = es.getStatus();
        status.setConditions(Conditions.merge(
                previous == null ? null : previous.getConditions(),
                List.of(
                        Conditions.of(ACCEPTED, true, Reasons.ACCEPTED, "the spec is valid", generation),
                        Conditions.of(
                                RESOLVED_REFS,
                                resolution.resolved(),
                                resolution.reason(),
                                resolution.message(),
                                generation),
                        Conditions.of(
                                READY,
                                resolution.resolved(),
                                resolution.resolved() ? Reasons.READY : Reasons.UNRESOLVED_REFS,
                                resolution.resolved()
                                        ? "consumers can connect as " + serviceName
                                        : resolution.message(),
                                generation)),
                Instant.now(clock).toString()));
        return StatusUpdates.patchIfChanged(es, previous, status);
    }

    private static int count(List<Connection> connections, ConnectionState state) {
        return (int) connections.stream().filter(c -> c.getState() == state).count();
    }
}
