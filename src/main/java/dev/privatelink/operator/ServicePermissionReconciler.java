package dev.privatelink.operator;

import static dev.privatelink.api.ConditionTypes.ACCEPTED;
import static dev.privatelink.api.ConditionTypes.READY;
import static dev.privatelink.api.ConditionTypes.RESOLVED_REFS;

import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.api.ServicePermissionStatus;
import dev.privatelink.desired.Conditions;
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
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reports whether a permission points at an endpoint service that exists. Granting itself happens on the consumer side. */
// A full pass every few minutes repairs what a lost watch event would leave stale.
@ControllerConfiguration(
        name = "servicepermission",
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class ServicePermissionReconciler implements Reconciler<ServicePermission> {

    private final Clock clock;
    private InformerEventSource<EndpointService, ServicePermission> endpointServices;

    public ServicePermissionReconciler() {
        this(Clock.systemUTC());
    }

    public ServicePermissionReconciler(Clock clock) {
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, ServicePermission>> prepareEventSources(EventSourceContext<ServicePermission> ctx) {
        IndexerResourceCache<ServicePermission> permissions = ctx.getPrimaryCache();
        permissions.addIndexer(Indexes.PERMISSION_TARGET, Indexes.PERMISSION_BY_TARGET);
        endpointServices = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(EndpointService.class, ServicePermission.class)
                        .withOnUpdateFilter(EventFilters::specChanged)
                        .withSecondaryToPrimaryMapper(es -> Indexes.ids(permissions.byIndex(
                                Indexes.PERMISSION_TARGET,
                                Indexes.key(
                                        es.getMetadata().getNamespace(),
                                        es.getMetadata().getName()))))
                        .build(),
                ctx);
        return List.of(endpointServices);
    }

    @Override
    public UpdateControl<ServicePermission> reconcile(ServicePermission permission, Context<ServicePermission> ctx) {
        String target = permission.getSpec().getEndpointService();
        boolean found = endpointServices
                .get(new ResourceID(target, permission.getMetadata().getNamespace()))
                .filter(es -> es.getMetadata().getDeletionTimestamp() == null)
                .isPresent();
        Long generation = permission.getMetadata().getGeneration();
        String message = found
                ? "grants access to endpoint service " + target
                : "endpoint service " + target + " not found in this namespace";
        String reason = found ? Reasons.RESOLVED : Reasons.ENDPOINT_SERVICE_NOT_FOUND;
        ServicePermissionStatus status = new ServicePermissionStatus();
        status.setObservedGeneration(generation);
        var previous = permission.getStatus();
        status.setConditions(Conditions.merge(
                previous == null ? null : previous.getConditions(),
                List.of(
                        Conditions.of(ACCEPTED, true, Reasons.ACCEPTED, "the spec is valid", generation),
                        Conditions.of(RESOLVED_REFS, found, reason, message, generation),
                        Conditions.of(READY, found, found ? Reasons.READY : reason, message, generation)),
                Instant.now(clock).toString()));
        return StatusUpdates.patchIfChanged(permission, previous, status);
    }
}
