package dev.privatelink.operator;

import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.ids.Ids;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The informer indexes the reconcilers look things up by, so that no reconcile lists the cluster. */
final class Indexes {
    private Indexes() {}

    /** InterfaceEndpoint by the service name it asks for; EndpointService by the service name it has. */
    static final String SERVICE_NAME = "serviceName";
    /** EndpointService by each load balancer Service it names, as namespace/name. */
    static final String LOAD_BALANCER = "loadBalancer";
    /** ServicePermission by the EndpointService it is for, as namespace/name. */
    static final String PERMISSION_TARGET = "permissionTarget";

    /** InterfaceEndpoint by the ClusterPeer it asks a service of (spec.serviceCluster). */
    static final String SERVICE_CLUSTER = "serviceCluster";

    // an endpoint to another cluster's service asks none of this cluster's
    static final Function<InterfaceEndpoint, List<String>> ENDPOINT_BY_SERVICE_NAME = ep -> ep.getSpec() == null
                    || ep.getSpec().getServiceName() == null
                    || ep.getSpec().getServiceCluster() != null
            ? List.of()
            : List.of(ep.getSpec().getServiceName());

    static final Function<InterfaceEndpoint, List<String>> ENDPOINT_BY_SERVICE_CLUSTER =
            ep -> ep.getSpec() == null || ep.getSpec().getServiceCluster() == null
                    ? List.of()
                    : List.of(ep.getSpec().getServiceCluster());

    static final Function<EndpointService, List<String>> SERVICE_BY_SERVICE_NAME =
            es -> List.of(Ids.serviceName(es.getMetadata().getUid()));

    static final Function<EndpointService, List<String>> SERVICE_BY_LOAD_BALANCER =
            es -> es.getSpec() == null || es.getSpec().getLoadBalancers() == null
                    ? List.of()
                    : es.getSpec().getLoadBalancers().stream()
                            .map(lb -> key(es.getMetadata().getNamespace(), lb.getName()))
                            .toList();

    static final Function<ServicePermission, List<String>> PERMISSION_BY_TARGET =
            p -> p.getSpec() == null || p.getSpec().getEndpointService() == null
                    ? List.of()
                    : List.of(key(p.getMetadata().getNamespace(), p.getSpec().getEndpointService()));

    /** An object's namespace/name, the key the indexes use. */
    static String key(HasMetadata obj) {
        return key(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
    }

    static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    static Set<ResourceID> ids(Collection<? extends HasMetadata> objects) {
        return objects.stream().map(ResourceID::fromResource).collect(Collectors.toSet());
    }
}
