package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.Awaits;
import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerSpec;
import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceSpec;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointSpec;
import dev.privatelink.api.Principal;
import dev.privatelink.desired.ForwarderResources;
import dev.privatelink.forwarder.ConfigMapSource;
import dev.privatelink.forwarder.Forwarder;
import dev.privatelink.forwarder.ForwarderSettings;
import dev.privatelink.forwarder.GatewayClient;
import dev.privatelink.forwarder.ProxyProtocolV2Decoder;
import dev.privatelink.forwarder.UpstreamGuard;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.gateway.Owner;
import dev.privatelink.gateway.config.GatewayConfig;
import dev.privatelink.pki.Pem;
import dev.privatelink.pki.SpiffeId;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real traffic across two clusters, each with its own API server and operator: a client in west
 * connects to its endpoint's forwarder, which dials east's gateway over mutual TLS; the gateway
 * forwards to the owner's load balancer with a PROXY v2 header naming east's endpoint ID. The
 * forwarder and the gateway serve exactly what the operators wrote (the ConfigMaps they watch),
 * and the operators talk through the real peering API, through the gateway.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CrossClusterTrafficTest {

    TwoClusters clusters;
    Owner owner;
    Forwarder forwarder;
    ConfigMapSource<ForwarderConfig> forwarderConfig;
    ConfigMapSource<GatewayConfig> gatewayConfig;

    @BeforeEach
    void start() throws IOException {
        clusters = new TwoClusters(true);
        owner = new Owner(true);
        // the peering, statically (the invite flow has its own tests)
        clusters.east
                .resource(peer("west", spec("west", Pem.certificates(clusters.westTrust.roots()), List.of())))
                .create();
        clusters.west
                .resource(peer(
                        "east",
                        spec("east", Pem.certificates(clusters.eastTrust.roots()), List.of(clusters.gatewayAddress))))
                .create();
        // east's gateway serves what east's operator writes, watched as the gateway role watches it
        gatewayConfig = new ConfigMapSource<>(
                clusters.east,
                TestSettings.OPERATOR_NAMESPACE,
                GatewayConfig.CONFIG_MAP,
                GatewayConfig::from,
                clusters.gateway::apply);
        gatewayConfig.start();
        forwarder = new Forwarder(
                ForwarderSettings.defaults()
                        .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                        .withBindAddress("127.0.0.1"),
                new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() throws IOException {
        if (forwarderConfig != null) {
            forwarderConfig.close();
        }
        forwarder.close();
        gatewayConfig.close();
        clusters.close();
        owner.close();
    }

    @Test
    void aClientInWestReachesTheOwnerInEastWhoseDecisionsCutItAndTrafficOutlivesBothControlPlanes() throws Exception {
        // east publishes "api" (its load balancer is the owner's socket) to west's namespace shop
        World east = clusters.eastWorld;
        east.namespace("payments");
        east.loadBalancer("payments", "api", "127.0.0.1", owner.port());
        east.endpointService(
                "payments",
                "api",
                s -> {
                    s.setProxyProtocol(EndpointServiceSpec.ProxyProtocol.V2);
                    return s;
                },
                "api");
        east.permission(
                "payments", "api", "api", true, Principal.cluster("west").inNamespace("shop"));
        Awaits.eventually().until(() -> serviceName() != null);

        // west asks for it from its namespace shop, whose forwarder runs here
        clusters.westWorld.namespace("shop");
        clusters.westWorld.node("node-a", "zone-a");
        clusters.westWorld.forwarderPod("shop", "fwd-1", "10.244.0.5", "node-a", true);
        InterfaceEndpoint ep = new InterfaceEndpoint();
        ep.setMetadata(
                new ObjectMetaBuilder().withNamespace("shop").withName("api").build());
        InterfaceEndpointSpec spec = new InterfaceEndpointSpec();
        spec.setServiceName(serviceName());
        spec.setServiceCluster("east");
        ep.setSpec(spec);
        clusters.west.resource(ep).create();
        forwarder.useGatewayClient(new GatewayClient(
                clusters.westTrust.credentialFor(SpiffeId.consumer("west", "shop")),
                Map.of("east", clusters.eastTrust.roots()),
                Clock.systemUTC()));
        forwarderConfig = ConfigMapSource.forwarder(
                clusters.west,
                TestSettings.OPERATOR_NAMESPACE,
                clusters.westWorld.forwarderName("shop"),
                config -> forwarder.apply(config));
        forwarderConfig.start();
        awaitWest(ConnectionState.Available);
        String endpointId = westEndpoint().getStatus().getEndpointId();
        Awaits.eventually().until(() -> activeRoute() != null);
        int listenPort = activeRoute().listenPort();

        try (Socket client = connect(listenPort)) {
            assertThat(echo(client, "hello")).isEqualTo("hello");
            ProxyProtocolV2Decoder.Header header = owner.headers.poll(10, TimeUnit.SECONDS);
            assertThat(header).isNotNull();
            assertThat(header.vpceId())
                    .as("east's endpoint ID, verified by east")
                    .isEqualTo(endpointId);

            // the owner suspends it in east: the live connection from west is cut
            east.decide("payments", "api", new ConnectionDecision(null, "west/shop/api", Decision.Suspend));
            assertCut(client);
        }
        awaitWest(ConnectionState.Suspended);

        east.decide("payments", "api", new ConnectionDecision(endpointId, null, Decision.Accept));
        awaitWest(ConnectionState.Available);
        Awaits.eventually().until(() -> activeRoute() != null && gatewayServes(endpointId));
        try (Socket live = connect(listenPort)) {
            assertThat(echo(live, "before")).isEqualTo("before");

            // both control planes stop: the live connection and new ones keep flowing
            clusters.stopOperators();
            assertThat(echo(live, "during")).isEqualTo("during");
            try (Socket fresh = connect(listenPort)) {
                assertThat(echo(fresh, "new")).isEqualTo("new");
            }
        }
    }

    private boolean gatewayServes(String endpointId) {
        ConfigMap cm = clusters.east
                .configMaps()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName(GatewayConfig.CONFIG_MAP)
                .get();
        return cm != null
                && GatewayConfig.fromJson(cm.getData().get(GatewayConfig.KEY))
                        .endpoint(endpointId)
                        .map(e -> e.state() == GatewayConfig.EndpointState.AVAILABLE)
                        .orElse(false);
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        return socket;
    }

    private static String echo(Socket socket, String line) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder read = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            read.append((char) b);
        }
        return read.toString();
    }

    /** The connection ends: end of stream or a reset, within the read timeout. */
    private static void assertCut(Socket client) {
        boolean ended;
        try {
            ended = client.getInputStream().read() == -1;
        } catch (IOException e) {
            ended = true;
        }
        assertThat(ended).as("the live connection is cut").isTrue();
    }

    private ForwarderConfig.Route activeRoute() {
        ConfigMap cm = clusters.west
                .configMaps()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName(clusters.westWorld.forwarderName("shop"))
                .get();
        return cm == null
                ? null
                : ForwarderResources.config(cm).routes().stream()
                        .filter(r -> r.state() == RouteState.ACTIVE)
                        .findFirst()
                        .orElse(null);
    }

    private String serviceName() {
        var es = clusters.east
                .resources(EndpointService.class)
                .inNamespace("payments")
                .withName("api")
                .get();
        return es == null || es.getStatus() == null ? null : es.getStatus().getServiceName();
    }

    private InterfaceEndpoint westEndpoint() {
        return clusters.west
                .resources(InterfaceEndpoint.class)
                .inNamespace("shop")
                .withName("api")
                .get();
    }

    private void awaitWest(ConnectionState state) {
        Awaits.eventually().until(() -> {
            InterfaceEndpoint ep = westEndpoint();
            return ep != null && ep.getStatus() != null && ep.getStatus().getState() == state;
        });
    }

    private static ClusterPeerSpec spec(String trustDomain, String bundle, List<String> gateways) {
        ClusterPeerSpec.Static fixed = new ClusterPeerSpec.Static();
        fixed.setTrustDomain(trustDomain);
        fixed.setTrustBundle(bundle);
        fixed.setGatewayAddresses(gateways.isEmpty() ? null : gateways);
        ClusterPeerSpec spec = new ClusterPeerSpec();
        spec.setStaticPeer(fixed);
        return spec;
    }

    private static ClusterPeer peer(String name, ClusterPeerSpec spec) {
        ClusterPeer peer = new ClusterPeer();
        peer.setMetadata(new ObjectMetaBuilder().withName(name).build());
        peer.setSpec(spec);
        return peer;
    }
}
