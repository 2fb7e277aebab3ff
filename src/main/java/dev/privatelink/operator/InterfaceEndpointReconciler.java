package dev.privatelink.operator;

import static dev.privatelink.api.ConditionTypes.ACCEPTED;
import static dev.privatelink.api.ConditionTypes.READY;
import static dev.privatelink.api.ConditionTypes.RESOLVED_REFS;

import dev.privatelink.api.Condition;
import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointStatus;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.Conditions;
import dev.privatelink.desired.ConnectionInputs;
import dev.privatelink.desired.ConnectionOutcome;
import dev.privatelink.desired.ConnectionStateMachine;
import dev.privatelink.desired.Decisions;
import dev.privatelink.desired.EndpointResources;
import dev.privatelink.desired.ForwarderPod;
import dev.privatelink.desired.ForwarderResources;
import dev.privatelink.desired.ForwarderRoutes;
import dev.privatelink.desired.Labels;
import dev.privatelink.desired.Names;
import dev.privatelink.desired.Permissions;
import dev.privatelink.desired.Quota;
import dev.privatelink.events.EventRecorder;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.ids.Ids;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/** Consumer side: decides each endpoint's connection state and makes its Services and EndpointSlices. */
// A full pass every few minutes repairs what a lost watch event would leave stale.
@ControllerConfiguration(
        name = "interfaceendpoint",
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class InterfaceEndpointReconciler implements Reconciler<InterfaceEndpoint> {

    private final OperatorSettings settings;
    private final Clock clock;

    private IndexerResourceCache<InterfaceEndpoint> endpoints;
    private InformerEventSource<EndpointService, InterfaceEndpoint> endpointServices;
    private InformerEventSource<ServicePermission, InterfaceEndpoint> permissions;
    private InformerEventSource<Namespace, InterfaceEndpoint> namespaces;
    private InformerEventSource<ConfigMap, InterfaceEndpoint> forwarderConfigs;
    private InformerEventSource<Pod, InterfaceEndpoint> forwarderPods;
    private InformerEventSource<Node, InterfaceEndpoint> nodes;
    private InformerEventSource<InterfaceEndpoint, InterfaceEndpoint> siblings;
    private final ListenPortChanges listenPortChanges = new ListenPortChanges();
    private Applier applier;
    private EventRecorder events;

    @Inject
    public InterfaceEndpointReconciler(OperatorSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public InterfaceEndpointReconciler(OperatorSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, InterfaceEndpoint>> prepareEventSources(EventSourceContext<InterfaceEndpoint> ctx) {
        endpoints = ctx.getPrimaryCache();
        endpoints.addIndexer(Indexes.SERVICE_NAME, Indexes.ENDPOINT_BY_SERVICE_NAME);
        applier = new Applier(ctx.getClient());
        events = new EventRecorder(ctx.getClient(), clock);

        endpointServices = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(EndpointService.class, InterfaceEndpoint.class)
                        .withOnUpdateFilter(EventFilters::endpointServiceOfferChanged)
                        .withSecondaryToPrimaryMapper(es -> Indexes.ids(endpointsAsking(es)))
                        .build(),
                ctx);
        endpointServices.addIndexers(Map.of(Indexes.SERVICE_NAME, Indexes.SERVICE_BY_SERVICE_NAME));

        permissions = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ServicePermission.class, InterfaceEndpoint.class)
                        .withSecondaryToPrimaryMapper(p -> endpointServices
                                .get(new ResourceID(
                                        p.getSpec().getEndpointService(),
                                        p.getMetadata().getNamespace()))
                                .map(es -> Indexes.ids(endpointsAsking(es)))
                                .orElse(Set.of()))
                        .build(),
                ctx);
        permissions.addIndexers(Map.of(Indexes.PERMISSION_TARGET, Indexes.PERMISSION_BY_TARGET));

        // A namespace's labels decide whether selector principals grant it.
        namespaces = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Namespace.class, InterfaceEndpoint.class)
                        .withSecondaryToPrimaryMapper(ns -> Indexes.ids(endpoints
                                .list(ns.getMetadata().getName(), ep -> true)
                                .toList()))
                        .build(),
                ctx);

        forwarderConfigs = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ConfigMap.class, InterfaceEndpoint.class)
                        .withNamespaces(settings.namespace())
                        .withLabelSelector(Labels.COMPONENT + "=" + Labels.COMPONENT_FORWARDER_CONFIG)
                        .withSecondaryToPrimaryMapper(this::endpointsWithNewListenPorts)
                        .build(),
                ctx);

        forwarderPods = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Pod.class, InterfaceEndpoint.class)
                        .withNamespaces(settings.namespace())
                        .withLabelSelector(Labels.COMPONENT + "=" + Labels.COMPONENT_FORWARDER)
                        .withSecondaryToPrimaryMapper(this::endpointsOfConsumer)
                        .build(),
                ctx);

        // Only read for the zone of a forwarder pod's node; a node's change is seen with the pod's next one.
        nodes = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Node.class, InterfaceEndpoint.class)
                        .withSecondaryToPrimaryMapper(n -> Set.of())
                        .build(),
                ctx);

        String owned = Labels.COMPONENT + "=" + Labels.COMPONENT_ENDPOINT;
        var services = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Service.class, InterfaceEndpoint.class)
                        .withLabelSelector(owned)
                        .build(),
                ctx);
        var slices = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(EndpointSlice.class, InterfaceEndpoint.class)
                        .withLabelSelector(owned)
                        .build(),
                ctx);

        // The quota is shared: when one endpoint of a namespace goes, the ones over quota get another look.
        siblings = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(InterfaceEndpoint.class, InterfaceEndpoint.class)
                        .withName("siblings")
                        .withOnAddFilter(ep -> false)
                        .withOnUpdateFilter((a, b) -> false)
                        .withSecondaryToPrimaryMapper(ep -> Indexes.ids(endpoints
                                .list(ep.getMetadata().getNamespace(), InterfaceEndpointReconciler::overQuota)
                                .toList()))
                        .build(),
                ctx);

        return List.of(
                endpointServices,
                permissions,
                namespaces,
                forwarderConfigs,
                forwarderPods,
                nodes,
                services,
                slices,
                siblings);
    }

    @Override
    public UpdateControl<InterfaceEndpoint> reconcile(InterfaceEndpoint ep, Context<InterfaceEndpoint> ctx) {
        String namespace = ep.getMetadata().getNamespace();
        String endpointId = Ids.endpointId(ep.getMetadata().getUid());
        String consumer = Indexes.key(namespace, ep.getMetadata().getName());
        InterfaceEndpointStatus previous = ep.getStatus();
        ConnectionState previousState = previous == null ? null : previous.getState();

        Optional<EndpointService> service =
                endpointServices.byIndex(Indexes.SERVICE_NAME, ep.getSpec().getServiceName()).stream()
                        .filter(es -> es.getMetadata().getDeletionTimestamp() == null)
                        .findFirst();
        Permissions.Grant grant = service.map(es -> Permissions.evaluate(
                        permissions.byIndex(
                                Indexes.PERMISSION_TARGET,
                                Indexes.key(
                                        es.getMetadata().getNamespace(),
                                        es.getMetadata().getName())),
                        namespace,
                        namespaceLabels(namespace)))
                .orElse(new Permissions.Grant(false, false));
        boolean serviceReady =
                service.map(InterfaceEndpointReconciler::resolved).orElse(false);
        List<Integer> offered = service.filter(es -> serviceReady)
                .map(es -> es.getStatus().getPorts())
                .orElse(List.of());
        List<Integer> requested =
                ep.getSpec().getPorts() == null || ep.getSpec().getPorts().isEmpty()
                        ? offered
                        : ep.getSpec().getPorts();
        List<Integer> missing = serviceReady
                ? requested.stream().filter(p -> !offered.contains(p)).toList()
                : List.of();

        ConnectionOutcome outcome = ConnectionStateMachine.decide(new ConnectionInputs(
                previousState,
                previous == null
                        ? null
                        : previous.condition(READY).map(c -> c.getReason()).orElse(null),
                // The siblings informer delivers the deletions that free quota: count with its view,
                // which the primary cache may not have caught up with yet.
                Quota.within(ep, siblings.list(namespace, e -> true).toList(), settings.endpointQuota()),
                service.isPresent(),
                grant.permitted(),
                grant.autoAccept(),
                service.map(es -> es.getSpec().acceptanceRequired()).orElse(true),
                service.flatMap(es -> Decisions.find(es.getSpec().getConnections(), endpointId, consumer)),
                missing,
                serviceReady));

        List<Integer> ports = List.copyOf(new TreeSet<>(requested));
        EndpointResources.Objects desired = EndpointResources.desired(
                ep,
                endpointId,
                outcome.state(),
                ports,
                ForwarderRoutes.listenPorts(forwarderConfig(namespace), endpointId),
                forwarderPods(namespace));
        applier.sync(desired.services(), List.copyOf(ctx.getSecondaryResources(Service.class)));
        applier.sync(desired.slices(), List.copyOf(ctx.getSecondaryResources(EndpointSlice.class)));

        if (outcome.state() != previousState) {
            recordTransition(ep, service, endpointId, previousState, outcome);
        }

        InterfaceEndpointStatus status = new InterfaceEndpointStatus();
        status.setEndpointId(endpointId);
        status.setState(outcome.state());
        status.setObservedGeneration(ep.getMetadata().getGeneration());
        if (outcome.state().isConnected()) {
            status.setPorts(ports);
            status.setDnsNames(EndpointResources.dnsNames(desired));
            status.setAddress(address(ctx, ep.getMetadata().getName()));
        }
        status.setConditions(Conditions.merge(
                previous == null ? null : previous.getConditions(),
                conditions(outcome, ep.getMetadata().getGeneration()),
                Instant.now(clock).toString()));
        return StatusUpdates.patchIfChanged(ep, previous, status);
    }

    private static List<Condition> conditions(ConnectionOutcome outcome, Long generation) {
        List<Condition> conditions = new ArrayList<>();
        boolean quota = Reasons.QUOTA_EXCEEDED.equals(outcome.reason());
        conditions.add(
                quota
                        ? Conditions.of(ACCEPTED, false, outcome.reason(), outcome.message(), generation)
                        : Conditions.of(
                                ACCEPTED,
                                true,
                                Reasons.ACCEPTED,
                                "the endpoint is within its namespace's quota",
                                generation));
        boolean unresolved = Set.of(Reasons.SERVICE_NOT_FOUND, Reasons.SERVICE_DELETED, Reasons.PORT_NOT_OFFERED)
                .contains(outcome.reason());
        if (!quota) {
            conditions.add(
                    unresolved
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

    private void recordTransition(
            InterfaceEndpoint ep,
            Optional<EndpointService> service,
            String endpointId,
            ConnectionState from,
            ConnectionOutcome to) {
        String type = switch (to.state()) {
            case Failed, Rejected, Terminated, Suspended -> EventRecorder.WARNING;
            default -> EventRecorder.NORMAL;
        };
        String change =
                (from == null ? "new" : from.name()) + " -> " + to.state().name();
        events.record(ep, type, to.state().name(), "connection " + change + ": " + to.message());
        // The owner hears of connections that reached the service, never of mere attempts that failed lookup.
        boolean reachedService =
                !Reasons.SERVICE_NOT_FOUND.equals(to.reason()) && !Reasons.QUOTA_EXCEEDED.equals(to.reason());
        if (reachedService) {
            service.ifPresent(es -> events.record(
                    es,
                    type,
                    "Connection" + to.state().name(),
                    "endpoint " + endpointId + " ("
                            + Indexes.key(
                                    ep.getMetadata().getNamespace(),
                                    ep.getMetadata().getName()) + "): " + change));
        }
    }

    private static boolean resolved(EndpointService es) {
        var status = es.getStatus();
        // A status older than the spec says nothing about the spec: wait for the owner side to catch up.
        return status != null
                && status.getPorts() != null
                && Objects.equals(
                        status.getObservedGeneration(), es.getMetadata().getGeneration())
                && status.condition(RESOLVED_REFS).map(Condition::isTrue).orElse(false);
    }

    private static boolean overQuota(InterfaceEndpoint ep) {
        return ep.getStatus() != null
                && ep.getStatus()
                        .condition(ACCEPTED)
                        .map(c -> Reasons.QUOTA_EXCEEDED.equals(c.getReason()))
                        .orElse(false);
    }

    private List<InterfaceEndpoint> endpointsAsking(EndpointService es) {
        return endpoints.byIndex(
                Indexes.SERVICE_NAME, Ids.serviceName(es.getMetadata().getUid()));
    }

    private Set<ResourceID> endpointsWithNewListenPorts(ConfigMap forwarderConfig) {
        Set<String> changed = listenPortChanges.changedEndpointIds(forwarderConfig);
        String consumer = forwarderConfig.getMetadata().getLabels().get(Labels.CONSUMER_NAMESPACE);
        return changed.isEmpty() || consumer == null
                ? Set.of()
                : Indexes.ids(endpoints
                        .list(
                                consumer,
                                ep -> changed.contains(
                                        Ids.endpointId(ep.getMetadata().getUid())))
                        .toList());
    }

    private Set<ResourceID> endpointsOfConsumer(HasMetadata forwarderObject) {
        String consumer = forwarderObject.getMetadata().getLabels().get(Labels.CONSUMER_NAMESPACE);
        return consumer == null
                ? Set.of()
                : Indexes.ids(endpoints.list(consumer, ep -> true).toList());
    }

    private Map<String, String> namespaceLabels(String namespace) {
        return namespaces
                .get(new ResourceID(namespace))
                .map(ns -> ns.getMetadata().getLabels())
                .orElse(Map.of());
    }

    private ForwarderConfig forwarderConfig(String consumerNamespace) {
        return forwarderConfigs
                .get(new ResourceID(Names.forwarder(consumerNamespace), settings.namespace()))
                .map(ForwarderResources::config)
                .orElse(ForwarderConfig.EMPTY);
    }

    private List<ForwarderPod> forwarderPods(String consumerNamespace) {
        return forwarderPods
                .list(
                        settings.namespace(),
                        p -> consumerNamespace.equals(
                                p.getMetadata().getLabels().get(Labels.CONSUMER_NAMESPACE)))
                .flatMap(p -> ForwarderPods.from(p, n -> nodes.get(new ResourceID(n))).stream())
                .toList();
    }

    private static String address(Context<InterfaceEndpoint> ctx, String serviceName) {
        return ctx.getSecondaryResources(Service.class).stream()
                .filter(s -> s.getMetadata().getName().equals(serviceName))
                .map(s -> s.getSpec().getClusterIP())
                .filter(ip -> ip != null && !ip.isEmpty() && !"None".equals(ip))
                .findFirst()
                .orElse(null);
    }
}
