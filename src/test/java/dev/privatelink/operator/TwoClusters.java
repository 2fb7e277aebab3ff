package dev.privatelink.operator;

import dev.privatelink.api.ConnectionState;
import dev.privatelink.forwarder.HostPort;
import dev.privatelink.forwarder.UpstreamGuard;
import dev.privatelink.gateway.Gateway;
import dev.privatelink.gateway.GatewaySettings;
import dev.privatelink.peering.PeeringMessages.Answer;
import dev.privatelink.peering.PeeringMessages.EndpointAnswer;
import dev.privatelink.peering.PeeringMessages.RequestedEndpoint;
import dev.privatelink.peering.PeeringRefused;
import dev.privatelink.peering.Refusal;
import dev.privatelink.pki.LocalTrust;
import dev.privatelink.pki.MutableClock;
import dev.privatelink.pki.SpiffeId;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Two clusters on this machine, each with its own mock API server (CRUD mode) and operator:
 * {@code east} (the provider: a gateway on loopback that passes peering through to its operator's
 * peering port) and {@code west} (the consumer, no gateway). East's clock can be moved.
 */
final class TwoClusters implements AutoCloseable {

    final MutableClock eastClock = new MutableClock(Instant.now());
    final Clock westClock = Clock.systemUTC();
    final LocalTrust eastTrust = LocalTrust.inMemory("east", eastClock);
    final LocalTrust westTrust = LocalTrust.inMemory("west", westClock);
    /** The ClusterPeer names east's PeeringService was called with. */
    final List<String> synced = new CopyOnWriteArrayList<>();

    final KubernetesMockServer eastServer = crudServer();
    final KubernetesMockServer westServer = crudServer();
    final KubernetesClient east = eastServer.createClient();
    final KubernetesClient west = westServer.createClient();
    final World eastWorld = new World(east);
    final World westWorld = new World(west);
    final int gatewayPort = freePort();
    final String gatewayAddress = "127.0.0.1:" + gatewayPort;
    final ControlPlane eastPlane;
    final ControlPlane westPlane;
    final Gateway gateway;

    TwoClusters() {
        this(false);
    }

    /**
     * @param eastRecords whether east answers syncs with its operator's own records of west's
     *                    endpoints (the product), rather than with a stand-in that records the calls
     */
    TwoClusters(boolean eastRecords) {
        for (KubernetesClient client : List.of(east, west)) {
            namespace(client, TestSettings.OPERATOR_NAMESPACE);
            namespace(client, ClusterIdentity.NAMESPACE);
        }
        eastPlane = ControlPlane.start(
                east,
                TestSettings.with(Map.of(
                        "privatelink.peering.port", "0", "privatelink.peering.gateway-addresses", gatewayAddress)),
                new ControlPlane.Peering(
                        eastTrust,
                        eastRecords
                                ? null
                                : (peer, snapshot) -> {
                                    synced.add(peer);
                                    List<EndpointAnswer> answers = new ArrayList<>();
                                    for (RequestedEndpoint e : snapshot.endpoints()) {
                                        answers.add(new EndpointAnswer(
                                                e.namespace(),
                                                e.name(),
                                                e.uid(),
                                                "vpce-0123456789abcdef0",
                                                ConnectionState.PendingAcceptance,
                                                null,
                                                null,
                                                List.of()));
                                    }
                                    return new Answer(answers);
                                },
                        eastClock));
        gateway = new Gateway(
                GatewaySettings.defaults()
                        .withListen("127.0.0.1", gatewayPort)
                        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(350))
                        .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                        .withPeeringUpstream(new HostPort("127.0.0.1", eastPlane.peeringPort())),
                eastTrust.credentialFor(SpiffeId.gateway("east")),
                new SimpleMeterRegistry(),
                eastClock);
        westPlane = ControlPlane.start(
                west,
                TestSettings.with(Map.of("privatelink.peering.port", "0")),
                new ControlPlane.Peering(
                        westTrust,
                        (peer, snapshot) -> {
                            throw new PeeringRefused(Refusal.NotPeer, "west serves nothing");
                        },
                        westClock));
    }

    String uid(KubernetesClient client) {
        return client.namespaces()
                .withName(ClusterIdentity.NAMESPACE)
                .get()
                .getMetadata()
                .getUid();
    }

    private boolean operatorsStopped;

    /** Both clusters' operators stop, as when their control planes are away; the data plane stays. */
    void stopOperators() {
        if (!operatorsStopped) {
            operatorsStopped = true;
            westPlane.close();
            eastPlane.close();
        }
    }

    @Override
    public void close() {
        stopOperators();
        gateway.close();
        east.close();
        west.close();
        eastServer.destroy();
        westServer.destroy();
    }

    private static void namespace(KubernetesClient client, String name) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withUid(UUID.randomUUID().toString())
                        .endMetadata()
                        .build())
                .create();
    }

    private static KubernetesMockServer crudServer() {
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        return server;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
