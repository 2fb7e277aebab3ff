package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.Awaits;
import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerSpec;
import dev.privatelink.api.ClusterPeerStatus;
import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointSpec;
import dev.privatelink.api.Principal;
import dev.privatelink.desired.ForwarderResources;
import dev.privatelink.desired.Labels;
import dev.privatelink.desired.RemoteRecords;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.RemoteGateway;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import dev.privatelink.gateway.config.GatewayConfig;
import dev.privatelink.gateway.config.GatewayConfig.EndpointState;
import dev.privatelink.peering.PeerLink;
import dev.privatelink.peering.PeeringException;
import dev.privatelink.pki.LocalTrust;
import dev.privatelink.pki.Pem;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two clusters, each with its own API server and operator: {@code east} offers a service,
 * {@code west} creates an endpoint to it. The operators talk through the peering API (here
 * in memory; the TLS transport has its own tests); the owner decides in east, and west shows it.
 */
class CrossClusterEndpointsTest {

    static final String EAST_DOMAIN = "east.test";
    static final String WEST_DOMAIN = "west.test";
    static final String GATEWAY = "203.0.113.7:8443";

    KubernetesMockServer eastServer;
    KubernetesMockServer westServer;
    KubernetesClient east;
    KubernetesClient west;
    World eastWorld;
    World westWorld;
    ControlPlane eastOperator;
    ControlPlane westOperator;
    final AtomicBoolean eastReachable = new AtomicBoolean(true);

    @BeforeEach
    void startClusters() {
        eastServer = server();
        westServer = server();
        east = eastServer.createClient();
        west = westServer.createClient();
        eastWorld = new World(east);
        westWorld = new World(west);
        eastWorld.namespace(TestSettings.OPERATOR_NAMESPACE);
        westWorld.namespace(TestSettings.OPERATOR_NAMESPACE);
        // every cluster has one; its UID names the cluster to its peers
        eastWorld.namespace("kube-system");
        westWorld.namespace("kube-system");
        LocalTrust eastTrust = LocalTrust.inMemory(EAST_DOMAIN, Clock.systemUTC());
        LocalTrust westTrust = LocalTrust.inMemory(WEST_DOMAIN, Clock.systemUTC());
        // each side calls the other by its own name for it
        peer(east, "west", WEST_DOMAIN, Pem.certificates(westTrust.roots()), List.of());
        peer(west, "east", EAST_DOMAIN, Pem.certificates(eastTrust.roots()), List.of(GATEWAY));
        eastOperator = ControlPlane.start(east, TestSettings.defaults());
        PeerLink link = (peer, snapshot) -> {
            if (!eastReachable.get()) {
                throw new PeeringException("connection refused");
            }
            assertThat(peer.getMetadata().getName()).isEqualTo("east");
            return eastOperator.peering().sync("west", snapshot);
        };
        westOperator = ControlPlane.start(
                west,
                TestSettings.with(Map.of("privatelink.peering.port", "0")),
                new ControlPlane.Peering(westTrust, null, Clock.systemUTC(), link));
    }

    @AfterEach
    void stopClusters() {
        westOperator.close();
        eastOperator.close();
        east.close();
        west.close();
        eastServer.destroy();
        westServer.destroy();
    }

    @Test
    void anEndpointInWestReachesAServiceInEastAsTheOwnerInEastDecides() {
        String serviceName = publishInEast(Principal.cluster("west").inNamespace("shop"));
        westWorld.namespace("shop");
        westWorld.node("node-a", "zone-a");
        westWorld.forwarderPod("shop", "fwd-1", "10.244.0.5", "node-a", true);
        remoteEndpoint("shop", "api", serviceName);

        // the owner sees the connection, named by peer/namespace/name, and must accept it
        Awaits.eventually().until(() -> recordState().orElse(null) == ConnectionState.PendingAcceptance);
        awaitWest("shop", "api", ConnectionState.PendingAcceptance);
        InterfaceEndpoint record = record();
        String endpointId = record.getStatus().getEndpointId();
        assertThat(westEndpoint("shop", "api").getStatus().getEndpointId()).isEqualTo(endpointId);
        Awaits.eventually().until(() -> eastWorldConnections().contains("west/shop/api"));

        // each side's ClusterPeer says the other is connected
        try {
            Awaits.eventually().until(() -> "True/Exchanged".equals(connected(west, "east")));
        } catch (RuntimeException e) {
            throw new AssertionError(
                    Serialization.asYaml(west.resources(ClusterPeer.class)
                                    .withName("east")
                                    .get()
                                    .getStatus())
                            .replaceAll("trustBundle.*", ""),
                    e);
        }
        Awaits.eventually().until(() -> "True/Exchanged".equals(connected(east, "west")));
        eastWorld.decide("payments", "api", new ConnectionDecision(null, "west/shop/api", Decision.Accept));
        awaitWest("shop", "api", ConnectionState.Available);
        assertThat(westEndpoint("shop", "api").getStatus().getPorts()).containsExactly(8080);
        assertThat(westEndpoint("shop", "api").getStatus().getAddress()).isNull(); // the mock allocates no ClusterIP

        GatewayConfig gateway = gatewayConfig();
        assertThat(gateway.peers()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("west");
            assertThat(p.trustDomain()).isEqualTo(WEST_DOMAIN);
        });
        assertThat(gateway.endpoints()).singleElement().satisfies(e -> {
            assertThat(e.endpointId()).isEqualTo(endpointId);
            assertThat(e.peer()).isEqualTo("west");
            assertThat(e.consumerNamespace()).isEqualTo("shop");
            assertThat(e.state()).isEqualTo(EndpointState.AVAILABLE);
            assertThat(e.ports()).singleElement().satisfies(port -> {
                assertThat(port.port()).isEqualTo(8080);
                assertThat(port.upstreams()).containsExactly(new GatewayConfig.Upstream("10.96.0.10", 8080));
            });
        });
        Awaits.eventually()
                .until(() -> !routes("shop").isEmpty() && routes("shop").get(0).state() == RouteState.ACTIVE);
        ForwarderConfig.Route route = routes("shop").get(0);
        assertThat(route.endpointId()).isEqualTo(endpointId);
        assertThat(route.endpointPort()).isEqualTo(8080);
        assertThat(route.gateway()).isEqualTo(new RemoteGateway(EAST_DOMAIN));
        assertThat(route.upstreams()).containsExactly(new Upstream("203.0.113.7", 8443, 1));
        // east's load balancer pods admit east's gateway pods (and no forwarder of a peer namespace)
        Awaits.eventually()
                .until(() -> east
                        .network()
                        .networkPolicies()
                        .inNamespace("payments")
                        .withLabel(Labels.COMPONENT, Labels.COMPONENT_LOAD_BALANCER_POLICY)
                        .list()
                        .getItems()
                        .stream()
                        .flatMap(p -> p.getSpec().getIngress().stream())
                        .anyMatch(rule -> rule.getFrom().stream()
                                .anyMatch(peer -> peer.getPodSelector() != null
                                        && Labels.COMPONENT_GATEWAY.equals(peer.getPodSelector()
                                                .getMatchLabels()
                                                .get(Labels.COMPONENT)))));
        // the forwarder's NetworkPolicy lets it reach east's gateway, that address on that port only
        Awaits.eventually()
                .until(() -> west
                        .network()
                        .networkPolicies()
                        .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                        .withLabel(Labels.COMPONENT, Labels.COMPONENT_FORWARDER_POLICY)
                        .list()
                        .getItems()
                        .stream()
                        .flatMap(p -> p.getSpec().getEgress().stream())
                        .anyMatch(rule -> rule.getTo().size() == 1
                                && rule.getTo().get(0).getIpBlock() != null
                                && rule.getTo().get(0).getIpBlock().getCidr().equals("203.0.113.7/32")
                                && rule.getPorts().size() == 1
                                && rule.getPorts().get(0).getPort().getIntVal() == 8443));

        // suspended in east: the gateway has it at once, west shows it at the next exchange
        eastWorld.decide("payments", "api", new ConnectionDecision(endpointId, null, Decision.Suspend));
        Awaits.eventually()
                .until(() -> gatewayConfig().endpoints().stream().allMatch(e -> e.state() == EndpointState.SUSPENDED));
        awaitWest("shop", "api", ConnectionState.Suspended);
        Awaits.eventually().until(() -> routes("shop").get(0).state() == RouteState.SUSPENDED);

        eastWorld.decide("payments", "api", new ConnectionDecision(endpointId, null, Decision.Accept));
        awaitWest("shop", "api", ConnectionState.Available);

        // east's API server or operator away: west keeps its endpoint and its route
        eastReachable.set(false);
        eastWorld.decide("payments", "api", new ConnectionDecision(endpointId, null, Decision.Suspend));
        Awaits.eventually().until(() -> gatewayConfig().endpoints().get(0).state() == EndpointState.SUSPENDED);
        assertThat(westEndpoint("shop", "api").getStatus().getState()).isEqualTo(ConnectionState.Available);
        // and west's ClusterPeer says the peer is unreachable
        Awaits.eventually().until(() -> "False/Unreachable".equals(connected(west, "east")));
        eastReachable.set(true);
        Awaits.eventually().until(() -> "True/Exchanged".equals(connected(west, "east")));
        awaitWest("shop", "api", ConnectionState.Suspended);

        // deleted in west: its record goes, and with it the gateway's entry
        west.resource(westEndpoint("shop", "api")).delete();
        // once it has stayed out of west's snapshots for the grace period
        Awaits.eventually()
                .atMost(PeerEndpointRecords.ABSENCE_GRACE.plusSeconds(30))
                .until(() -> record() == null);
        Awaits.eventually().until(() -> gatewayConfig().endpoints().isEmpty());
    }

    @Test
    void aServiceNotSharedWithThePeerLooksExactlyLikeOneThatDoesNotExist() {
        // shared with west's namespace "other" only, and with this cluster's "shop": not with west's "shop"
        String serviceName = publishInEast(Principal.cluster("west").inNamespace("other"), Principal.namespace("shop"));
        westWorld.namespace("shop");
        remoteEndpoint("shop", "hidden", serviceName);
        remoteEndpoint("shop", "missing", "vpce-svc-0123456789abcdef0");
        awaitWest("shop", "hidden", ConnectionState.Failed);
        awaitWest("shop", "missing", ConnectionState.Failed);
        var hidden = westEndpoint("shop", "hidden").getStatus();
        var missing = westEndpoint("shop", "missing").getStatus();
        assertThat(hidden.condition("Ready").orElseThrow().getReason())
                .isEqualTo(missing.condition("Ready").orElseThrow().getReason())
                .isEqualTo("ServiceNotFound");
        assertThat(hidden.condition("Ready").orElseThrow().getMessage())
                .isEqualTo(missing.condition("Ready").orElseThrow().getMessage());
        assertThat(hidden.getPorts()).isNull();
        assertThat(gatewayConfig().endpoints()).isEmpty();
    }

    @Test
    void aLocalPrincipalDoesNotGrantAPeerAndAPeerPrincipalDoesNotGrantALocalNamespace() {
        String serviceName = publishInEast(Principal.namespace("*"));
        westWorld.namespace("shop");
        remoteEndpoint("shop", "api", serviceName);
        awaitWest("shop", "api", ConnectionState.Failed);
        assertThat(westEndpoint("shop", "api")
                        .getStatus()
                        .condition("Ready")
                        .orElseThrow()
                        .getReason())
                .isEqualTo("ServiceNotFound");
    }

    @Test
    void anEndpointNamingAnUnknownPeerWaitsAndSaysWhy() {
        westWorld.namespace("shop");
        InterfaceEndpoint ep = new InterfaceEndpoint();
        ep.setMetadata(
                new ObjectMetaBuilder().withNamespace("shop").withName("api").build());
        InterfaceEndpointSpec spec = new InterfaceEndpointSpec();
        spec.setServiceName("vpce-svc-0123456789abcdef0");
        spec.setServiceCluster("nowhere");
        ep.setSpec(spec);
        west.resource(ep).create();
        awaitWest("shop", "api", ConnectionState.Pending);
        assertThat(westEndpoint("shop", "api")
                        .getStatus()
                        .condition("Ready")
                        .orElseThrow()
                        .getReason())
                .isEqualTo("PeerNotFound");
    }

    /** The owner in east publishes "api" (manual acceptance) to these principals; returns its service name. */
    private String publishInEast(Principal... principals) {
        eastWorld.namespace("payments");
        eastWorld.loadBalancer("payments", "api", "10.96.0.10", 8080);
        eastWorld.endpointService("payments", "api", "api");
        eastWorld.permission("payments", "api", "api", false, principals);
        Awaits.eventually().until(() -> {
            var es = eastService();
            return es.getStatus() != null && es.getStatus().getServiceName() != null;
        });
        return eastService().getStatus().getServiceName();
    }

    private void remoteEndpoint(String namespace, String name, String serviceName) {
        InterfaceEndpoint ep = new InterfaceEndpoint();
        ep.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        InterfaceEndpointSpec spec = new InterfaceEndpointSpec();
        spec.setServiceName(serviceName);
        spec.setServiceCluster("east");
        ep.setSpec(spec);
        west.resource(ep).create();
    }

    private static void peer(
            KubernetesClient client, String name, String trustDomain, String bundle, List<String> gateways) {
        ClusterPeerSpec.Static fixed = new ClusterPeerSpec.Static();
        fixed.setTrustDomain(trustDomain);
        fixed.setTrustBundle(bundle);
        fixed.setGatewayAddresses(gateways.isEmpty() ? null : gateways);
        ClusterPeerSpec spec = new ClusterPeerSpec();
        spec.setStaticPeer(fixed);
        ClusterPeer peer = new ClusterPeer();
        peer.setMetadata(new ObjectMetaBuilder().withName(name).build());
        peer.setSpec(spec);
        ClusterPeer created = client.resource(peer).create();
        // what enrolment records; in static mode it is the spec's
        ClusterPeerStatus status = new ClusterPeerStatus();
        status.setTrustDomain(trustDomain);
        status.setTrustBundle(bundle);
        status.setGatewayAddresses(gateways.isEmpty() ? null : gateways);
        created.setStatus(status);
        client.resource(created).updateStatus();
    }

    private Optional<ConnectionState> recordState() {
        InterfaceEndpoint record = record();
        return Optional.ofNullable(record).map(InterfaceEndpoint::getStatus).map(s -> s.getState());
    }

    /** The Connected condition of a ClusterPeer as status/reason. */
    private static String connected(KubernetesClient client, String peer) {
        ClusterPeer p = client.resources(ClusterPeer.class).withName(peer).get();
        return p == null || p.getStatus() == null
                ? null
                : p.getStatus()
                        .condition("Connected")
                        .map(c -> c.getStatus() + "/" + c.getReason())
                        .orElse(null);
    }

    private InterfaceEndpoint record() {
        return east.resources(InterfaceEndpoint.class)
                .inNamespace(RemoteRecords.namespaceOf("west"))
                .withName(RemoteRecords.recordName("shop", "api"))
                .get();
    }

    private List<String> eastWorldConnections() {
        var es = eastService();
        return es.getStatus() == null || es.getStatus().getConnections() == null
                ? List.of()
                : es.getStatus().getConnections().stream()
                        .map(c -> c.getConsumer())
                        .toList();
    }

    private InterfaceEndpoint westEndpoint(String namespace, String name) {
        return west.resources(InterfaceEndpoint.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    private void awaitWest(String namespace, String name, ConnectionState state) {
        try {
            Awaits.eventually().until(() -> {
                InterfaceEndpoint ep = westEndpoint(namespace, name);
                return ep != null && ep.getStatus() != null && ep.getStatus().getState() == state;
            });
        } catch (ConditionTimeoutException e) {
            InterfaceEndpoint ep = westEndpoint(namespace, name);
            throw new AssertionError(
                    "west " + namespace + "/" + name + " is not " + state + ": "
                            + (ep == null ? null : Serialization.asYaml(ep.getStatus()))
                            + "\nforwarder configs: "
                            + Serialization.asYaml(west.configMaps()
                                    .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                                    .list()
                                    .getItems()),
                    e);
        }
    }

    private GatewayConfig gatewayConfig() {
        ConfigMap cm = east.configMaps()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName(GatewayConfig.CONFIG_MAP)
                .get();
        return cm == null
                ? GatewayConfig.EMPTY
                : GatewayConfig.fromJson(cm.getData().get(GatewayConfig.KEY));
    }

    private List<ForwarderConfig.Route> routes(String consumerNamespace) {
        ConfigMap cm = west.configMaps()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName(westWorld.forwarderName(consumerNamespace))
                .get();
        return cm == null ? List.of() : ForwarderResources.config(cm).routes();
    }

    private static KubernetesMockServer server() {
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(Serialization.jsonMapper()),
                new MockWebServer(),
                new HashMap<>(),
                new KubernetesMixedDispatcher(new HashMap<>()),
                false);
        server.init();
        return server;
    }

    private EndpointService eastService() {
        return east.resources(EndpointService.class)
                .inNamespace("payments")
                .withName("api")
                .get();
    }
}
