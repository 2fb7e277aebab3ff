package dev.privatelink.forwarder;

import static dev.privatelink.forwarder.Loopback.ending;
import static dev.privatelink.forwarder.Loopback.freePort;
import static dev.privatelink.forwarder.Loopback.roundTrip;
import static dev.privatelink.forwarder.Loopback.route;
import static dev.privatelink.forwarder.SourceCheckTest.CONSUMER;
import static dev.privatelink.forwarder.SourceCheckTest.OTHER;
import static dev.privatelink.forwarder.SourceCheckTest.address;
import static dev.privatelink.forwarder.SourceCheckTest.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.forwarder.Loopback.Ending;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.WorkloadAdmission;
import dev.privatelink.forwarder.config.WorkloadAdmission.Operator;
import dev.privatelink.forwarder.config.WorkloadAdmission.Requirement;
import dev.privatelink.forwarder.config.WorkloadAdmission.Selector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 8 item 2: a route with an endpoint policy admits only the pods of the consumer namespace
 * it names (labels, ServiceAccount), on real sockets from distinct loopback sources against
 * Fabric8's mock API server; the other pods of the namespace are reset and counted.
 */
@EnableKubernetesMockClient(crud = true)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkloadPolicyCheckTest {

    private static final String GUARDED = "vpce-guarded";
    private static final String OPEN = "vpce-open";
    private static final Duration GENEROUSLY = Duration.ofSeconds(10);
    /** Pods labelled app=checkout, not on the canary track, that run as checkout. */
    private static final WorkloadAdmission CHECKOUT = new WorkloadAdmission(
            new Selector(
                    Map.of("app", "checkout"), List.of(new Requirement("track", Operator.NotIn, List.of("canary")))),
            List.of("checkout"));

    KubernetesClient client;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Meters meters = new Meters(registry);
    private final List<Socket> open = new ArrayList<>();
    private ConsumerNamespacePods pods;
    private Forwarder forwarder;
    private TestServer echo;
    private Route guarded;
    private Route unguarded;

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
        guarded = admitting(route(GUARDED, freePort(), echo.port()), CHECKOUT);
        unguarded = route(OPEN, freePort(), echo.port());
        assertThat(forwarder.apply(Loopback.config(guarded, unguarded)).complete())
                .isTrue();
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
    void onlyTheWorkloadsThePolicyNamesAreAnswered() throws Exception {
        create(workload("checkout", "127.0.0.12", Map.of("app", "checkout"), "checkout"));
        create(workload("batch", "127.0.0.13", Map.of("app", "batch"), "batch"));
        create(workload("impostor", "127.0.0.14", Map.of("app", "checkout"), "default"));
        create(workload("canary", "127.0.0.15", Map.of("app", "checkout", "track", "canary"), "checkout"));
        create(pod(OTHER, "intruder", "127.0.0.16"));
        watching();

        assertThat(roundTrip(connectFrom("127.0.0.12", guarded), "hello")).isEqualTo("hello");

        assertThat(endingFrom("127.0.0.13", guarded)).isEqualTo(Ending.RESET); // other labels, other SA
        assertThat(endingFrom("127.0.0.14", guarded)).isEqualTo(Ending.RESET); // the right labels, not the SA
        assertThat(endingFrom("127.0.0.15", guarded)).isEqualTo(Ending.RESET); // the SA, a label it excludes
        assertThat(endingFrom("127.0.0.16", guarded)).isEqualTo(Ending.RESET); // not of the namespace
        await().atMost(GENEROUSLY).until(() -> meters.refused(GUARDED, "not_allowed_workload") == 3);
        await().atMost(GENEROUSLY).until(() -> meters.refused(GUARDED, "not_consumer_namespace") == 1);
        assertThat(echo.connections()).isEqualTo(1);
    }

    @Test
    void thePolicyIsPerEndpoint() throws Exception {
        create(workload("batch", "127.0.0.17", Map.of("app", "batch"), "batch"));
        watching();

        assertThat(endingFrom("127.0.0.17", guarded)).isEqualTo(Ending.RESET);
        assertThat(roundTrip(connectFrom("127.0.0.17", unguarded), "open")).isEqualTo("open");
        await().atMost(GENEROUSLY).until(() -> meters.refused(GUARDED, "not_allowed_workload") == 1);
        assertThat(meters.refused(OPEN, "not_allowed_workload")).isZero();
    }

    @Test
    void aPodTheWatchHasNotShownIsLookedUpAndJudgedByThePolicy() throws Exception {
        // the watch is not started: only the lookup can know these pods
        create(workload("fresh-checkout", "127.0.0.18", Map.of("app", "checkout"), "checkout"));
        create(workload("fresh-batch", "127.0.0.19", Map.of("app", "batch"), "batch"));

        assertThat(roundTrip(connectFrom("127.0.0.18", guarded), "first")).isEqualTo("first");
        assertThat(endingFrom("127.0.0.19", guarded)).isEqualTo(Ending.RESET);
        await().atMost(GENEROUSLY).until(() -> meters.refused(GUARDED, "not_allowed_workload") == 1);
        assertThat(meters.refused(GUARDED, "not_consumer_namespace")).isZero();
    }

    @Test
    void aPodRelabelledIntoThePolicyIsAdmittedOnceTheWatchSeesIt() throws Exception {
        create(workload("moving", "127.0.0.20", Map.of("app", "batch"), "checkout"));
        watching();
        assertThat(endingFrom("127.0.0.20", guarded)).isEqualTo(Ending.RESET);

        client.pods()
                .inNamespace(CONSUMER)
                .withName("moving")
                .edit(p -> new PodBuilder(p)
                        .editMetadata()
                        .addToLabels("app", "checkout")
                        .endMetadata()
                        .build());
        await().atMost(GENEROUSLY)
                .until(() -> pods.known(address("127.0.0.20"), CHECKOUT).allows());

        assertThat(roundTrip(connectFrom("127.0.0.20", guarded), "now")).isEqualTo("now");
    }

    @Test
    void anEndpointWhosePoliciesHaveNothingInCommonAdmitsNobody() throws Exception {
        create(workload("checkout", "127.0.0.21", Map.of("app", "checkout"), "checkout"));
        watching();
        forwarder.apply(Loopback.config(admitting(guarded, WorkloadAdmission.NOBODY), unguarded));

        assertThat(endingFrom("127.0.0.21", guarded)).isEqualTo(Ending.RESET);
        await().atMost(GENEROUSLY).until(() -> meters.refused(GUARDED, "not_allowed_workload") == 1);
        assertThat(echo.connections()).isZero();
    }

    @Test
    void aNarrowedPolicyResetsTheLiveConnectionsItNoLongerAdmits() throws Exception {
        create(workload("checkout", "127.0.0.23", Map.of("app", "checkout"), "checkout"));
        create(workload("batch", "127.0.0.24", Map.of("app", "batch"), "batch"));
        watching();
        Route everyone = admitting(guarded, null);
        forwarder.apply(Loopback.config(everyone, unguarded));
        Socket checkout = connectFrom("127.0.0.23", everyone);
        Socket batch = connectFrom("127.0.0.24", everyone);
        assertThat(roundTrip(checkout, "a")).isEqualTo("a");
        assertThat(roundTrip(batch, "b")).isEqualTo("b");
        var batchEnding = ending(batch);

        forwarder.apply(Loopback.config(guarded, unguarded));

        assertThat(batchEnding.get(GENEROUSLY.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Ending.RESET);
        assertThat(roundTrip(checkout, "still")).isEqualTo("still");
    }

    @Test
    void anAddressTwoPodsHoldIsAdmittedOnlyIfBothAre() throws Exception {
        // the watch has seen the new holder of the address before the old one left
        create(workload("old", "127.0.0.22", Map.of("app", "checkout"), "checkout"));
        create(workload("new", "127.0.0.22", Map.of("app", "batch"), "batch"));
        pods.start();
        await().atMost(GENEROUSLY).until(() -> pods.hasSynced());

        await().atMost(GENEROUSLY)
                .until(() -> pods.known(address("127.0.0.22"), CHECKOUT) != null
                        && pods.known(address("127.0.0.22"), CHECKOUT).refusal() == RefusalReason.NOT_ALLOWED_WORKLOAD);
        assertThat(pods.known(address("127.0.0.22"), null).allows()).isTrue();

        client.pods().inNamespace(CONSUMER).withName("new").delete();
        await().atMost(GENEROUSLY)
                .until(() -> pods.known(address("127.0.0.22"), CHECKOUT).allows());
    }

    static Route admitting(Route route, WorkloadAdmission allowed) {
        return new Route(
                route.endpointId(),
                route.endpointPort(),
                route.listenPort(),
                route.upstreams(),
                route.proxyProtocol(),
                route.state(),
                route.endpointAddress(),
                allowed);
    }

    static Pod workload(String name, String ip, Map<String, String> labels, String serviceAccount) {
        return new PodBuilder(pod(CONSUMER, name, ip))
                .editMetadata()
                .withLabels(labels)
                .endMetadata()
                .editSpec()
                .withServiceAccountName(serviceAccount)
                .endSpec()
                .build();
    }

    /** Given: the watch has started and has seen every pod created so far. */
    private void watching() {
        int expected = client.pods().inNamespace(CONSUMER).list().getItems().size();
        pods.start();
        await().atMost(GENEROUSLY)
                .until(() -> pods.hasSynced() && pods.admitted().size() >= expected);
    }

    private Socket connectFrom(String source, Route route) throws IOException {
        Socket socket = new Socket();
        open.add(socket);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress(Loopback.HOST, route.listenPort()), 5_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    private Ending endingFrom(String source, Route route) throws Exception {
        try {
            return ending(connectFrom(source, route)).get(GENEROUSLY.toSeconds(), TimeUnit.SECONDS);
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
}
