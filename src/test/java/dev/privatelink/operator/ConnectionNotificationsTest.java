package dev.privatelink.operator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.NotificationStatus;
import dev.privatelink.api.NotificationTarget;
import dev.privatelink.api.Principal;
import dev.privatelink.api.SecretHeader;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: an owner's notification target hears of every connection change as a CloudEvent, at
 * least once: a receiver that fails several times gets each event once it accepts, also when the
 * operator restarts in between (the outbox is a ConfigMap, not memory), and the status shows
 * how delivery goes.
 */
class ConnectionNotificationsTest extends OperatorTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer receiver;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final List<JsonNode> accepted = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final List<String> tokens = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    refused.incrementAndGet();
                    exchange.sendResponseHeaders(503, -1);
                } else {
                    accepted.add(JSON.readTree(body));
                    contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
                    String token = exchange.getRequestHeaders().getFirst("X-Hook-Token");
                    tokens.add(token == null ? "none" : token);
                    exchange.sendResponseHeaders(202, -1);
                }
            } finally {
                exchange.close();
            }
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    String url() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks";
    }

    @Test
    void everyChangeReachesAReceiverThatFailsAtFirstAcrossAnOperatorRestart() {
        failuresLeft.set(3);
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.node("node-a", "zone-a");
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(
                OWNER,
                "api",
                spec -> {
                    spec.setNotification(new NotificationTarget(url()));
                    return spec;
                },
                "api");
        world.permission(OWNER, "shop-may-connect", "api", true, Principal.namespace(CONSUMER));
        String serviceName = serviceNameOf(OWNER, "api");
        world.forwarderPod(CONSUMER, "fwd-1", "10.244.0.5", "node-a", true);
        world.endpoint(CONSUMER, "api", serviceName);
        awaitState(CONSUMER, "api", ConnectionState.Available);
        String endpointId = endpoint(CONSUMER, "api").getStatus().getEndpointId();

        // the receiver refuses; the operator restarts while events wait in the outbox
        eventually().until(() -> refused.get() >= 1);
        eventually()
                .untilAsserted(() -> assertThat(notifications().getLastError()).contains("HTTP 503"));
        controlPlane.close();
        controlPlane = ControlPlane.start(client, settings());

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(types())
                        .containsExactly(
                                "dev.privatelink.connection.connected", "dev.privatelink.connection.accepted"));
        assertThat(refused.get()).isEqualTo(3);
        JsonNode connected = accepted.get(0);
        assertThat(connected.path("specversion").asText()).isEqualTo("1.0");
        assertThat(connected.path("source").asText())
                .isEqualTo("/apis/privatelink.dev/v1alpha1/namespaces/payments/endpointservices/api");
        assertThat(connected.path("subject").asText()).isEqualTo(endpointId);
        assertThat(connected.path("data").path("consumer").asText()).isEqualTo("shop/api");
        assertThat(accepted.get(1).path("data").path("state").asText()).isIn("Available", "Pending");
        assertThat(accepted.stream().map(e -> e.path("id").asText()).distinct()).hasSize(2);
        assertThat(contentTypes).allSatisfy(type -> assertThat(type).startsWith("application/cloudevents+json"));
        eventually().untilAsserted(() -> {
            NotificationStatus status = notifications();
            assertThat(status.getDelivered()).isEqualTo(2);
            assertThat(status.getPending()).isZero();
            assertThat(status.getLastError()).isNull();
            assertThat(status.getLastDeliveredTime()).isNotNull();
        });

        // the owner's decisions are notified too
        world.decide(OWNER, "api", new ConnectionDecision(endpointId, null, ConnectionDecision.Decision.Suspend));
        eventually().untilAsserted(() -> assertThat(types()).endsWith("dev.privatelink.connection.suspended"));
        world.decide(OWNER, "api");
        eventually().untilAsserted(() -> assertThat(types()).endsWith("dev.privatelink.connection.resumed"));
        client.resources(InterfaceEndpoint.class)
                .inNamespace(CONSUMER)
                .withName("api")
                .delete();
        eventually().untilAsserted(() -> assertThat(types()).endsWith("dev.privatelink.connection.deleted"));
    }

    /**
     * Issue 12: a secret header's value comes from the owner's Secret, read at delivery time;
     * while the Secret is missing, delivery fails with an error that says what to create, the
     * events wait in the outbox, and the value never shows in the status.
     */
    @Test
    void theSecretHeaderArrivesOnceItsSecretExistsAndAMissingSecretIsReported() {
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.node("node-a", "zone-a");
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(
                OWNER,
                "api",
                spec -> {
                    NotificationTarget target = new NotificationTarget(url());
                    target.setSecretHeader(new SecretHeader("hook-token", "token", "X-Hook-Token"));
                    spec.setNotification(target);
                    return spec;
                },
                "api");
        world.permission(OWNER, "shop-may-connect", "api", true, Principal.namespace(CONSUMER));
        world.forwarderPod(CONSUMER, "fwd-1", "10.244.0.5", "node-a", true);
        world.endpoint(CONSUMER, "api", serviceNameOf(OWNER, "api"));
        awaitState(CONSUMER, "api", ConnectionState.Available);

        eventually().untilAsserted(() -> {
            NotificationStatus status = notifications();
            assertThat(status.getLastError())
                    .contains("Secret payments/hook-token")
                    .contains("does not exist");
            assertThat(status.getPending()).isPositive();
        });
        assertThat(accepted).as("nothing is sent without the header").isEmpty();

        client.secrets()
                .inNamespace(OWNER)
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("hook-token")
                        .withNamespace(OWNER)
                        .endMetadata()
                        .addToData("token", Base64.getEncoder().encodeToString("s3cr3t-value\n".getBytes(UTF_8)))
                        .build())
                .create();

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(types())
                        .containsExactly(
                                "dev.privatelink.connection.connected", "dev.privatelink.connection.accepted"));
        assertThat(tokens).containsOnly("s3cr3t-value");
        eventually().untilAsserted(() -> {
            NotificationStatus status = notifications();
            assertThat(status.getPending()).isZero();
            assertThat(status.getLastError()).isNull();
        });
        assertThat(Serialization.asJson(endpointService(OWNER, "api").getStatus()))
                .doesNotContain("s3cr3t");
    }

    @Test
    void withoutATargetNoOutboxIsKept() {
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(OWNER, "api", "api");
        world.permission(OWNER, "shop-may-connect", "api", false, Principal.namespace(CONSUMER));
        world.endpoint(CONSUMER, "api", serviceNameOf(OWNER, "api"));
        awaitState(CONSUMER, "api", ConnectionState.PendingAcceptance);

        eventually()
                .untilAsserted(() -> assertThat(
                                endpointService(OWNER, "api").getStatus().getConnections())
                        .hasSize(1));
        assertThat(endpointService(OWNER, "api").getStatus().getNotifications()).isNull();
        assertThat(client.configMaps()
                        .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                        .withLabel("app.kubernetes.io/component", "notification-outbox")
                        .list()
                        .getItems())
                .isEmpty();
    }

    private List<String> types() {
        return accepted.stream().map(e -> e.path("type").asText()).toList();
    }

    private NotificationStatus notifications() {
        var status = endpointService(OWNER, "api").getStatus();
        return status == null || status.getNotifications() == null
                ? new NotificationStatus()
                : status.getNotifications();
    }
}
