package dev.privatelink.operator;

import dev.privatelink.api.EndpointService;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.cache.LeanItemStore;
import dev.privatelink.desired.Resources;
import dev.privatelink.desired.ServicePermissionPlan;
import dev.privatelink.events.EventRecorder;
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
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reports whether a permission points at an endpoint service that exists. Granting itself
 * happens on the consumer side.
 */
@ControllerConfiguration(
        informer = @Informer(itemStore = LeanItemStore.class),
        name = "servicepermission",
        maxReconciliationInterval =
                @MaxReconciliationInterval(interval = Resync.INTERVAL_MINUTES, timeUnit = TimeUnit.MINUTES))
public class ServicePermissionReconciler implements Reconciler<ServicePermission> {

    private final Clock clock;
    private InformerEventSource<EndpointService, ServicePermission> endpointServices;
    private EventRecorder events;

    public ServicePermissionReconciler() {
        this(Clock.systemUTC());
    }

    public ServicePermissionReconciler(Clock clock) {
        this.clock = clock;
    }

    @Override
    public UpdateControl<ServicePermission> reconcile(ServicePermission permission, Context<ServicePermission> ctx) {
        String target =
                permission.getSpec() == null ? null : permission.getSpec().getEndpointService();
        boolean targetFound = target != null
                && endpointServices
                        .get(new ResourceID(target, permission.getMetadata().getNamespace()))
                        .filter(Resources::isLive)
                        .isPresent();
        ServicePermissionPlan plan = ServicePermissionPlan.of(permission, targetFound, Instant.now(clock));
        plan.events().forEach(events::record);
        return StatusUpdates.patchIfChanged(permission, plan.status());
    }

    @Override
    public List<EventSource<?, ServicePermission>> prepareEventSources(EventSourceContext<ServicePermission> ctx) {
        events = new EventRecorder(ctx.getClient(), clock);
        IndexerResourceCache<ServicePermission> permissions = ctx.getPrimaryCache();
        permissions.addIndexer(Indexes.PERMISSION_TARGET, Indexes.PERMISSION_BY_TARGET);
        endpointServices = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(EndpointService.class, ServicePermission.class)
                        .withItemStore(new LeanItemStore<>())
                        .withOnUpdateFilter(EventFilters::specChanged)
                        .withSecondaryToPrimaryMapper(
                                es -> Indexes.ids(permissions.byIndex(Indexes.PERMISSION_TARGET, Indexes.key(es))))
                        .build(),
                ctx);
        return List.of(endpointServices);
    }

    @Override
    public ErrorStatusUpdateControl<ServicePermission> updateErrorStatus(
            ServicePermission resource, Context<ServicePermission> ctx, Exception e) {
        return StatusUpdates.onFailure(e);
    }
}
