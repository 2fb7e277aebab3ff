package dev.privatelink.forwarder;

import static dev.privatelink.forwarder.Loopback.ending;
import static dev.privatelink.forwarder.Loopback.freePort;
import static dev.privatelink.forwarder.Loopback.roundTrip;
import static dev.privatelink.forwarder.Loopback.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.forwarder.Loopback.Ending;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 8 item 1, SEC-01 fix 4: only the consumer namespace's pods use its endpoints, enforced
 * by the forwarder whatever the CNI, on real sockets from distinct loopback sources against
 * Fabric8's mock API server.
 */
@EnableKubernetesMockClient(crud = true)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SourceCheckTest {

    static final String CONSUMER = "consumer-a";
    static final String OTHER = "consumer-b";
    private static final String ENDPOINT = "vpce-source";
    private static final Duration GENEROUSLY = Duration.ofSeconds(10);

    KubernetesClient client;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Meters meters = new Meters(registry);
    private final List<Socket> open = new ArrayList<>();
    private ConsumerNamespacePods pods;
    private Forwarder forwarder;
    private TestServer echo;
    private int port;

    @BeforeEach
    void start() throws Exception {
        pods = new ConsumerNamespacePods(client, CONSUMER);
        forwarder = new Forwarder(
                ForwarderSettings.defaults()
                        .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                        .withBindAddress(Loopback.HOST),
                registry,
                pods);
        echo = TestServer.echo();
        Route route = route(ENDPOINT, freePort(), echo.port());
        assertThat(forwarder.apply(Loopback.config(route)).complete()).isTrue();
        port = route.listenPort();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : open) {
            socket.close();
        }
        forwarder.close();
        pods.close();
        echo.close();
    }

    @Test
    void onlyPodsOfTheConsumerNamespaceAreAnswered() throws Exception {
        create(pod(CONSUMER, "client", "127.0.0.2"));
        create(pod(OTHER, "intruder", "127.0.0.3"));
        watching();

        assertThat(roundTrip(connectFrom("127.0.0.2"), "hello")).isEqualTo("hello");

        assertThat(endingFrom("127.0.0.3")).isEqualTo(Ending.RESET);
        assertThat(endingFrom("127.0.0.4")).isEqualTo(Ending.RESET);
        await().atMost(GENEROUSLY).until(() -> meters.refused(ENDPOINT, "not_consumer_namespace") == 2);
        assertThat(echo.connections()).isEqualTo(1);
        assertThat(meters.count("connections.new", ENDPOINT)).isEqualTo(1);
    }

    @Test
    void aPodCreatedJustBeforeItsFirstConnectionIsAdmittedByTheLookup() throws Exception {
        // the watch is not started: it lags behind forever, only the lookup can know the pod
        create(pod(CONSUMER, "newcomer", "127.0.0.5"));
        assertThat(pods.admitted()).isEmpty();

        assertThat(roundTrip(connectFrom("127.0.0.5"), "first")).isEqualTo("first");
        assertThat(endingFrom("127.0.0.4")).isEqualTo(Ending.RESET);
        await().atMost(GENEROUSLY).until(() -> meters.refused(ENDPOINT, "not_consumer_namespace") == 1);
    }

    @Test
    void aDeletedPodIsNoLongerAdmitted() throws Exception {
        create(pod(CONSUMER, "leaving", "127.0.0.6"));
        watching();
        assertThat(roundTrip(connectFrom("127.0.0.6"), "before")).isEqualTo("before");

        client.pods().inNamespace(CONSUMER).withName("leaving").delete();
        await().atMost(GENEROUSLY).until(() -> !pods.admitted().contains(address("127.0.0.6")));

        assertThat(endingFrom("127.0.0.6")).isEqualTo(Ending.RESET);
        await().atMost(GENEROUSLY).until(() -> meters.refused(ENDPOINT, "not_consumer_namespace") == 1);
    }

    @Test
    void anAddressTakenOverByAnotherNamespacesPodIsNotAdmitted() throws Exception {
        create(pod(CONSUMER, "old", "127.0.0.7"));
        watching();
        assertThat(roundTrip(connectFrom("127.0.0.7"), "mine")).isEqualTo("mine");

        client.pods().inNamespace(CONSUMER).withName("old").delete();
        create(pod(OTHER, "new", "127.0.0.7"));
        await().atMost(GENEROUSLY).until(() -> !pods.admitted().contains(address("127.0.0.7")));

        assertThat(endingFrom("127.0.0.7")).isEqualTo(Ending.RESET);
    }

    /** Given: the watch has started and has seen every pod created so far. */
    private void watching() {
        int expected = client.pods().inNamespace(CONSUMER).list().getItems().size();
        pods.start();
        await().atMost(GENEROUSLY)
                .until(() -> pods.hasSynced() && pods.admitted().size() >= expected);
    }

    private Socket connectFrom(String source) throws IOException {
        Socket socket = new Socket();
        open.add(socket);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress(Loopback.HOST, port), 5_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    private Ending endingFrom(String source) throws Exception {
        try {
            return ending(connectFrom(source)).get(GENEROUSLY.toSeconds(), TimeUnit.SECONDS);
        } catch (SocketException resetWhileConnecting) {
            return Ending.RESET;
        }
    }

    private void create(Pod pod) {
        client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .resource(pod)
                .create();
    }

    static InetAddress address(String literal) throws IOException {
        return InetAddress.getByName(literal);
    }

    static Pod pod(String namespace, String name, String... ips) {
        PodBuilder builder = new PodBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("app")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP(ips[0])
                .endStatus();
        for (String ip : ips) {
            builder.editStatus().addNewPodIP().withIp(ip).endPodIP().endStatus();
        }
        return builder.build();
    }
}
