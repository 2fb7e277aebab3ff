package dev.privatelink.desired;

import static dev.privatelink.api.ConditionTypes.READY;

import dev.privatelink.api.Condition;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceSpec;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointStatus;
import dev.privatelink.api.LoadBalancerAddress;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.forwarder.HostPort;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.RemoteGateway;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.ServiceRef;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import dev.privatelink.forwarder.config.WorkloadAdmission;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The forwarder a consumer namespace should have: none without endpoints that need routes;
 * otherwise its ConfigMap (a route per port of every endpoint that carries or may resume
 * traffic), its Deployment, the NetworkPolicy that fences its pods and its own identity (a
 * ServiceAccount that may read that ConfigMap and the consumer namespace's pods, nothing else).
 *
 * @param objects  the forwarder's objects, or empty when the namespace needs no forwarder
 * @param unplaced the endpoint IDs left without a listener port (the port range is used up)
 * @param config   the config its ConfigMap holds (empty without a forwarder)
 * @param freed    the listener ports in quarantine with it
 */
public record ForwarderPlan(
        Optional<ForwarderObjects> objects, Set<String> unplaced, ForwarderConfig config, FreedPorts freed) {

    /**
     * @param serviceAccount the forwarder pods' own account, in the operator's namespace
     * @param configReader the Role that lets it read its ConfigMap, and no other
     * @param configReaderBinding binds that Role to that account
     * @param podReader in the consumer namespace: lets that account see which pods may connect
     * @param disruptionBudget keeps all but one pod through drains; none for a single replica
     */
    public record ForwarderObjects(
            ConfigMap configMap,
            Deployment deployment,
            NetworkPolicy networkPolicy,
            ServiceAccount serviceAccount,
            Role configReader,
            RoleBinding configReaderBinding,
            RoleBinding podReader,
            Optional<PodDisruptionBudget> disruptionBudget) {}

    public static ForwarderPlan of(ForwarderWorld world, OperatorSettings settings) {
        // Pods cost the namespace's tenant nothing (they run in the operator's namespace): only
        // endpoints that carry traffic, or may resume it, get them; pending or failed ones do not.
        if (world.endpoints().stream().noneMatch(ep -> wantsRoutes(ep.getStatus()))) {
            return new ForwarderPlan(Optional.empty(), Set.of(), ForwarderConfig.EMPTY, FreedPorts.NONE);
        }
        ForwarderRoutes.Result routes = ForwarderRoutes.assign(
                routeRequests(world),
                world.current(),
                world.freed(),
                world.now(),
                settings.forwarder().firstListenPort(),
                settings.forwarder().lastListenPort());
        Set<String> unplaced =
                routes.unplaced().stream().map(RouteRequest::endpointId).collect(Collectors.toSet());
        ConsumerNamespace consumer = world.consumerNamespace();
        return new ForwarderPlan(
                Optional.of(new ForwarderObjects(
                        ForwarderResources.configMap(consumer, routes.config(), unplaced, routes.freed(), settings),
                        ForwarderResources.deployment(consumer, settings, world.peered()),
                        ForwarderPolicies.of(world, settings),
                        ForwarderResources.serviceAccount(consumer, settings),
                        ForwarderResources.configReaderRole(consumer, settings),
                        ForwarderResources.configReaderBinding(consumer, settings),
                        ForwarderResources.podReaderBinding(consumer, settings),
                        ForwarderResources.disruptionBudget(consumer, settings))),
                unplaced,
                routes.config(),
                routes.freed());
    }

    /**
     * The ConfigMap to write when the API server refuses this plan's (too large, or any other
     * error): the config the forwarders serve ({@code served}) with every revocation of this plan
     * applied and nothing added, so that owners' suspensions and terminations are enforced
     * whatever happens to the rest; its annotations name the endpoints whose routes it lacks, so
     * that they report it instead of claiming to be Available.
     */
    public ConfigMap failClosed(ForwarderConfig served, String refusal) {
        ForwarderConfig revoked = ForwarderRoutes.revocationsOnly(served, config);
        return ForwarderResources.refused(
                objects.orElseThrow().configMap(), revoked, ForwarderRoutes.unsynced(config, revoked), refusal);
    }

    /**
     * Whether an endpoint needs routes: the owner let it through (Pending, Available or
     * Suspended) and its status names its ID and ports. Only those that carry traffic (see
     * {@link #carriesTraffic}) get a listener; the others keep their ports reserved.
     */
    public static boolean wantsRoutes(InterfaceEndpointStatus status) {
        // Every connection the owner let through keeps its listener ports, also while it is
        // Pending for a moment: a port given to another endpoint while this one's EndpointSlices
        // still point at it would hand this endpoint's clients to the other's service.
        return status != null
                && status.getState() != null
                && status.getState().isConnected()
                && status.getEndpointId() != null
                && status.getPorts() != null;
    }

    /**
     * Whether an endpoint's connection carries traffic or may resume it: it is Available,
     * Suspended (kept so that resume is instant) or Pending only for want of its data plane. The
     * NetworkPolicies admit by this rule, which a status caught between two writes (a suspended
     * one whose ports are not republished yet) does not flip.
     */
    public static boolean carriesTraffic(InterfaceEndpointStatus status) {
        if (status == null || status.getState() == null) {
            return false;
        }
        return switch (status.getState()) {
            case Available, Suspended -> true;
            case Pending ->
                status.condition(READY)
                        .map(Condition::getReason)
                        .filter(DataPlane.WAITING_REASONS::contains)
                        .isPresent();
            default -> false;
        };
    }

    private static List<RouteRequest> routeRequests(ForwarderWorld world) {
        List<RouteRequest> requests = new ArrayList<>();
        for (InterfaceEndpoint ep : world.endpoints()) {
            InterfaceEndpointStatus status = ep.getStatus();
            if (ep.getSpec() != null && ep.getSpec().getServiceCluster() != null) {
                if (wantsRoutes(status)) {
                    requests.addAll(remoteRouteRequests(
                            status, world.peers().get(ep.getSpec().getServiceCluster())));
                }
                continue;
            }
            EndpointService es = ep.getSpec() == null
                    ? null
                    : world.services().get(ep.getSpec().getServiceName());
            if (!wantsRoutes(status) || es == null) {
                continue;
            }
            // Listening only for connections that carry traffic; the others keep their ports, closed.
            RouteState state = carriesTraffic(status) && status.getState() != ConnectionState.Suspended
                    ? RouteState.ACTIVE
                    : RouteState.SUSPENDED;
            ProxyProtocol proxy =
                    es.getSpec() != null && es.getSpec().getProxyProtocol() == EndpointServiceSpec.ProxyProtocol.V2
                            ? ProxyProtocol.V2
                            : ProxyProtocol.NONE;
            List<LoadBalancerAddress> upstreams =
                    es.getStatus() == null || es.getStatus().getUpstreams() == null
                            ? List.of()
                            : es.getStatus().getUpstreams();
            // What the endpoint's status says is in force is what its forwarder admits.
            WorkloadAdmission allowed = WorkloadPolicies.admission(status);
            ServiceRef service = new ServiceRef(
                    es.getMetadata().getNamespace(), es.getMetadata().getName());
            for (int port : status.getPorts()) {
                // An active route without upstreams would accept connections only to reset them.
                if (state == RouteState.ACTIVE && upstreams.isEmpty()) {
                    continue;
                }
                // A suspended route has no listener, so it dials nothing: it keeps only its port.
                List<Upstream> targets = state == RouteState.SUSPENDED
                        ? List.of()
                        : upstreams.stream()
                                .map(lb -> new Upstream(lb.getAddress(), port, lb.getWeight()))
                                .toList();
                requests.add(new RouteRequest(
                        status.getEndpointId(), port, targets, proxy, state, status.getAddress(), allowed, service));
            }
        }
        return requests;
    }

    /**
     * An endpoint to another cluster's service: each port goes to that cluster's gateway, over
     * mutual TLS, with the preamble naming the endpoint and port (the forwarder always sends it on
     * a gateway route). A peer that cannot carry it (suspended, gone) keeps the ports, closed.
     */
    private static List<RouteRequest> remoteRouteRequests(InterfaceEndpointStatus status, PeerView peer) {
        boolean active = carriesTraffic(status)
                && status.getState() != ConnectionState.Suspended
                && peer != null
                && peer.usable();
        List<Upstream> gateways = active ? gatewayUpstreams(peer) : List.of();
        RouteState state = gateways.isEmpty() ? RouteState.SUSPENDED : RouteState.ACTIVE;
        RemoteGateway gateway =
                peer == null || peer.trustDomain() == null ? null : new RemoteGateway(peer.trustDomain());
        WorkloadAdmission allowed = WorkloadPolicies.admission(status);
        return status.getPorts().stream()
                .map(port -> new RouteRequest(
                        status.getEndpointId(),
                        port,
                        gateways,
                        ProxyProtocol.NONE,
                        state,
                        status.getAddress(),
                        allowed,
                        null,
                        gateway))
                .toList();
    }

    /** The peer gateway's addresses; one that does not parse as host:port is left out. */
    private static List<Upstream> gatewayUpstreams(PeerView peer) {
        List<Upstream> upstreams = new ArrayList<>();
        for (String address : peer.gatewayAddresses()) {
            try {
                HostPort hp = HostPort.parse(address);
                upstreams.add(new Upstream(hp.host(), hp.port(), 1));
            } catch (IllegalArgumentException e) {
                // a bad address in a peer's status is the peer's problem; the others still serve
            }
        }
        return upstreams;
    }
}
