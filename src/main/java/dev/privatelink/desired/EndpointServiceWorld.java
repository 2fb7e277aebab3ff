package dev.privatelink.desired;

import dev.privatelink.api.ConnectionUsage;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import io.fabric8.kubernetes.api.model.Service;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything an endpoint service's reconcile decides from, resolved once from the informer caches.
 *
 * @param service         the EndpointService as the cache holds it
 * @param loadBalancers   the Services it names that exist, by name
 * @param claimedByOthers for each named Service that another endpoint service owns, that one's name
 * @param endpoints       the interface endpoints that name this service
 * @param clusterDomain   for the DNS names of headless load balancers
 * @param allowExternalLoadBalancers the operator setting: ExternalName and selector-less Services may serve
 * @param operatorNamespace where the forwarders run, which the load balancers' NetworkPolicies admit
 * @param now             for the transition times of conditions
 * @param usage           what each connection carried, by endpoint ID, for those the operator has figures for
 */
public record EndpointServiceWorld(
        EndpointService service,
        Map<String, Service> loadBalancers,
        Map<String, String> claimedByOthers,
        List<InterfaceEndpoint> endpoints,
        String clusterDomain,
        boolean allowExternalLoadBalancers,
        String operatorNamespace,
        Instant now,
        Map<String, ConnectionUsage> usage) {

    /** A world without usage figures (no forwarder has been read yet). */
    public EndpointServiceWorld(
            EndpointService service,
            Map<String, Service> loadBalancers,
            Map<String, String> claimedByOthers,
            List<InterfaceEndpoint> endpoints,
            String clusterDomain,
            boolean allowExternalLoadBalancers,
            String operatorNamespace,
            Instant now) {
        this(
                service,
                loadBalancers,
                claimedByOthers,
                endpoints,
                clusterDomain,
                allowExternalLoadBalancers,
                operatorNamespace,
                now,
                Map.of());
    }
}
