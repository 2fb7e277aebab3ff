package dev.privatelink.operator;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.cache.LeanItemStore;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.ConsumerNamespace;
import dev.privatelink.desired.ForwarderPlan;
import dev.privatelink.desired.ForwarderResources;
import dev.privatelink.desired.ForwarderWorld;
import dev.privatelink.desired.Labels;
import dev.privatelink.desired.PeerView;
import dev.privatelink.desired.RemoteRecords;
import dev.privatelink.desired.Resources;
import dev.privatelink.events.EventRecorder;
import dev.privatelink.forwarder.config.ForwarderConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * One forwarder per consumer namespace that has endpoints: its routes (from the endpoints' states
 * and the upstreams their services' status publishes), its Deployment, its NetworkPolicy and its
 * own identity (ServiceAccount, Role, RoleBindings).
 * Keyed by namespace so that the routes of one namespace are only ever written by one reconcile
 * at a time.
 */
@ControllerConfiguration(
        informer = @Informer(itemStore = LeanItemStore.class),
        name = "forwarder",
        maxReconciliationInterval =
                @MaxReconciliationInterval(interval = Resync.INTERVAL_MINUTES, timeUnit = TimeUnit.MINUTES))
public class ForwarderReconciler implements Reconciler<Namespace> {
    private static final Logger LOG = Logger.getLogger(ForwarderReconciler.class);

    private final OperatorSettings settings;
    private InformerEventSource<InterfaceEndpoint, Namespace> endpoints;
    private InformerEventSource<EndpointService, Namespace> endpointServices;
    private InformerEventSource<ConfigMap, Namespace> configMaps;
    private InformerEventSource<Deployment, Namespace> deployments;
    private InformerEventSource<NetworkPolicy, Namespace> policies;
    private InformerEventSource<RoleBinding, Namespace> podReaders;
    private InformerEventSource<ServiceAccount, Namespace> serviceAccounts;
    private InformerEventSource<Role, Namespace> configReaders;
    private InformerEventSource<RoleBinding, Namespace> configReaderBindings;
    private InformerEventSource<PodDisruptionBudget, Namespace> budgets;
    private InformerEventSource<ClusterPeer, Namespace> peers;
    private Applier<ConfigMap> configMapApplier;
    private Applier<Deployment> deploymentApplier;
    private Applier<NetworkPolicy> policyApplier;
    private Applier<RoleBinding> podReaderApplier;
    private Applier<ServiceAccount> serviceAccountApplier;
    private Applier<Role> configReaderApplier;
    private Applier<RoleBinding> configReaderBindingApplier;
    private Applier<PodDisruptionBudget> budgetApplier;
    private EventRecorder events;
    /** Per consumer namespace, the last config read or written that parsed. */
    private final Map<String, ForwarderConfig> lastGood = new ConcurrentHashMap<>();

    private final Clock clock = Clock.systemUTC();

    @Inject
    public ForwarderReconciler(OperatorSettings settings) {
        this.settings = settings;
    }

    @Override
    public UpdateControl<Namespace> reconcile(Namespace namespace, Context<Namespace> ctx) {
        ConsumerNamespace consumer = ConsumerNamespace.of(namespace);
        ResourceID id = new ResourceID(consumer.forwarderName(), settings.namespace());
        Current current = new Current(
                configMaps.get(id),
                deployments.get(id),
                policies.get(id),
                serviceAccounts.get(id),
                configReaders.get(id),
                configReaderBindings.get(id),
                budgets.get(id),
                podReaders.get(new ResourceID(ForwarderResources.POD_READER_BINDING, consumer.name())));
        ForwarderWorld world = resolve(consumer, namespace.getMetadata().getLabels(), current.configMap());
        ForwarderPlan plan = ForwarderPlan.of(world, settings);
        deleteOthers(
                consumer,
                plan.objects().isPresent() ? id.getName() : null,
                plan.objects()
                                .flatMap(ForwarderPlan.ForwarderObjects::disruptionBudget)
                                .isPresent()
                        ? id.getName()
                        : null);
        if (plan.objects().isEmpty()) {
            lastGood.remove(consumer.name());
            return UpdateControl.noUpdate();
        }
        boolean refused = apply(namespace, plan, world.current(), current);
        // Whatever made the API server refuse it may pass (an admission webhook back, an owner
        // shrinking its service): try again now and then, not at once.
        Optional<Duration> retry = refused ? Optional.of(RETRY_REFUSED) : Optional.empty();
        // Endpoints left without a port may get one when a port leaves quarantine.
        Optional<Duration> release = plan.unplaced().isEmpty()
                ? Optional.empty()
                : plan.freed().nextRelease(world.now()).map(t -> Duration.between(world.now(), t));
        return Stream.of(retry, release)
                .flatMap(Optional::stream)
                .min(Comparator.naturalOrder())
                .map(after -> UpdateControl.<Namespace>noUpdate().rescheduleAfter(after))
                .orElseGet(UpdateControl::noUpdate);
    }

    /** How long after the API server refused a forwarder config the operator tries it again. */
    static final Duration RETRY_REFUSED = Duration.ofMinutes(1);

    /** The forwarder's objects as the caches hold them. */
    private record Current(
            Optional<ConfigMap> configMap,
            Optional<Deployment> deployment,
            Optional<NetworkPolicy> policy,
            Optional<ServiceAccount> serviceAccount,
            Optional<Role> configReader,
            Optional<RoleBinding> configReaderBinding,
            Optional<PodDisruptionBudget> budget,
            Optional<RoleBinding> podReader) {}

    /** Applies the plan's objects; returns whether the API server refused its ConfigMap. */
    private boolean apply(Namespace namespace, ForwarderPlan plan, ForwarderConfig served, Current current) {
        ForwarderPlan.ForwarderObjects objects = plan.objects().orElseThrow();
        // The policy first, so that a new forwarder pod starts fenced.
        policyApplier
                .apply(objects.networkPolicy(), current.policy().orElse(null))
                .ifPresent(c -> conflict(namespace, c));
        // The forwarder's own identity before its pods: they cannot start without their account,
        // and admit no connection until they can read their config and the namespace's pods.
        serviceAccountApplier
                .apply(objects.serviceAccount(), current.serviceAccount().orElse(null))
                .ifPresent(c -> conflict(namespace, c));
        configReaderApplier
                .apply(objects.configReader(), current.configReader().orElse(null))
                .ifPresent(c -> conflict(namespace, c));
        configReaderBindingApplier
                .apply(
                        objects.configReaderBinding(),
                        current.configReaderBinding().orElse(null))
                .ifPresent(c -> conflict(namespace, c));
        podReaderApplier
                .apply(objects.podReader(), current.podReader().orElse(null))
                .ifPresent(c -> conflict(namespace, c));
        boolean refused =
                applyConfig(namespace, plan, served, current.configMap().orElse(null));
        deploymentApplier
                .apply(objects.deployment(), current.deployment().orElse(null))
                .ifPresent(c -> conflict(namespace, c));
        objects.disruptionBudget()
                .flatMap(budget -> budgetApplier.apply(budget, current.budget().orElse(null)))
                .ifPresent(c -> conflict(namespace, c));
        return refused;
    }

    /**
     * Writes the plan's ConfigMap. If the API server refuses it (one it would refuse for its size
     * is not sent), writes the fail-closed one instead: what the forwarders serve, with every
     * revocation applied and nothing added, naming the endpoints it leaves behind (SEC-03).
     * Returns whether the plan's ConfigMap was refused.
     */
    private boolean applyConfig(Namespace namespace, ForwarderPlan plan, ForwarderConfig served, ConfigMap current) {
        ConfigMap desired = plan.objects().orElseThrow().configMap();
        Optional<String> refusal = ForwarderResources.tooLarge(desired);
        if (refusal.isEmpty()) {
            try {
                configMapApplier.apply(desired, current).ifPresent(c -> conflict(namespace, c));
                return false;
            } catch (KubernetesClientException e) {
                refusal = Optional.of(describe(e));
            }
        }
        LOG.warnf(
                "the API server refused the forwarder config of namespace %s (%s); writing the config its forwarders"
                        + " serve with only its revocations applied",
                namespace.getMetadata().getName(), refusal.get());
        configMapApplier.apply(plan.failClosed(served, refusal.get()), current).ifPresent(c -> conflict(namespace, c));
        return true;
    }

    /** What the API server said, for a person; the same for the same refusal, so that annotations do not churn. */
    static String describe(KubernetesClientException e) {
        String message = e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : e.getMessage();
        return e.getCode() > 0 ? "HTTP " + e.getCode() + ": " + message : message;
    }

    /**
     * Deletes this namespace's forwarder objects but the ones named {@code keep} (all of them when
     * it needs no forwarder; else those of older names or of a namespace deleted and created again),
     * and its disruption budgets but the one named {@code keepBudget} (none for a single replica).
     */
    private void deleteOthers(ConsumerNamespace consumer, String keep, String keepBudget) {
        Predicate<HasMetadata> stray = strayBut(consumer, keep);
        deployments.list(settings.namespace(), stray::test).forEach(deploymentApplier::delete);
        budgets.list(settings.namespace(), strayBut(consumer, keepBudget)::test).forEach(budgetApplier::delete);
        configMaps.list(settings.namespace(), stray::test).forEach(configMapApplier::delete);
        policies.list(settings.namespace(), stray::test).forEach(policyApplier::delete);
        configReaderBindings.list(settings.namespace(), stray::test).forEach(configReaderBindingApplier::delete);
        configReaders.list(settings.namespace(), stray::test).forEach(configReaderApplier::delete);
        serviceAccounts.list(settings.namespace(), stray::test).forEach(serviceAccountApplier::delete);
        if (keep == null) {
            podReaders.list(consumer.name(), stray::test).forEach(podReaderApplier::delete);
        }
    }

    /** The namespace's forwarder objects not named {@code keep}. */
    private static Predicate<HasMetadata> strayBut(ConsumerNamespace consumer, String keep) {
        return o -> consumer.name().equals(Labels.consumerNamespace(o))
                && !o.getMetadata().getName().equals(keep);
    }

    private ForwarderWorld resolve(
            ConsumerNamespace consumer, Map<String, String> labels, Optional<ConfigMap> configMap) {
        // a peer's records are served by the gateway: their namespace gets no forwarder
        List<InterfaceEndpoint> live = endpoints
                .list(consumer.name(), ep -> Resources.isLive(ep) && !RemoteRecords.isRecord(ep))
                .toList();
        Map<String, PeerView> peerViews = new HashMap<>();
        Map<String, EndpointService> services = new HashMap<>();
        for (InterfaceEndpoint ep : live) {
            if (ep.getSpec() == null || ep.getSpec().getServiceName() == null) {
                continue;
            }
            String serviceCluster = ep.getSpec().getServiceCluster();
            if (serviceCluster != null) {
                peerViews.put(
                        serviceCluster,
                        PeerView.of(
                                serviceCluster,
                                peers.get(new ResourceID(serviceCluster)),
                                labels == null ? Map.of() : labels));
                continue;
            }
            endpointServices.byIndex(Indexes.SERVICE_NAME, ep.getSpec().getServiceName()).stream()
                    .filter(Resources::isLive)
                    .findFirst()
                    .ifPresent(es -> services.put(ep.getSpec().getServiceName(), es));
        }
        return new ForwarderWorld(
                consumer,
                live,
                services,
                currentConfig(consumer.name(), configMap),
                ForwarderResources.freed(configMap.orElse(null)),
                Instant.now(clock),
                peerViews,
                peers.list().findAny().isPresent());
    }

    /**
     * The config the namespace's forwarders serve. One that does not parse (edited by hand) is
     * not what they serve: they keep their last good one, which is what the repair must keep too,
     * so that no endpoint's listener port moves.
     */
    private ForwarderConfig currentConfig(String consumer, Optional<ConfigMap> configMap) {
        var view = ForwarderResources.view(configMap.orElse(null));
        if (view.readable()) {
            lastGood.put(consumer, view.config());
            return view.config();
        }
        return lastGood.getOrDefault(consumer, ForwarderConfig.EMPTY);
    }

    private void conflict(Namespace namespace, String conflict) {
        events.record(
                namespace,
                EventRecorder.WARNING,
                "ForwarderConflict",
                conflict + ": not created by kube-privatelink, so left alone; this namespace's endpoints"
                        + " carry no traffic until it is deleted");
    }

    @Override
    public List<EventSource<?, Namespace>> prepareEventSources(EventSourceContext<Namespace> ctx) {
        events = new EventRecorder(ctx.getClient(), clock);
        endpoints = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(InterfaceEndpoint.class, Namespace.class)
                        .withItemStore(new LeanItemStore<>())
                        .withOnUpdateFilter(EventFilters::endpointStateChanged)
                        .withSecondaryToPrimaryMapper(
                                ep -> Set.of(new ResourceID(ep.getMetadata().getNamespace())))
                        .build(),
                ctx);
        endpoints.addIndexers(Map.of(
                Indexes.SERVICE_NAME,
                Indexes.ENDPOINT_BY_SERVICE_NAME,
                Indexes.SERVICE_CLUSTER,
                Indexes.ENDPOINT_BY_SERVICE_CLUSTER));
        endpointServices = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(EndpointService.class, Namespace.class)
                        .withItemStore(new LeanItemStore<>())
                        .withOnUpdateFilter(EventFilters::endpointServiceOfferChanged)
                        .withSecondaryToPrimaryMapper(this::consumersOf)
                        .build(),
                ctx);
        endpointServices.addIndexers(Map.of(Indexes.SERVICE_NAME, Indexes.SERVICE_BY_SERVICE_NAME));

        configMaps = forwarderSource(ctx, ConfigMap.class, Labels.COMPONENT_FORWARDER_CONFIG);
        deployments = forwarderSource(ctx, Deployment.class, Labels.COMPONENT_FORWARDER);
        policies = forwarderSource(ctx, NetworkPolicy.class, Labels.COMPONENT_FORWARDER_POLICY);
        configMapApplier = new Applier<>(ctx.getClient(), configMaps);
        deploymentApplier = new Applier<>(ctx.getClient(), deployments);
        policyApplier = new Applier<>(ctx.getClient(), policies);
        serviceAccounts = forwarderSource(ctx, ServiceAccount.class, Labels.COMPONENT_FORWARDER_IDENTITY);
        configReaders = forwarderSource(ctx, Role.class, Labels.COMPONENT_FORWARDER_IDENTITY);
        configReaderBindings = forwarderSource(ctx, RoleBinding.class, Labels.COMPONENT_FORWARDER_IDENTITY);
        serviceAccountApplier = new Applier<>(ctx.getClient(), serviceAccounts);
        configReaderApplier = new Applier<>(ctx.getClient(), configReaders);
        configReaderBindingApplier = new Applier<>(ctx.getClient(), configReaderBindings);
        budgets = forwarderSource(ctx, PodDisruptionBudget.class, Labels.COMPONENT_FORWARDER);
        budgetApplier = new Applier<>(ctx.getClient(), budgets);
        // In the consumer namespaces, so in every namespace; only the operator's, by label.
        podReaders = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(RoleBinding.class, Namespace.class)
                        .withItemStore(new LeanItemStore<>())
                        .withLabelSelector(Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "="
                                + Labels.COMPONENT_FORWARDER_POD_READER)
                        .withSecondaryToPrimaryMapper(ForwarderReconciler::consumerNamespace)
                        .build(),
                ctx);
        podReaderApplier = new Applier<>(ctx.getClient(), podReaders);
        // The first peer gives every forwarder its gateway credential, the last one takes it away;
        // a peer's gateway addresses, trust or suspension change the routes to it. Its other
        // status writes (contact, runway) change nothing here.
        peers = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ClusterPeer.class, Namespace.class)
                        .withItemStore(new LeanItemStore<>())
                        .withOnUpdateFilter(EventFilters::peerRoutingChanged)
                        .withSecondaryToPrimaryMapper(peer -> everyForwarder())
                        .build(),
                ctx);
        return List.of(
                peers,
                endpoints,
                endpointServices,
                configMaps,
                deployments,
                policies,
                podReaders,
                serviceAccounts,
                configReaders,
                configReaderBindings,
                budgets);
    }

    private <R extends HasMetadata> InformerEventSource<R, Namespace> forwarderSource(
            EventSourceContext<Namespace> ctx, Class<R> kind, String component) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(kind, Namespace.class)
                        .withItemStore(new LeanItemStore<>())
                        .withNamespaces(settings.namespace())
                        .withLabelSelector(Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=" + component)
                        .withSecondaryToPrimaryMapper(ForwarderReconciler::consumerNamespace)
                        .build(),
                ctx);
    }

    /**
     * The event sources start together: one may hand over its first objects before this one's
     * is running. Nothing is lost then: every primary is reconciled once the operator has started.
     */
    private Set<ResourceID> consumersOf(EndpointService es) {
        if (!endpoints.isRunning()) {
            return Set.of();
        }
        return endpoints
                .byIndex(
                        Indexes.SERVICE_NAME,
                        Indexes.SERVICE_BY_SERVICE_NAME.apply(es).get(0))
                .stream()
                .map(ep -> new ResourceID(ep.getMetadata().getNamespace()))
                .collect(Collectors.toSet());
    }

    private Set<ResourceID> everyForwarder() {
        if (!deployments.isRunning()) {
            return Set.of(); // as in consumersOf
        }
        return deployments
                .list(settings.namespace())
                .flatMap(d -> consumerNamespace(d).stream())
                .collect(Collectors.toSet());
    }

    private static Set<ResourceID> consumerNamespace(HasMetadata forwarderObject) {
        String consumer = Labels.consumerNamespace(forwarderObject);
        return consumer == null ? Set.of() : Set.of(new ResourceID(consumer));
    }

    @Override
    public ErrorStatusUpdateControl<Namespace> updateErrorStatus(
            Namespace resource, Context<Namespace> ctx, Exception e) {
        return StatusUpdates.onFailure(e);
    }
}
