package dev.privatelink.operator;

import static dev.privatelink.api.ConditionTypes.ACCEPTED;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.cache.LeanItemStore;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.ConsumerIdentity;
import dev.privatelink.desired.ConsumerNamespace;
import dev.privatelink.desired.EndpointPlan;
import dev.privatelink.desired.EndpointResources;
import dev.privatelink.desired.EndpointWorld;
import dev.privatelink.desired.ForwarderPod;
import dev.privatelink.desired.ForwarderResources;
import dev.privatelink.desired.Labels;
import dev.privatelink.desired.PeerView;
import dev.privatelink.desired.Permissions;
import dev.privatelink.desired.Quota;
import dev.privatelink.desired.RemoteRecords;
import dev.privatelink.desired.Resources;
import dev.privatelink.desired.ServiceLookup;
import dev.privatelink.events.EventRecorder;
import dev.privatelink.ids.Ids;
import dev.privatelink.peering.PeeringMessages.EndpointAnswer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Consumer side: decides each endpoint's connection state and makes its Services and EndpointSlices. */
@ControllerConfiguration(
        informer = @Informer(itemStore = LeanItemStore.class),
        name = "interfaceendpoint",
        maxReconciliationInterval =
                @MaxReconciliationInterval(interval = Resync.INTERVAL_MINUTES, timeUnit = TimeUnit.MINUTES))
public class InterfaceEndpointReconciler implements Reconciler<InterfaceEndpoint> {

    private final OperatorSettings settings;
    private final Clock clock;
    private final UsageMetering usage;
    private final PeerSync peerSync;
    private final PeerAnswers peerAnswers;

    private IndexerResourceCache<InterfaceEndpoint> endpoints;
    private InformerEventSource<EndpointService, InterfaceEndpoint> endpointServices;
    private InformerEventSource<ServicePermission, InterfaceEndpoint> permissions;
    private InformerEventSource<Namespace, InterfaceEndpoint> namespaces;
    private InformerEventSource<ConfigMap, InterfaceEndpoint> forwarderConfigs;
    private InformerEventSource<Pod, InterfaceEndpoint> forwarderPods;
    private InformerEventSource<Node, InterfaceEndpoint> nodes;
    private InformerEventSource<InterfaceEndpoint, InterfaceEndpoint> siblings;
    private InformerEventSource<ClusterPeer, InterfaceEndpoint> peers;
    // the provider clusters' answers arrive here (PeerSync), not through an informer
    private final SimpleInboundEventSource<InterfaceEndpoint> answers = new SimpleInboundEventSource<>();
    private final ListenPortChanges listenPortChanges = new ListenPortChanges();
    private Applier<Service> services;
    private Applier<EndpointSlice> slices;
    private EventRecorder events;

    @Inject
    public InterfaceEndpointReconciler(
            OperatorSettings settings, UsageMetering usage, PeerSync peerSync, PeerAnswers peerAnswers) {
        this(settings, Clock.systemUTC(), usage, peerSync, peerAnswers);
    }

    public InterfaceEndpointReconciler(OperatorSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public InterfaceEndpointReconciler(OperatorSettings settings, Clock clock) {
        this(settings, clock, new UsageMetering(), PeerSync.unlinked(), new PeerAnswers());
    }

    public InterfaceEndpointReconciler(
            OperatorSettings settings, Clock clock, UsageMetering usage, PeerSync peerSync, PeerAnswers peerAnswers) {
        this.settings = settings;
        this.clock = clock;
        this.usage = usage;
        this.peerSync = peerSync;
        this.peerAnswers = peerAnswers;
    }

    @Override
    public UpdateControl<InterfaceEndpoint> reconcile(InterfaceEndpoint ep, Context<InterfaceEndpoint> ctx) {
        EndpointPlan plan = EndpointPlan.of(resolve(ep, ctx));
        List<String> conflicts = services.sync(plan.objects().services(), ctx.getSecondaryResources(Service.class));
        // Slices of a Service that is someone else's would send its traffic to the forwarder: none then.
        List<EndpointSlice> desiredSlices = conflicts.isEmpty() ? plan.objects().slices() : List.of();
        conflicts.addAll(slices.sync(desiredSlices, ctx.getSecondaryResources(EndpointSlice.class)));
        plan = plan.withConflicts(conflicts);
        plan.events().forEach(events::record);
        observeReady(plan);
        return StatusUpdates.patchIfChanged(ep, plan.status());
    }

    /** Endpoint-hours per zone: the zones with a ready forwarder pod while the endpoint is Available. */
    private void observeReady(EndpointPlan plan) {
        EndpointWorld world = plan.world();
        if (!(world.service() instanceof ServiceLookup.Found found)
                || plan.status().getEndpointId() == null) {
            return;
        }
        Set<String> zones = plan.status().getState() != ConnectionState.Available
                ? Set.of()
                : world.forwarderPods().stream()
                        .filter(p -> p.ready() && !p.terminating())
                        .map(p -> p.zone() == null ? "" : p.zone())
                        .collect(Collectors.toSet());
        usage.observeReady(
                new UsageMetering.EndpointKey(
                        plan.status().getEndpointId(),
                        found.service().getMetadata().getNamespace(),
                        found.service().getMetadata().getName(),
                        world.endpoint().getMetadata().getNamespace()),
                zones,
                world.now());
    }

    /** Reads from the caches, once, everything the endpoint's plan depends on. */
    private EndpointWorld resolve(InterfaceEndpoint ep, Context<InterfaceEndpoint> ctx) {
        String namespace = ep.getMetadata().getNamespace();
        return new EndpointWorld(
                ep,
                lookUpService(ep),
                // The siblings informer delivers the deletions that free quota: count with its view,
                // which the primary cache may not have caught up with yet.
                Quota.within(ep, siblings.list(namespace, e -> true).toList(), settings.endpointQuota()),
                forwarderView(namespace),
                forwarderPods(namespace),
                EndpointResources.servedListenPorts(
                        List.copyOf(ctx.getSecondaryResources(EndpointSlice.class)),
                        ep.getMetadata().getName()),
                EndpointResources.servedZones(ctx.getSecondaryResources(Service.class)),
                clusterIp(ctx, ep.getMetadata().getName()),
                Instant.now(clock));
    }

    /** What the namespace's forwarder serves: its ConfigMap is named after the namespace's UID. */
    private EndpointWorld.ForwarderView forwarderView(String namespace) {
        return namespaces
                .get(new ResourceID(namespace))
                .map(ConsumerNamespace::of)
                .flatMap(consumer ->
                        forwarderConfigs.get(new ResourceID(consumer.forwarderName(), settings.namespace())))
                .map(ForwarderResources::view)
                .orElse(EndpointWorld.ForwarderView.NONE);
    }

    private ServiceLookup lookUpService(InterfaceEndpoint ep) {
        String namespace = ep.getMetadata().getNamespace();
        if (ep.getSpec() == null || ep.getSpec().getServiceName() == null) {
            return ServiceLookup.NOT_FOUND;
        }
        String serviceCluster = ep.getSpec().getServiceCluster();
        if (serviceCluster != null) {
            Optional<EndpointAnswer> answer = peerAnswers.answerFor(serviceCluster, ep);
            if (answer.isEmpty()) {
                peerSync.wanted(serviceCluster);
            }
            return new ServiceLookup.Remote(
                    PeerView.of(serviceCluster, peers.get(new ResourceID(serviceCluster)), namespaceLabels(namespace)),
                    answer);
        }
        Optional<ConsumerIdentity> consumer = consumerIdentity(ep);
        if (consumer.isEmpty()) {
            return ServiceLookup.NOT_FOUND;
        }
        Optional<EndpointService> service =
                endpointServices.byIndex(Indexes.SERVICE_NAME, ep.getSpec().getServiceName()).stream()
                        .filter(Resources::isLive)
                        .findFirst();
        if (service.isEmpty()) {
            return ServiceLookup.NOT_FOUND;
        }
        EndpointService es = service.get();
        var granting = permissions.byIndex(Indexes.PERMISSION_TARGET, Indexes.key(es));
        return ServiceLookup.found(
                es,
                Permissions.evaluate(granting, consumer.get()),
                Permissions.serviceAccounts(granting, consumer.get()),
                Ids.endpointId(ep.getMetadata().getUid()),
                RemoteRecords.consumerKey(ep));
    }

    /**
     * Who the endpoint's connection is for: its namespace here, or, for a peer's record, the
     * remote namespace with the labels the peer stated. A record without them is nobody.
     */
    private Optional<ConsumerIdentity> consumerIdentity(InterfaceEndpoint ep) {
        if (!RemoteRecords.isRecord(ep)) {
            String namespace = ep.getMetadata().getNamespace();
            return Optional.of(ConsumerIdentity.local(namespace, namespaceLabels(namespace)));
        }
        return RemoteRecords.consumerOf(ep)
                .map(remote -> new ConsumerIdentity(
                        remote.peer(),
                        peers.get(new ResourceID(remote.peer()))
                                .map(p -> p.getMetadata().getLabels())
                                .orElse(Map.of()),
                        remote.namespace(),
                        remote.namespaceLabels()));
    }

    private Map<String, String> namespaceLabels(String namespace) {
        return namespaces
                .get(new ResourceID(namespace))
                .map(ns -> ns.getMetadata().getLabels())
                .filter(labels -> labels != null)
                .orElse(Map.of());
    }

    private List<ForwarderPod> forwarderPods(String consumerNamespace) {
        return forwarderPods
                .list(settings.namespace(), p -> consumerNamespace.equals(Labels.consumerNamespace(p)))
                .flatMap(p -> ForwarderPods.from(p, n -> nodes.get(new ResourceID(n))).stream())
                .toList();
    }

    private static Optional<String> clusterIp(Context<InterfaceEndpoint> ctx, String serviceName) {
        return ctx.getSecondaryResources(Service.class).stream()
                .filter(s -> s.getMetadata().getName().equals(serviceName))
                .map(Resources::clusterIp)
                .flatMap(Optional::stream)
                .findFirst();
    }

    @Override
    public List<EventSource<?, InterfaceEndpoint>> prepareEventSources(EventSourceContext<InterfaceEndpoint> ctx) {
        endpoints = ctx.getPrimaryCache();
        endpoints.addIndexer(Indexes.SERVICE_NAME, Indexes.ENDPOINT_BY_SERVICE_NAME);
        endpoints.addIndexer(Indexes.SERVICE_CLUSTER, Indexes.ENDPOINT_BY_SERVICE_CLUSTER);
        events = new EventRecorder(ctx.getClient(), clock);
        endpointServices = endpointServicesSource(ctx);
        permissions = permissionsSource(ctx);
        // A namespace's labels decide whether selector principals grant it.
        namespaces = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Namespace.class, InterfaceEndpoint.class)
                        .withItemStore(new LeanItemStore<>())
                        .withSecondaryToPrimaryMapper(ns -> Indexes.ids(endpoints
                                .list(ns.getMetadata().getName(), ep -> true)
                                .toList()))
                        .build(),
                ctx);
        forwarderConfigs = forwarderSource(
                ctx, ConfigMap.class, Labels.COMPONENT_FORWARDER_CONFIG, this::endpointsWithNewListenPorts);
        forwarderPods = forwarderSource(ctx, Pod.class, Labels.COMPONENT_FORWARDER, this::endpointsOfConsumer);
        // Only read for the zone of a forwarder pod's node; a node's change is seen with the pod's next one.
        nodes = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Node.class, InterfaceEndpoint.class)
                        .withItemStore(new LeanItemStore<>())
                        .withSecondaryToPrimaryMapper(n -> Set.of())
                        .build(),
                ctx);
        var serviceSource = ownedSource(ctx, Service.class);
        var sliceSource = ownedSource(ctx, EndpointSlice.class);
        services = new Applier<>(ctx.getClient(), serviceSource);
        slices = new Applier<>(ctx.getClient(), sliceSource);
        siblings = siblingsSource(ctx);
        // A peer's enrolment, gateway or suspension changes its endpoints here and its records.
        peers = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ClusterPeer.class, InterfaceEndpoint.class)
                        .withItemStore(new LeanItemStore<>())
                        .withOnUpdateFilter(EventFilters::peerRoutingChanged)
                        .withSecondaryToPrimaryMapper(peer -> {
                            String name = peer.getMetadata().getName();
                            Set<ResourceID> ids =
                                    new HashSet<>(Indexes.ids(endpoints.byIndex(Indexes.SERVICE_CLUSTER, name)));
                            ids.addAll(Indexes.ids(endpoints
                                    .list(RemoteRecords.namespaceOf(name), ep -> true)
                                    .toList()));
                            return ids;
                        })
                        .build(),
                ctx);
        peerSync.attach(new SyncSource());
        return List.of(
                peers,
                answers,
                endpointServices,
                permissions,
                namespaces,
                forwarderConfigs,
                forwarderPods,
                nodes,
                serviceSource,
                sliceSource,
                siblings);
    }

    private InformerEventSource<EndpointService, InterfaceEndpoint> endpointServicesSource(
            EventSourceContext<InterfaceEndpoint> ctx) {
        var source = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(EndpointService.class, InterfaceEndpoint.class)
                        .withItemStore(new LeanItemStore<>())
                        .withOnUpdateFilter(EventFilters::endpointServiceOfferChanged)
                        .withSecondaryToPrimaryMapper(es -> Indexes.ids(endpointsAsking(es)))
                        .build(),
                ctx);
        source.addIndexers(Map.of(Indexes.SERVICE_NAME, Indexes.SERVICE_BY_SERVICE_NAME));
        return source;
    }

    private InformerEventSource<ServicePermission, InterfaceEndpoint> permissionsSource(
            EventSourceContext<InterfaceEndpoint> ctx) {
        var source = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ServicePermission.class, InterfaceEndpoint.class)
                        .withItemStore(new LeanItemStore<>())
                        .withSecondaryToPrimaryMapper(
                                // endpointServices may not run yet: every endpoint is reconciled at start anyway
                                p -> p.getSpec() == null
                                                || p.getSpec().getEndpointService() == null
                                                || !endpointServices.isRunning()
                                        ? Set.of()
                                        : endpointServices
                                                .get(new ResourceID(
                                                        p.getSpec().getEndpointService(),
                                                        p.getMetadata().getNamespace()))
                                                .map(es -> Indexes.ids(endpointsAsking(es)))
                                                .orElse(Set.of()))
                        .build(),
                ctx);
        source.addIndexers(Map.of(Indexes.PERMISSION_TARGET, Indexes.PERMISSION_BY_TARGET));
        return source;
    }

    /** Forwarder objects of one component, in the operator's namespace. */
    private <R extends HasMetadata> InformerEventSource<R, InterfaceEndpoint> forwarderSource(
            EventSourceContext<InterfaceEndpoint> ctx,
            Class<R> kind,
            String component,
            Function<R, Set<ResourceID>> toEndpoints) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(kind, InterfaceEndpoint.class)
                        .withItemStore(new LeanItemStore<>())
                        .withNamespaces(settings.namespace())
                        .withLabelSelector(Labels.COMPONENT + "=" + component)
                        .withSecondaryToPrimaryMapper(toEndpoints::apply)
                        .build(),
                ctx);
    }

    /** The endpoints' own Services or slices; they map back to their endpoint by owner reference. */
    private static <R extends HasMetadata> InformerEventSource<R, InterfaceEndpoint> ownedSource(
            EventSourceContext<InterfaceEndpoint> ctx, Class<R> kind) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(kind, InterfaceEndpoint.class)
                        .withItemStore(new LeanItemStore<>())
                        .withLabelSelector(Labels.COMPONENT + "=" + Labels.COMPONENT_ENDPOINT)
                        .build(),
                ctx);
    }

    /** The quota is shared: when one endpoint of a namespace goes, the ones over quota get another look. */
    private InformerEventSource<InterfaceEndpoint, InterfaceEndpoint> siblingsSource(
            EventSourceContext<InterfaceEndpoint> ctx) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(InterfaceEndpoint.class, InterfaceEndpoint.class)
                        .withItemStore(new LeanItemStore<>())
                        .withName("siblings")
                        .withOnAddFilter(ep -> false)
                        .withOnUpdateFilter((a, b) -> false)
                        .withSecondaryToPrimaryMapper(ep -> Indexes.ids(endpoints
                                .list(ep.getMetadata().getNamespace(), InterfaceEndpointReconciler::overQuota)
                                .toList()))
                        .build(),
                ctx);
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
        String consumer = Labels.consumerNamespace(forwarderConfig);
        return changed.isEmpty() || consumer == null
                ? Set.of()
                : Indexes.ids(endpoints
                        .list(consumer, ep -> changed.contains(endpointIdOf(ep)))
                        .toList());
    }

    /** The ID a forwarder knows the endpoint by: the provider's, for an endpoint to another cluster. */
    private static String endpointIdOf(InterfaceEndpoint ep) {
        if (ep.getSpec() != null && ep.getSpec().getServiceCluster() != null) {
            return ep.getStatus() == null ? null : ep.getStatus().getEndpointId();
        }
        return Ids.endpointId(ep.getMetadata().getUid());
    }

    private Set<ResourceID> endpointsOfConsumer(HasMetadata forwarderObject) {
        String consumer = Labels.consumerNamespace(forwarderObject);
        return consumer == null
                ? Set.of()
                : Indexes.ids(endpoints.list(consumer, ep -> true).toList());
    }

    /** What the peering sync reads from this reconciler's caches. */
    private final class SyncSource implements PeerSync.Source {
        @Override
        public Collection<ClusterPeer> peers() {
            return peers.list().toList();
        }

        @Override
        public List<InterfaceEndpoint> endpointsNaming(String peer) {
            return endpoints.byIndex(Indexes.SERVICE_CLUSTER, peer).stream()
                    .filter(Resources::isLive)
                    .toList();
        }

        @Override
        public Map<String, String> namespaceLabels(String namespace) {
            return InterfaceEndpointReconciler.this.namespaceLabels(namespace);
        }

        @Override
        public void answered(String peer, Set<String> changed) {
            for (String key : changed) {
                int slash = key.indexOf('/');
                answers.propagateEvent(new ResourceID(key.substring(slash + 1), key.substring(0, slash)));
            }
        }
    }

    @Override
    public ErrorStatusUpdateControl<InterfaceEndpoint> updateErrorStatus(
            InterfaceEndpoint resource, Context<InterfaceEndpoint> ctx, Exception e) {
        return StatusUpdates.onFailure(e);
    }
}
