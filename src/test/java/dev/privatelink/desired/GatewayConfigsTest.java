package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerSpec;
import dev.privatelink.api.ClusterPeerStatus;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceSpec;
import dev.privatelink.api.EndpointServiceStatus;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointStatus;
import dev.privatelink.api.LoadBalancerAddress;
import dev.privatelink.gateway.config.GatewayConfig;
import dev.privatelink.gateway.config.GatewayConfig.EndpointState;
import dev.privatelink.gateway.config.GatewayConfig.PeerState;
import dev.privatelink.gateway.config.GatewayConfig.ProxyProtocol;
import dev.privatelink.ids.Ids;
import dev.privatelink.peering.PeeringMessages.RequestedEndpoint;
import dev.privatelink.pki.LocalTrust;
import dev.privatelink.pki.Pem;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatewayConfigsTest {

    static final String SERVICE = "vpce-svc-0123456789abcdef0";
    static final String BUNDLE =
            Pem.certificates(LocalTrust.inMemory("west.test", Clock.systemUTC()).roots());

    static ClusterPeer peer(String name, String trustDomain, String bundle) {
        ClusterPeer peer = new ClusterPeer();
        peer.setMetadata(new ObjectMetaBuilder().withName(name).build());
        peer.setSpec(new ClusterPeerSpec());
        ClusterPeerStatus status = new ClusterPeerStatus();
        status.setTrustDomain(trustDomain);
        status.setTrustBundle(bundle);
        peer.setStatus(status);
        return peer;
    }

    static InterfaceEndpoint record(String peer, String name, String uid, ConnectionState state, Integer... ports) {
        InterfaceEndpoint record = RemoteRecords.desired(
                peer, new RequestedEndpoint("shop", name, "remote-" + uid, SERVICE, List.of(), Map.of()));
        record.getMetadata().setUid(uid);
        InterfaceEndpointStatus status = new InterfaceEndpointStatus();
        status.setState(state);
        status.setPorts(List.of(ports));
        record.setStatus(status);
        return record;
    }

    static EndpointService service(EndpointServiceSpec.ProxyProtocol proxy, LoadBalancerAddress... lbs) {
        EndpointService es = new EndpointService();
        es.setMetadata(new ObjectMetaBuilder()
                .withNamespace("payments")
                .withName("api")
                .withUid("s1")
                .build());
        EndpointServiceSpec spec = new EndpointServiceSpec();
        spec.setProxyProtocol(proxy);
        es.setSpec(spec);
        EndpointServiceStatus status = new EndpointServiceStatus();
        status.setUpstreams(List.of(lbs));
        es.setStatus(status);
        return es;
    }

    @Test
    void listsTheAvailableAndSuspendedConnectionsOfEnrolledPeersWithTheOwnersLoadBalancers() {
        EndpointService es = service(
                EndpointServiceSpec.ProxyProtocol.V2,
                new LoadBalancerAddress("blue", "10.96.0.10", 1),
                new LoadBalancerAddress("green", "10.96.0.11", 0),
                new LoadBalancerAddress("named", "api.payments.svc.cluster.local", 1));
        GatewayConfig config = GatewayConfigs.of(
                List.of(peer("west", "west.test", BUNDLE)),
                List.of(
                        record("west", "a", "u1", ConnectionState.Available, 443),
                        record("west", "b", "u2", ConnectionState.Suspended, 443),
                        record("west", "c", "u3", ConnectionState.PendingAcceptance),
                        record("west", "d", "u4", ConnectionState.Rejected),
                        record("gone", "e", "u5", ConnectionState.Available, 443)),
                name -> name.equals(SERVICE) ? Optional.of(es) : Optional.empty());

        assertThat(config.problems()).isEmpty();
        assertThat(config.peers())
                .singleElement()
                .satisfies(p -> assertThat(p.state()).isEqualTo(PeerState.ACTIVE));
        assertThat(config.endpoints())
                .extracting(e -> e.endpointId())
                .containsExactlyInAnyOrder(Ids.endpointId("u1"), Ids.endpointId("u2"));
        var available = config.endpoint(Ids.endpointId("u1")).orElseThrow();
        assertThat(available.state()).isEqualTo(EndpointState.AVAILABLE);
        assertThat(available.consumerNamespace()).isEqualTo("shop");
        assertThat(available.proxyProtocol()).isEqualTo(ProxyProtocol.V2);
        // weight 0 takes no new connection; a name is never looked up on the data path
        assertThat(available.port(443).orElseThrow().upstreams())
                .containsExactly(new GatewayConfig.Upstream("10.96.0.10", 443));
        assertThat(config.endpoint(Ids.endpointId("u2")).orElseThrow().state()).isEqualTo(EndpointState.SUSPENDED);
    }

    @Test
    void aSuspendedClusterPeerIsListedSuspended() {
        ClusterPeer p = peer("west", "west.test", BUNDLE);
        p.getSpec().setSuspended(true);
        assertThat(GatewayConfigs.of(List.of(p), List.of(), name -> Optional.empty())
                        .peers()
                        .get(0)
                        .state())
                .isEqualTo(PeerState.SUSPENDED);
    }

    @Test
    void aPeerWithABadBundleOrATakenTrustDomainIsLeftOutNotTheWholeConfig() {
        GatewayConfig config = GatewayConfigs.of(
                List.of(
                        peer("a", "west.test", BUNDLE),
                        peer("b", "west.test", BUNDLE),
                        peer("c", "other.test", "not PEM"),
                        peer("d", null, null)),
                List.of(record("c", "x", "u1", ConnectionState.Available, 443)),
                name -> Optional.of(service(EndpointServiceSpec.ProxyProtocol.None)));
        assertThat(config.problems()).isEmpty();
        assertThat(config.peers()).extracting(GatewayConfig.Peer::name).containsExactly("a");
        assertThat(config.endpoints()).isEmpty();
    }
}
