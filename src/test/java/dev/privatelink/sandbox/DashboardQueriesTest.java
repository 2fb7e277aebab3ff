package dev.privatelink.sandbox;

import static dev.privatelink.Awaits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.privatelink.api.InterfaceEndpoint;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12: every panel query of the chart's Grafana dashboards, run by a real Prometheus (the
 * Debian package) scraping the sandbox's forwarder pods and its operator while a client sends traffic, returns
 * series with the labels the panel's legend names.
 */
class DashboardQueriesTest {

    static final Path DASHBOARDS = Path.of("helm/kube-privatelink/dashboards");
    static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    static final ObjectMapper JSON = new ObjectMapper();
    /** What Grafana fills in for the dashboards' variables: the sandbox's sample connection. */
    static final Map<String, String> VARIABLES = Map.of(
            "$service_namespace", SandboxOptions.PROVIDER_NAMESPACE,
            "$service", SandboxOptions.ENDPOINT_SERVICE,
            "$consumer_namespace", SandboxOptions.CONSUMER_NAMESPACE,
            "$__rate_interval", "1m",
            "$__range", "5m");

    static Path dir;
    static Sandbox sandbox;
    static Process prometheus;
    static int prometheusPort;

    record Panel(String dashboard, String title, String expr, String legend) {
        @Override
        public String toString() {
            return dashboard + ": " + title;
        }
    }

    static Stream<Panel> panels() throws IOException {
        List<Panel> panels = new ArrayList<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path file : files.sorted().toList()) {
                JsonNode dashboard = JSON.readTree(file.toFile());
                for (JsonNode panel : dashboard.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        panels.add(new Panel(
                                dashboard.path("title").asText(),
                                panel.path("title").asText(),
                                target.path("expr").asText(),
                                target.path("legendFormat").asText()));
                    }
                }
            }
        }
        return panels.stream();
    }

    @BeforeAll
    static void startSandboxAndPrometheus() throws Exception {
        String missing = "prometheus is not installed (apt-get install -y prometheus): dashboard queries not checked";
        if (!Files.isExecutable(PROMETHEUS) && "true".equals(System.getenv("CI"))) {
            fail(missing + "; CI=true, where a missing peer fails rather than skips");
        }
        assumeTrue(Files.isExecutable(PROMETHEUS), missing);
        dir = Files.createTempDirectory("dashboard-queries");
        sandbox = Sandbox.start(SandboxOptions.defaults()
                .withApiPort(0)
                .withNet(ThreadLocalRandom.current().nextInt(200, 250))
                .withServicePort(freePort())
                .withKubeconfig(dir.resolve("kubeconfig")));
        InterfaceEndpoint endpoint = sandbox.awaitEndpoint(Duration.ofSeconds(90));
        String shop = sandbox.clientAddress(SandboxOptions.CONSUMER_NAMESPACE, Duration.ofSeconds(30));
        String address = endpoint.getStatus().getAddress();
        int port = sandbox.options().servicePort();
        eventually()
                .untilAsserted(() -> assertThat(Http.get(shop, address, port)).isPresent());

        List<String> targets = sandbox.forwarderMetricsUrls().stream()
                .map(url -> "'" + URI.create(url).getAuthority() + "'")
                .toList();
        // the operator's own series (connections by state), as its ServiceMonitor scrapes them
        List<String> operators = sandbox.operatorMetricsUrls().stream()
                .map(url -> "'" + URI.create(url).getAuthority() + "'")
                .toList();
        assertThat(operators).as("the sandbox's operator serves its metrics").isNotEmpty();
        Files.writeString(
                dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                scrape_configs:
                  - job_name: forwarders
                    metrics_path: /q/metrics
                    static_configs: [{targets: [%s]}]
                  - job_name: operator
                    metrics_path: /q/metrics
                    static_configs: [{targets: [%s]}]
                """.formatted(String.join(", ", targets), String.join(", ", operators)));
        prometheusPort = freePort();
        prometheus = new ProcessBuilder(
                        PROMETHEUS.toString(),
                        "--config.file=" + dir.resolve("prometheus.yml"),
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        // traffic while Prometheus scrapes, so that rates have two samples that differ
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    assertThat(Http.get(shop, address, port)).isPresent();
                    assertThat(query("sum(privatelink_forwarder_connections_new_total)"))
                            .isNotEmpty();
                    assertThat(query("sum(rate(privatelink_forwarder_bytes_total[1m])) > 0"))
                            .isNotEmpty();
                    assertThat(query("privatelink_connections{state=\"Available\"} > 0"))
                            .isNotEmpty();
                });
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(5, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("panels")
    void everyPanelQueryReturnsSeriesWithTheLabelsItsLegendNames(Panel panel) {
        String expr = panel.expr();
        // the longest names first: $service must not eat the start of $service_namespace
        List<Map.Entry<String, String>> variables = VARIABLES.entrySet().stream()
                .sorted(Comparator.comparingInt(
                                (Map.Entry<String, String> v) -> v.getKey().length())
                        .reversed())
                .toList();
        for (Map.Entry<String, String> variable : variables) {
            expr = expr.replace(variable.getKey(), variable.getValue());
        }
        assertThat(expr).as("every variable filled in").doesNotContain("$");
        String query = expr;

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    List<JsonNode> series = query(query);
                    assertThat(series).as(query).isNotEmpty();
                    for (String label : legendLabels(panel.legend())) {
                        assertThat(series)
                                .as("label %s in %s", label, query)
                                .allSatisfy(s -> assertThat(
                                                s.path("metric").path(label).asText())
                                        .isNotEmpty());
                    }
                });
    }

    /** The labels a legend such as {{consumer_namespace}} {{reason}} shows. */
    static List<String> legendLabels(String legend) {
        List<String> labels = new ArrayList<>();
        var m = Pattern.compile("\\{\\{\\s*([a-z_]+)\\s*}}").matcher(legend);
        while (m.find()) {
            labels.add(m.group(1));
        }
        return labels;
    }

    static List<JsonNode> query(String promql) throws IOException {
        String url = "http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8);
        String body;
        try {
            body = Http.fetch(url);
        } catch (RuntimeException e) {
            return List.of(); // not up yet
        }
        JsonNode answer = JSON.readTree(body);
        assertThat(answer.path("status").asText()).as("%s: %s", promql, body).isEqualTo("success");
        List<JsonNode> series = new ArrayList<>();
        answer.path("data").path("result").forEach(series::add);
        return series;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
