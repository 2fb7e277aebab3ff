package dev.privatelink.desired;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceSpec;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.LoadBalancerAddress;
import dev.privatelink.desired.RemoteRecords.RemoteConsumer;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import dev.privatelink.gateway.config.GatewayConfig;
import dev.privatelink.gateway.config.GatewayConfig.Endpoint;
import dev.privatelink.gateway.config.GatewayConfig.EndpointState;
import dev.privatelink.gateway.config.GatewayConfig.Peer;
import dev.privatelink.gateway.config.GatewayConfig.PeerState;
import dev.privatelink.gateway.config.GatewayConfig.Port;
import dev.privatelink.gateway.config.GatewayConfig.ProxyProtocol;
import dev.privatelink.ids.Ids;
import dev.privatelink.pki.Pem;
import dev.privatelink.pki.SpiffeId;
import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What this cluster's gateway serves, from the ClusterPeers (whose consumers it trusts) and the
 * peers' endpoint records (what the owners decided). Only Available and Suspended connections
 * are listed; every other one is unknown to the gateway, which refuses it as it refuses a name
 * that never existed.
 */
public final class GatewayConfigs {

    private GatewayConfigs() {}

    /**
     * @param serviceByName the live endpoint service of a service name (vpce-svc-…), if any
     */
    public static GatewayConfig of(
            Collection<ClusterPeer> clusterPeers,
            Collection<InterfaceEndpoint> records,
            Function<String, Optional<EndpointService>> serviceByName) {
        List<Peer> peers = peers(clusterPeers);
        Set<String> peerNames = new HashSet<>();
        peers.forEach(p -> peerNames.add(p.name()));
        List<Endpoint> endpoints = new ArrayList<>();
        for (InterfaceEndpoint record : records) {
            Optional<RemoteConsumer> consumer = RemoteRecords.consumerOf(record);
            var status = record.getStatus();
            if (consumer.isEmpty()
                    || !peerNames.contains(consumer.get().peer())
                    || status == null
                    || status.getPorts() == null
                    || !(status.getState() == ConnectionState.Available
                            || status.getState() == ConnectionState.Suspended)
                    || record.getSpec() == null
                    || !consumerNamespaceIsValid(consumer.get().namespace())) {
                continue;
            }
            Optional<EndpointService> service =
                    serviceByName.apply(record.getSpec().getServiceName());
            if (service.isEmpty()) {
                continue;
            }
            endpoints.add(new Endpoint(
                    Ids.endpointId(record.getMetadata().getUid()),
                    consumer.get().peer(),
                    consumer.get().namespace(),
                    status.getState() == ConnectionState.Available ? EndpointState.AVAILABLE : EndpointState.SUSPENDED,
                    status.getPorts().stream()
                            .map(port -> new Port(port, upstreams(service.get(), port)))
                            .toList(),
                    proxyProtocol(service.get())));
        }
        endpoints.sort(Comparator.comparing(Endpoint::endpointId));
        return new GatewayConfig(peers, endpoints);
    }

    /** The enrolled peers, each once; a peer whose bundle does not parse is left out rather than the whole config refused. */
    private static List<Peer> peers(Collection<ClusterPeer> clusterPeers) {
        Set<String> trustDomains = new HashSet<>();
        List<Peer> peers = new ArrayList<>();
        clusterPeers.stream()
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .forEach(p -> {
                    var status = p.getStatus();
                    if (status == null
                            || !SpiffeId.isTrustDomain(status.getTrustDomain())
                            || status.getTrustBundle() == null
                            || !parses(status.getTrustBundle())
                            || !trustDomains.add(status.getTrustDomain())) {
                        return;
                    }
                    boolean suspended = p.getSpec() != null && p.getSpec().suspended();
                    peers.add(new Peer(
                            p.getMetadata().getName(),
                            status.getTrustDomain(),
                            status.getTrustBundle(),
                            suspended ? PeerState.SUSPENDED : PeerState.ACTIVE));
                });
        return peers;
    }

    /** The owner's load balancers that take traffic and have an IP address (the gateway looks no name up). */
    private static List<GatewayConfig.Upstream> upstreams(EndpointService service, int port) {
        List<LoadBalancerAddress> lbs =
                service.getStatus() == null || service.getStatus().getUpstreams() == null
                        ? List.of()
                        : service.getStatus().getUpstreams();
        return lbs.stream()
                .filter(lb -> lb.getAddress() != null
                        && (NetUtil.isValidIpV4Address(lb.getAddress()) || NetUtil.isValidIpV6Address(lb.getAddress())))
                .filter(lb -> Upstream.takesTraffic(lb.getWeight() == null ? 1 : lb.getWeight()))
                .map(lb -> new GatewayConfig.Upstream(lb.getAddress(), port))
                .toList();
    }

    private static ProxyProtocol proxyProtocol(EndpointService service) {
        return service.getSpec() != null && service.getSpec().getProxyProtocol() == EndpointServiceSpec.ProxyProtocol.V2
                ? ProxyProtocol.V2
                : ProxyProtocol.NONE;
    }

    private static boolean parses(String pem) {
        try {
            return !Pem.parseCertificates(pem).isEmpty();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean consumerNamespaceIsValid(String namespace) {
        try {
            SpiffeId.consumer("x", namespace);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
