package dev.privatelink.desired;

import static dev.privatelink.api.ConditionTypes.Reasons;

import dev.privatelink.api.EndpointService;
import dev.privatelink.api.LoadBalancerAddress;
import dev.privatelink.api.LoadBalancerRef;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Resolves an endpoint service's load balancers into offered ports and upstream addresses. */
public final class LoadBalancers {
    private LoadBalancers() {}

    /**
     * @param resolved  whether every load balancer exists, is this service's to use and has every offered port
     * @param reason    the ResolvedRefs reason
     * @param message   for a person
     * @param ports     the offered ports, ascending (empty unless resolved)
     * @param upstreams the load balancers that take traffic (weight above 0) with their addresses; each
     *                  serves every offered port
     * @param loadBalancers every load balancer, with weight 0 too: the pods the owner's NetworkPolicies fence
     */
    public record Resolution(
            boolean resolved,
            String reason,
            String message,
            List<Integer> ports,
            List<LoadBalancerAddress> upstreams,
            List<LoadBalancerAddress> loadBalancers) {

        static Resolution failed(String reason, String message) {
            return new Resolution(false, reason, message, List.of(), List.of(), List.of());
        }
    }

    /**
     * @param services    the Services of the endpoint service's namespace, by name
     * @param claimedBy   for a Service name, the endpoint service that owns it if that is another one
     * @param allowExternal whether an ExternalName or selector-less Service may be a load balancer
     *                      (an operator setting for its admin, never a tenant's choice: such a
     *                      Service may point anywhere, and the forwarder would dial it for them)
     */
    public static Resolution resolve(
            EndpointService es,
            Function<String, Optional<Service>> services,
            Function<String, Optional<String>> claimedBy,
            String clusterDomain,
            boolean allowExternal) {
        List<LoadBalancerRef> refs = es.getSpec() == null || es.getSpec().getLoadBalancers() == null
                ? List.of()
                : es.getSpec().getLoadBalancers().stream()
                        .filter(r -> r != null && r.getName() != null)
                        .toList();
        if (refs.isEmpty()) {
            return Resolution.failed(Reasons.LOAD_BALANCER_NOT_FOUND, "the spec names no load balancer");
        }
        List<String> problems = new ArrayList<>();
        Map<LoadBalancerRef, Service> found = new LinkedHashMap<>();
        String reason = null;
        for (LoadBalancerRef ref : refs) {
            // A Service on its way out is no load balancer any more.
            Optional<Service> service = services.apply(ref.getName()).filter(Resources::isLive);
            Optional<String> owner = claimedBy.apply(ref.getName());
            if (service.isEmpty()) {
                reason = reason == null ? Reasons.LOAD_BALANCER_NOT_FOUND : reason;
                problems.add("Service " + ref.getName() + " not found");
            } else if (owner.isPresent()) {
                reason = reason == null ? Reasons.LOAD_BALANCER_IN_USE : reason;
                problems.add("Service " + ref.getName() + " already backs endpoint service " + owner.get());
            } else if (!allowExternal && pointsOutside(service.get())) {
                reason = reason == null ? Reasons.LOAD_BALANCER_NOT_SUPPORTED : reason;
                problems.add("Service " + ref.getName() + " is an ExternalName or has no selector, so it may point"
                        + " outside this namespace's pods; use a Service that selects the pods");
            } else {
                found.put(ref, service.get());
            }
        }
        if (!problems.isEmpty()) {
            return Resolution.failed(reason, String.join("; ", problems));
        }

        Map<LoadBalancerRef, Set<Integer>> portsOf = new LinkedHashMap<>();
        found.forEach((ref, svc) -> portsOf.put(ref, tcpPorts(svc)));
        List<Integer> offered = offeredPorts(es, portsOf);
        for (var e : portsOf.entrySet()) {
            List<Integer> missing =
                    offered.stream().filter(p -> !e.getValue().contains(p)).toList();
            if (!missing.isEmpty()) {
                problems.add("Service " + e.getKey().getName() + " has no TCP port " + join(missing) + " (it has "
                        + (e.getValue().isEmpty() ? "none" : join(e.getValue())) + ")");
            }
        }
        if (offered.isEmpty()) {
            problems.add("the load balancers have no TCP port in common");
        }
        if (!problems.isEmpty()) {
            return Resolution.failed(Reasons.PORT_NOT_FOUND, String.join("; ", problems));
        }

        List<LoadBalancerAddress> loadBalancers = new ArrayList<>();
        found.forEach((ref, svc) -> loadBalancers.add(loadBalancer(ref, svc, offered, clusterDomain)));
        List<LoadBalancerAddress> upstreams = loadBalancers.stream()
                .filter(lb -> Upstream.takesTraffic(lb.getWeight()))
                .toList();
        return new Resolution(
                true,
                Reasons.RESOLVED,
                "load balancers "
                        + found.keySet().stream().map(LoadBalancerRef::getName).collect(Collectors.joining(", "))
                        + " offer port(s) " + join(offered),
                offered,
                upstreams,
                loadBalancers);
    }

    /**
     * A resolved load balancer. The pods behind it (selector and target ports) are what
     * NetworkPolicies name, as they see connections after the ClusterIP is translated; a Service
     * without a selector has no pods to name and gets neither.
     */
    private static LoadBalancerAddress loadBalancer(
            LoadBalancerRef ref, Service svc, List<Integer> offered, String clusterDomain) {
        Map<String, String> selector = svc.getSpec().getSelector();
        boolean hasPods = selector != null && !selector.isEmpty();
        return new LoadBalancerAddress(
                ref.getName(),
                address(svc, clusterDomain),
                ref.weightOrDefault(),
                hasPods ? new TreeMap<>(selector) : null,
                hasPods ? targetPorts(svc, offered) : null);
    }

    /** The pods' ports behind the offered ports: each TCP port's targetPort, by number or name (default: the port). */
    static List<IntOrString> targetPorts(Service svc, List<Integer> offered) {
        Set<IntOrString> targets = new LinkedHashSet<>();
        for (int port : offered) {
            for (ServicePort p : svc.getSpec().getPorts()) {
                if (p.getPort() != null
                        && p.getPort() == port
                        && (p.getProtocol() == null || "TCP".equals(p.getProtocol()))) {
                    IntOrString target = p.getTargetPort();
                    boolean unset = target == null
                            || target.getIntVal() == null
                                    && (target.getStrVal() == null
                                            || target.getStrVal().isEmpty())
                            || target.getIntVal() != null && target.getIntVal() == 0;
                    targets.add(unset ? new IntOrString(port) : target);
                }
            }
        }
        return List.copyOf(targets);
    }

    private static List<Integer> offeredPorts(EndpointService es, Map<LoadBalancerRef, Set<Integer>> portsOf) {
        if (es.getSpec().getPorts() != null && !es.getSpec().getPorts().isEmpty()) {
            return es.getSpec().getPorts().stream()
                    .filter(port -> port != null)
                    .distinct()
                    .sorted()
                    .toList();
        }
        Set<Integer> common = null;
        for (Set<Integer> ports : portsOf.values()) {
            if (common == null) {
                common = new TreeSet<>(ports);
            } else {
                common.retainAll(ports);
            }
        }
        return common == null ? List.of() : List.copyOf(common);
    }

    /** An ExternalName Service, or one without a selector (its endpoints are whatever someone writes). */
    static boolean pointsOutside(Service svc) {
        var spec = svc.getSpec();
        return spec == null
                || "ExternalName".equals(spec.getType())
                || spec.getSelector() == null
                || spec.getSelector().isEmpty();
    }

    static Set<Integer> tcpPorts(Service svc) {
        Set<Integer> ports = new TreeSet<>();
        if (svc.getSpec() != null && svc.getSpec().getPorts() != null) {
            for (ServicePort p : svc.getSpec().getPorts()) {
                if (p.getProtocol() == null || "TCP".equals(p.getProtocol())) {
                    ports.add(p.getPort());
                }
            }
        }
        return ports;
    }

    /** The ClusterIP where there is one; the DNS name for headless and ExternalName Services. */
    static String address(Service svc, String clusterDomain) {
        var spec = svc.getSpec();
        if ("ExternalName".equals(spec.getType()) && spec.getExternalName() != null) {
            return spec.getExternalName();
        }
        Optional<String> ip = Resources.clusterIp(svc);
        if (ip.isPresent()) {
            return ip.get();
        }
        return svc.getMetadata().getName() + "." + svc.getMetadata().getNamespace() + ".svc." + clusterDomain;
    }

    private static String join(Collection<Integer> ports) {
        return new LinkedHashSet<>(ports).stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
