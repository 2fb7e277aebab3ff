package dev.privatelink.operator;

import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceSpec;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.ForwarderResources;
import dev.privatelink.desired.ForwarderRoutes;
import dev.privatelink.desired.Labels;
import dev.privatelink.desired.LoadBalancers;
import dev.privatelink.desired.Names;
import dev.privatelink.desired.RouteSource;
import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One forwarder per consumer namespace that has endpoints: its routes (from the endpoints'
 * states and their services' load balancers) and its Deployment. Keyed by namespace so that the
 * routes of one namespace are only ever written by one reconcile at a time.
 */
// A full pass every few minutes repairs what a lost watch event would leave stale.
@ControllerConfiguration(
        name = "forwarder",
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class ForwarderReconciler implements Reconciler<Namespace> {
    private static final Logger LOG = Logger.getLogger(ForwarderReconciler.class);

    private final OperatorSettings settings;
    private InformerEventSource<InterfaceEndpoint, Namespace> endpoints;
    private InformerEventSource<EndpointService, Namespace> endpointServices;
    private InformerEventSource<Service, Namespace> services;
    private InformerEventSource<ConfigMap, Namespace> configMaps;
    private InformerEventSource<Deployment, Namespace> deployments;
    private Applier applier;

    @Inject
    public ForwarderReconciler(OperatorSettings settings) {
        this.settings = settings;
    }

    @Override
    public List<EventSource<?, Namespace>> prepareEventSources(EventSourceContext<Namespace> ctx) {
        applier = new Applier(ctx.getClient());
        endpoints = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(InterfaceEndpoint.class, Namespace.class)
                        .withOnUpdateFilter(EventFilters::endpointStateChanged)
                        .withSecondaryToPrimaryMapper(
                                ep -> Set.of(new ResourceID(ep.getMetadata().getNamespace())))
                        .build(),
                ctx);
        endpoints.addIndexers(Map.of(Indexes.SERVICE_NAME, Indexes.ENDPOINT_BY_SERVICE_NAME));

        endpointServices = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(EndpointService.class, Namespace.class)
                        .withOnUpdateFilter(EventFilters::specChanged)
                        .withSecondaryToPrimaryMapper(this::consumersOf)
                        .build(),
                ctx);
        endpointServices.addIndexers(Map.of(
                Indexes.SERVICE_NAME, Indexes.SERVICE_BY_SERVICE_NAME,
                Indexes.LOAD_BALANCER, Indexes.SERVICE_BY_LOAD_BALANCER));

        // A load balancer's address or ports change the upstreams of every consumer of its service.
        services = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Service.class, Namespace.class)
                        .withSecondaryToPrimaryMapper(svc -> {
                            Set<ResourceID> ids = new HashSet<>();
                            endpointServices
                                    .byIndex(
                                            Indexes.LOAD_BALANCER,
                                            Indexes.key(
                                                    svc.getMetadata().getNamespace(),
                                                    svc.getMetadata().getName()))
                                    .forEach(es -> ids.addAll(consumersOf(es)));
                            return ids;
                        })
                        .build(),
                ctx);

        String managed = Labels.MANAGED_SELECTOR;
        configMaps = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ConfigMap.class, Namespace.class)
                        .withNamespaces(settings.namespace())
                        .withLabelSelector(managed + "," + Labels.COMPONENT + "=" + Labels.COMPONENT_FORWARDER_CONFIG)
                        .withSecondaryToPrimaryMapper(ForwarderReconciler::consumerNamespace)
                        .build(),
                ctx);
        deployments = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Deployment.class, Namespace.class)
                        .withNamespaces(settings.namespace())
                        .withLabelSelector(managed + "," + Labels.COMPONENT + "=" + Labels.COMPONENT_FORWARDER)
                        .withSecondaryToPrimaryMapper(ForwarderReconciler::consumerNamespace)
                        .build(),
                ctx);
        return List.of(endpoints, endpointServices, services, configMaps, deployments);
    }

    @Override
    public UpdateControl<Namespace> reconcile(Namespace namespace, Context<Namespace> ctx) {
        String consumer = namespace.getMetadata().getName();
        ResourceID forwarderId = new ResourceID(Names.forwarder(consumer), settings.namespace());
        Optional<ConfigMap> currentConfig = configMaps.get(forwarderId);
        Optional<Deployment> currentDeployment = deployments.get(forwarderId);

        List<InterfaceEndpoint> live = endpoints
                .list(consumer, ep -> ep.getMetadata().getDeletionTimestamp() == null)
                .toList();
        if (live.isEmpty()) {
            currentDeployment.ifPresent(applier::delete);
            currentConfig.ifPresent(applier::delete);
            return UpdateControl.noUpdate();
        }

        ForwarderRoutes.Result routes = ForwarderRoutes.assign(
                routeSources(live),
                currentConfig.map(ForwarderResources::config).orElse(null),
                settings.forwarder().firstListenPort(),
                settings.forwarder().lastListenPort());
        if (!routes.unplaced().isEmpty()) {
            LOG.warnf(
                    "forwarder for %s has no free listener port for %d route(s)",
                    consumer, routes.unplaced().size());
        }
        applier.apply(ForwarderResources.configMap(consumer, routes.config(), settings), currentConfig.orElse(null));
        applier.apply(ForwarderResources.deployment(consumer, settings), currentDeployment.orElse(null));
        return UpdateControl.noUpdate();
    }

    /** A route per port of every endpoint that is Available or Suspended (kept so that resume is instant). */
    private List<RouteSource> routeSources(List<InterfaceEndpoint> live) {
        List<RouteSource> sources = new ArrayList<>();
        for (InterfaceEndpoint ep : live) {
            var status = ep.getStatus();
            if (status == null
                    || status.getEndpointId() == null
                    || status.getPorts() == null
                    || (status.getState() != ConnectionState.Available
                            && status.getState() != ConnectionState.Suspended)) {
                continue;
            }
            Optional<EndpointService> es =
                    endpointServices.byIndex(Indexes.SERVICE_NAME, ep.getSpec().getServiceName()).stream()
                            .findFirst();
            if (es.isEmpty()) {
                continue;
            }
            String esNamespace = es.get().getMetadata().getNamespace();
            LoadBalancers.Resolution resolution = LoadBalancers.resolve(
                    es.get(),
                    name -> services.get(new ResourceID(name, esNamespace)),
                    name -> LoadBalancerClaims.otherOwner(endpointServices, es.get(), name),
                    settings.clusterDomain());
            RouteState state =
                    status.getState() == ConnectionState.Available ? RouteState.ACTIVE : RouteState.SUSPENDED;
            ProxyProtocol proxy = es.get().getSpec().getProxyProtocol() == EndpointServiceSpec.ProxyProtocol.V2
                    ? ProxyProtocol.V2
                    : ProxyProtocol.NONE;
            for (int port : status.getPorts()) {
                var upstreams = resolution.upstreams().getOrDefault(port, List.of());
                if (state == RouteState.ACTIVE && upstreams.isEmpty()) {
                    continue;
                }
                sources.add(new RouteSource(status.getEndpointId(), port, upstreams, proxy, state));
            }
        }
        return sources;
    }

    private Set<ResourceID> consumersOf(EndpointService es) {
        Set<ResourceID> ids = new HashSet<>();
        endpoints
                .byIndex(
                        Indexes.SERVICE_NAME,
                        Indexes.SERVICE_BY_SERVICE_NAME.apply(es).get(0))
                .forEach(ep -> ids.add(new ResourceID(ep.getMetadata().getNamespace())));
        return ids;
    }

    private static Set<ResourceID> consumerNamespace(HasMetadata forwarderObject) {
        String consumer = forwarderObject.getMetadata().getLabels().get(Labels.CONSUMER_NAMESPACE);
        return consumer == null ? Set.of() : Set.of(new ResourceID(consumer));
    }
}
