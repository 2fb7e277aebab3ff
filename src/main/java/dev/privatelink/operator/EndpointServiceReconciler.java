package dev.privatelink.operator;

import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.ConnectionUsage;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceStatus;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.LoadBalancerRef;
import dev.privatelink.cache.LeanItemStore;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.EndpointServicePlan;
import dev.privatelink.desired.EndpointServiceWorld;
import dev.privatelink.desired.Labels;
import dev.privatelink.events.EventRecorder;
import dev.privatelink.ids.Ids;
import dev.privatelink.notify.ConnectionNotices;
import dev.privatelink.notify.ConnectionNotices.Notice;
import dev.privatelink.notify.Outbox;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Owner side: resolves the load balancers, fences their pods with NetworkPolicies and reports the
 * connections of each endpoint service. The resolution is published in the status (ports,
 * upstreams with their pods), where the forwarders' reconciles read it: it is made once, from one
 * cache.
 */
@ControllerConfiguration(
        informer = @Informer(itemStore = LeanItemStore.class),
        name = "endpointservice",
        maxReconciliationInterval =
                @MaxReconciliationInterval(interval = Resync.INTERVAL_MINUTES, timeUnit = TimeUnit.MINUTES))
public class EndpointServiceReconciler implements Reconciler<EndpointService> {

    private final OperatorSettings settings;
    private final Clock clock;
    private final UsageMetering usage;
    private final ConnectionNotifications notifications;
    private final ConnectionGauges connectionGauges;
    private SimpleInboundEventSource<EndpointService> usageGrew;
    private IndexerResourceCache<EndpointService> endpointServices;
    private InformerEventSource<Service, EndpointService> services;
    private InformerEventSource<InterfaceEndpoint, EndpointService> endpoints;
    private InformerEventSource<EndpointService, EndpointService> rivals;
    private Applier<NetworkPolicy> policyApplier;
    private EventRecorder events;

    @Inject
    public EndpointServiceReconciler(
            OperatorSettings settings, UsageMetering usage, ConnectionNotifications notifications) {
        this(settings, Clock.systemUTC(), usage, notifications);
    }

    public EndpointServiceReconciler(OperatorSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public EndpointServiceReconciler(OperatorSettings settings, Clock clock) {
        this(settings, clock, new UsageMetering(), new ConnectionNotifications());
    }

    public EndpointServiceReconciler(
            OperatorSettings settings, Clock clock, UsageMetering usage, ConnectionNotifications notifications) {
        this.settings = settings;
        this.clock = clock;
        this.usage = usage;
        this.notifications = notifications;
        this.connectionGauges = new ConnectionGauges(usage.registry());
    }

    @Override
    public UpdateControl<EndpointService> reconcile(EndpointService es, Context<EndpointService> ctx) {
        EndpointServicePlan plan = EndpointServicePlan.of(resolve(es));
        policyApplier
                .sync(plan.networkPolicies(), ctx.getSecondaryResources(NetworkPolicy.class))
                .forEach(c -> events.record(
                        es,
                        EventRecorder.WARNING,
                        Reasons.OBJECT_CONFLICT,
                        c + ": not created by kube-privatelink, so left alone; this load balancer's pods are not"
                                + " fenced"));
        plan.events().forEach(events::record);
        notify(es, plan.status(), ctx.getClient());
        // connections per state, as the status about to be written lists them; a deleted
        // service's series go at the next reconcile of any service (every few minutes at most)
        connectionGauges.set(
                new ConnectionGauges.ServiceKey(
                        es.getMetadata().getNamespace(), es.getMetadata().getName()),
                plan.status().getConnections());
        connectionGauges.retain(s ->
                endpointServices.get(new ResourceID(s.name(), s.namespace())).isPresent());
        return StatusUpdates.patchIfChanged(es, plan.status());
    }

    /**
     * The owner's notifications: the connection changes between the status shown and the one
     * about to be written go to the service's outbox first (so a failure here leaves the status
     * as it was, and the next reconcile finds the same changes), and the status shows delivery.
     */
    private void notify(EndpointService es, EndpointServiceStatus status, KubernetesClient client) {
        if (es.getSpec() == null || es.getSpec().getNotification() == null) {
            return;
        }
        EndpointServiceStatus shown = es.getStatus();
        List<Notice> notices = ConnectionNotices.between(
                shown == null ? List.of() : shown.getConnections(),
                status.getConnections(),
                (shown != null && shown.getUnlistedConnections() != null) || status.getUnlistedConnections() != null);
        String name = Outbox.name(es);
        ConfigMap existing = client.configMaps()
                .inNamespace(settings.namespace())
                .withName(name)
                .get();
        Outbox.State state = Outbox.read(existing);
        if (!notices.isEmpty()) {
            Instant now = Instant.now(clock);
            state = state.with(
                    notices.stream().map(n -> Outbox.event(es, n, now)).toList(), now);
            ConfigMap outbox = Outbox.write(existing, settings.namespace(), es, state);
            if (existing == null) {
                client.configMaps().resource(outbox).create();
            } else {
                client.configMaps().resource(outbox).update();
            }
            notifications.wake(name);
        }
        status.setNotifications(state.status());
    }

    private EndpointServiceWorld resolve(EndpointService es) {
        String namespace = es.getMetadata().getNamespace();
        Map<String, Service> loadBalancers = new HashMap<>();
        Map<String, String> claimedByOthers = new HashMap<>();
        for (LoadBalancerRef ref : loadBalancerRefs(es)) {
            services.get(new ResourceID(ref.getName(), namespace)).ifPresent(s -> loadBalancers.put(ref.getName(), s));
            // The rivals informer delivers the deletions that free a claim: ask its view, which
            // the primary cache may not have caught up with yet.
            LoadBalancerClaims.otherOwner(rivals, es, ref.getName())
                    .ifPresent(owner -> claimedByOthers.put(ref.getName(), owner));
        }
        return new EndpointServiceWorld(
                es,
                loadBalancers,
                claimedByOthers,
                endpoints.byIndex(
                        Indexes.SERVICE_NAME, Ids.serviceName(es.getMetadata().getUid())),
                settings.clusterDomain(),
                settings.allowExternalLoadBalancers(),
                settings.namespace(),
                Instant.now(clock),
                usage(es));
    }

    /** Each listed connection's usage: what the status shows carried on by what the ledger counted since. */
    private Map<String, ConnectionUsage> usage(EndpointService es) {
        Map<String, ConnectionUsage> shown = new HashMap<>();
        if (es.getStatus() != null && es.getStatus().getConnections() != null) {
            es.getStatus().getConnections().stream()
                    .filter(c -> c.getEndpointId() != null)
                    .forEach(c -> shown.put(c.getEndpointId(), c.getUsage()));
        }
        Map<String, ConnectionUsage> usages = new HashMap<>();
        for (InterfaceEndpoint ep : endpoints.byIndex(
                Indexes.SERVICE_NAME, Ids.serviceName(es.getMetadata().getUid()))) {
            String endpointId = Ids.endpointId(ep.getMetadata().getUid());
            usage.ledger().usage(endpointId, shown.get(endpointId)).ifPresent(u -> usages.put(endpointId, u));
        }
        return usages;
    }

    private static List<LoadBalancerRef> loadBalancerRefs(EndpointService es) {
        return es.getSpec() == null || es.getSpec().getLoadBalancers() == null
                ? List.of()
                : es.getSpec().getLoadBalancers().stream()
                        .filter(ref -> ref != null && ref.getName() != null)
                        .toList();
    }

    @Override
    public List<EventSource<?, EndpointService>> prepareEventSources(EventSourceContext<EndpointService> ctx) {
        events = new EventRecorder(ctx.getClient(), clock);
        endpointServices = ctx.getPrimaryCache();
        endpointServices.addIndexer(Indexes.LOAD_BALANCER, Indexes.SERVICE_BY_LOAD_BALANCER);
        endpointServices.addIndexer(Indexes.SERVICE_NAME, Indexes.SERVICE_BY_SERVICE_NAME);

        services = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Service.class, EndpointService.class)
                        .withItemStore(new LeanItemStore<>())
                        .withSecondaryToPrimaryMapper(
                                svc -> Indexes.ids(endpointServices.byIndex(Indexes.LOAD_BALANCER, Indexes.key(svc))))
                        .build(),
                ctx);

        endpoints = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(InterfaceEndpoint.class, EndpointService.class)
                        .withItemStore(new LeanItemStore<>())
                        .withOnUpdateFilter(EventFilters::endpointStateChanged)
                        .withSecondaryToPrimaryMapper(ep -> Indexes.ids(endpointServices.byIndex(
                                Indexes.SERVICE_NAME, ep.getSpec().getServiceName())))
                        .build(),
                ctx);
        endpoints.addIndexers(Map.of(Indexes.SERVICE_NAME, Indexes.ENDPOINT_BY_SERVICE_NAME));

        // A claim on a load balancer frees up when its holder goes or lets go: the others get another look.
        rivals = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(EndpointService.class, EndpointService.class)
                        .withItemStore(new LeanItemStore<>())
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

        // The load balancers' policies map back to their endpoint service by owner reference, so
        // one edited or deleted by someone else is put back.
        InformerEventSource<NetworkPolicy, EndpointService> policies = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(NetworkPolicy.class, EndpointService.class)
                        .withItemStore(new LeanItemStore<>())
                        .withLabelSelector(Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "="
                                + Labels.COMPONENT_LOAD_BALANCER_POLICY)
                        .build(),
                ctx);
        policyApplier = new Applier<>(ctx.getClient(), policies);
        // The usage collector reads the forwarders off the reconciles' path; the services whose
        // usage grew get a reconcile, which writes it into their status.
        usageGrew = new SimpleInboundEventSource<>("usage");
        usage.onGrowth(keys -> keys.forEach(k -> usageGrew.propagateEvent(new ResourceID(k.name(), k.namespace()))));
        notifications.onChange((namespace, name) -> usageGrew.propagateEvent(new ResourceID(name, namespace)));
        return List.of(services, endpoints, rivals, policies, usageGrew);
    }

    @Override
    public ErrorStatusUpdateControl<EndpointService> updateErrorStatus(
            EndpointService resource, Context<EndpointService> ctx, Exception e) {
        return StatusUpdates.onFailure(e);
    }
}
