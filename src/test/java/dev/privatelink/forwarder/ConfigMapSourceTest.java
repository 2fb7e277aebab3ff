package dev.privatelink.forwarder;

import static dev.privatelink.forwarder.Loopback.config;
import static dev.privatelink.forwarder.Loopback.connect;
import static dev.privatelink.forwarder.Loopback.freePort;
import static dev.privatelink.forwarder.Loopback.roundTrip;
import static dev.privatelink.forwarder.Loopback.route;
import static dev.privatelink.forwarder.Loopback.suspended;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The in-cluster mode against Fabric8's mock API server: the ConfigMap drives the listeners. */
@EnableKubernetesMockClient(crud = true)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConfigMapSourceTest {

    private static final String NAMESPACE = "privatelink-system";
    private static final String NAME = "forwarder-consumer-a";
    /** "Well under a second", with room for a busy machine. */
    private static final Duration PROMPTLY = Duration.ofSeconds(1);

    KubernetesClient client;
    KubernetesMockServer server;

    private final Forwarder forwarder = new Forwarder(
            ForwarderSettings.defaults()
                    .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                    .withBindAddress(Loopback.HOST),
            new SimpleMeterRegistry());
    private TestServer echo;
    private ConfigMapSource<ForwarderConfig> source;

    @BeforeEach
    void start() throws Exception {
        echo = TestServer.echo();
        source = ConfigMapSource.forwarder(client, NAMESPACE, NAME, forwarder::apply);
    }

    @AfterEach
    void stop() throws Exception {
        source.close();
        forwarder.close();
        echo.close();
    }

    @Test
    void theConfigInTheConfigMapIsServed() throws Exception {
        Route route = route("vpce-a", freePort(), echo.port());
        write(config(route).toJson());

        source.start();

        await().atMost(Duration.ofSeconds(10)).until(forwarder::isServing);
        try (Socket client = connect(route.listenPort())) {
            assertThat(roundTrip(client, "hello")).isEqualTo("hello");
        }
    }

    /**
     * SEC-13: a forwarder's Role names its one ConfigMap (resourceNames). RBAC grants a list or a
     * watch under resourceNames only when the request selects that name by field selector.
     */
    @Test
    void itListsAndWatchesItsConfigMapByNameOnly() throws Exception {
        Route route = route("vpce-a", freePort(), echo.port());
        serving(config(route));

        List<String> reads = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
            if (request.getMethod().equals("GET") && request.getPath().contains("/configmaps")) {
                reads.add(URLDecoder.decode(request.getPath(), StandardCharsets.UTF_8));
            }
        }
        assertThat(reads)
                .isNotEmpty()
                .allSatisfy(path -> assertThat(path)
                        .satisfiesAnyOf(
                                p -> assertThat(p).endsWith("/configmaps/" + NAME),
                                p -> assertThat(p).contains("fieldSelector=metadata.name=" + NAME)));
    }

    @Test
    void aChangeToTheConfigMapAppliesPromptly() throws Exception {
        Route route = route("vpce-a", freePort(), echo.port());
        serving(config(route));

        write(config(suspended(route)).toJson());

        await().atMost(PROMPTLY)
                .until(() -> forwarder.listenerAddress(route.listenPort()).isEmpty());
    }

    @Test
    void aConfigMapThatAppearsLaterIsPickedUp() throws Exception {
        Route route = route("vpce-a", freePort(), echo.port());
        source.start();
        assertThat(forwarder.isServing()).isFalse();

        write(config(route).toJson());

        await().atMost(PROMPTLY).until(forwarder::isServing);
    }

    @Test
    void badJsonKeepsTheLastGoodConfig() throws Exception {
        Route route = route("vpce-a", freePort(), echo.port());
        Route other = route("vpce-b", freePort(), echo.port());
        serving(config(route));
        try (Socket live = connect(route.listenPort())) {

            write("{\"routes\": [ not json");
            write(config(route, other)
                    .toJson()
                    .replace("\"listenPort\":" + other.listenPort(), "\"listenPort\":" + route.listenPort()));
            // a good config after the bad ones proves they were seen and passed over
            write(config(route, other).toJson());

            await().atMost(PROMPTLY)
                    .until(() -> forwarder.listenerAddress(other.listenPort()).isPresent());
            assertThat(roundTrip(live, "still here")).isEqualTo("still here");
        }
    }

    @Test
    void deletingTheConfigMapKeepsServing() throws Exception {
        Route route = route("vpce-a", freePort(), echo.port());
        serving(config(route));

        client.configMaps().inNamespace(NAMESPACE).withName(NAME).delete();

        await().during(Duration.ofMillis(300)).atMost(PROMPTLY).until(forwarder::isServing);
        try (Socket client = connect(route.listenPort())) {
            assertThat(roundTrip(client, "hello")).isEqualTo("hello");
        }
    }

    @Test
    void aListenerThatCouldNotBindIsRetriedAtTheNextResync() throws Exception {
        source.close();
        source = new ConfigMapSource<>(
                client, NAMESPACE, NAME, ForwarderConfig::from, forwarder::apply, Duration.ofMillis(200));
        Route route = route("vpce-a", freePort(), echo.port());
        try (var squatter = new ServerSocket(route.listenPort(), 1, InetAddress.getLoopbackAddress())) {
            write(config(route).toJson());
            source.start();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> forwarder.state() == ForwarderState.SERVING_INCOMPLETELY);
        }

        await().atMost(Duration.ofSeconds(5)).until(forwarder::isServing);
    }

    @Test
    void anUnreachableApiServerChangesNothing() throws Exception {
        Route route = route("vpce-a", freePort(), echo.port());
        serving(config(route));
        try (Socket live = connect(route.listenPort())) {

            server.destroy();

            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(forwarder::isServing);
            assertThat(roundTrip(live, "still here")).isEqualTo("still here");
            try (Socket fresh = connect(route.listenPort())) {
                assertThat(roundTrip(fresh, "new too")).isEqualTo("new too");
            }
        }
    }

    /** Given: the ConfigMap holds {@code config} and the forwarder serves it. */
    private void serving(ForwarderConfig config) {
        write(config.toJson());
        source.start();
        await().atMost(Duration.ofSeconds(10)).until(forwarder::isServing);
    }

    private void write(String json) {
        ConfigMap configMap = new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace(NAMESPACE)
                .withName(NAME)
                .endMetadata()
                .addToData(ForwarderConfig.DATA_KEY, json)
                .build();
        client.configMaps().inNamespace(NAMESPACE).resource(configMap).createOr(c -> c.update());
    }
}
