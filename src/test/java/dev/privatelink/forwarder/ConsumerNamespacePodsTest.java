package dev.privatelink.forwarder;

import static dev.privatelink.forwarder.SourceCheckTest.CONSUMER;
import static dev.privatelink.forwarder.SourceCheckTest.OTHER;
import static dev.privatelink.forwarder.SourceCheckTest.address;
import static dev.privatelink.forwarder.SourceCheckTest.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.forwarder.SourcePolicy.Decision;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The consumer-namespace source policy's decisions, against Fabric8's mock API server. */
@EnableKubernetesMockClient(crud = true)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsumerNamespacePodsTest {

    private static final Duration GENEROUSLY = Duration.ofSeconds(10);
    private static final Decision NOT_CONSUMER = Decision.refuse(RefusalReason.NOT_CONSUMER_NAMESPACE);

    KubernetesClient client;
    KubernetesMockServer server;

    private ConsumerNamespacePods pods;

    @BeforeEach
    void create() {
        pods = new ConsumerNamespacePods(client, CONSUMER);
    }

    @AfterEach
    void close() {
        pods.close();
    }

    @Test
    void podsOfTheNamespaceAreKnownWithEveryAddress() throws Exception {
        add(pod(CONSUMER, "dual", "10.1.0.2", "fd00::2"));
        add(pod(OTHER, "other", "10.1.0.3"));
        startAndSync();

        assertThat(pods.known(address("10.1.0.2"))).isSameAs(Decision.ALLOW);
        assertThat(pods.known(address("fd00::2"))).isSameAs(Decision.ALLOW);
        assertThat(pods.known(address("10.1.0.3"))).isNull();
        assertThat(decide("10.1.0.3")).isSameAs(NOT_CONSUMER);
        // the refusal is remembered: the next connection from there costs no lookup
        assertThat(pods.known(address("10.1.0.3"))).isSameAs(NOT_CONSUMER);
        assertThat(decide("10.1.0.9")).isSameAs(NOT_CONSUMER);
    }

    @Test
    void anUnknownAddressIsLookedUpBeforeItIsRefused() throws Exception {
        add(pod(CONSUMER, "fresh", "10.1.0.4", "fd00::4"));

        // the watch has not started, so only the lookup can know
        assertThat(pods.known(address("10.1.0.4"))).isNull();
        assertThat(decide("10.1.0.4")).isSameAs(Decision.ALLOW);
        assertThat(decide("fd00::4")).isSameAs(Decision.ALLOW);
    }

    @Test
    void finishedAndHostNetworkPodsAreNotAdmitted() throws Exception {
        add(new PodBuilder(pod(CONSUMER, "done", "10.1.0.5"))
                .editStatus()
                .withPhase("Succeeded")
                .endStatus()
                .build());
        add(new PodBuilder(pod(CONSUMER, "host", "10.1.0.6"))
                .editSpec()
                .withHostNetwork(true)
                .endSpec()
                .build());
        add(pod(CONSUMER, "running", "10.1.0.7"));
        startAndSync();

        assertThat(pods.admitted()).containsExactly(address("10.1.0.7"));
        assertThat(decide("10.1.0.5")).isSameAs(NOT_CONSUMER);
        assertThat(decide("10.1.0.6")).isSameAs(NOT_CONSUMER);
    }

    @Test
    void aPodThatGetsItsAddressLaterIsAdmittedAndOneThatLeavesIsNot() throws Exception {
        startAndSync();
        Pod pending = new PodBuilder(pod(CONSUMER, "late", "10.1.0.8"))
                .withStatus(null)
                .build();
        add(pending);
        assertThat(pods.known(address("10.1.0.8"))).isNull();

        client.pods()
                .inNamespace(CONSUMER)
                .resource(pod(CONSUMER, "late", "10.1.0.8"))
                .update();
        await().atMost(GENEROUSLY).until(() -> pods.known(address("10.1.0.8")) == Decision.ALLOW);

        client.pods().inNamespace(CONSUMER).withName("late").delete();
        await().atMost(GENEROUSLY).until(() -> pods.known(address("10.1.0.8")) == null);
        assertThat(decide("10.1.0.8")).isSameAs(NOT_CONSUMER);
    }

    @Test
    void anAddressHeldByTwoPodsStaysAdmittedUntilBothAreGone() throws Exception {
        add(pod(CONSUMER, "finishing", "10.1.0.10"));
        add(pod(CONSUMER, "successor", "10.1.0.10"));
        startAndSync();

        client.pods().inNamespace(CONSUMER).withName("finishing").delete();
        await().atMost(GENEROUSLY)
                .until(() ->
                        client.pods().inNamespace(CONSUMER).list().getItems().size() == 1);
        await().during(Duration.ofMillis(300))
                .atMost(GENEROUSLY)
                .until(() -> pods.known(address("10.1.0.10")) == Decision.ALLOW);
    }

    @Test
    void anUnreachableApiServerFailsClosedForUnknownsAndKeepsTheKnown() throws Exception {
        add(pod(CONSUMER, "known", "10.1.0.11"));
        startAndSync();

        server.destroy();

        assertThat(pods.known(address("10.1.0.11"))).isSameAs(Decision.ALLOW);
        assertThat(decide("10.1.0.12")).isSameAs(Decision.refuse(RefusalReason.SOURCE_UNVERIFIED));
    }

    @Test
    void allowAllAdmitsEveryone() throws Exception {
        assertThat(SourcePolicy.ALLOW_ALL.known(address("203.0.113.1"))).isSameAs(Decision.ALLOW);
    }

    private Decision decide(String literal) throws Exception {
        return pods.decide(address(literal)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void add(Pod pod) {
        client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .resource(pod)
                .create();
    }

    private void startAndSync() {
        pods.start();
        await().atMost(GENEROUSLY).until(pods::hasSynced);
    }
}
