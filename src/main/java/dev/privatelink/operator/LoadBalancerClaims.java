package dev.privatelink.operator;

import dev.privatelink.api.EndpointService;
import dev.privatelink.desired.Claims;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import java.util.Optional;

/** Looks up, in an indexed cache of endpoint services, who holds a load balancer if not the asker. */
final class LoadBalancerClaims {
    private LoadBalancerClaims() {}

    static Optional<String> otherOwner(
            IndexedResourceCache<EndpointService> cache, EndpointService asker, String loadBalancer) {
        String key = Indexes.key(asker.getMetadata().getNamespace(), loadBalancer);
        return Claims.owner(cache.byIndex(Indexes.LOAD_BALANCER, key))
                .filter(owner ->
                        !owner.getMetadata().getUid().equals(asker.getMetadata().getUid()))
                .map(owner -> owner.getMetadata().getName());
    }
}
