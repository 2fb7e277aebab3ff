package dev.privatelink.sandbox;

import static dev.privatelink.Awaits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.install.Tools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's API server behaves as a real one for what a user does with the real kubectl
 * (issue 11): admission by the CRDs' schemas and CEL rules with kube-apiserver's refusals, the
 * status subresource and generation, field validation, server-side apply refused with what to
 * use instead, watches ({@code get -w}, {@code --watch-only}, {@code --output-watch-events},
 * {@code wait}), Events in {@code describe}, tables of built-in kinds, and {@code explain}.
 */
class SandboxApiServerTest {

    static final String SERVICE_NAME = "vpce-svc-0123456789abcdef0";

    @TempDir
    static Path dir;

    static Sandbox sandbox;
    static Path kubectl;

    @BeforeAll
    static void startSandbox() throws IOException {
        kubectl = Tools.kubectl();
        int servicePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            servicePort = socket.getLocalPort();
        }
        sandbox = Sandbox.start(SandboxOptions.defaults()
                .withApiPort(0)
                .withNet(ThreadLocalRandom.current().nextInt(150, 200))
                .withServicePort(servicePort)
                .withForwarderReplicas(1)
                .withKubeconfig(dir.resolve("kubeconfig")));
        sandbox.awaitEndpoint(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    static Tools.Result run(String... args) {
        List<String> all = new ArrayList<>(
                List.of("--kubeconfig", dir.resolve("kubeconfig").toString()));
        all.addAll(Arrays.asList(args));
        return Tools.run(kubectl, all.toArray(String[]::new));
    }

    static String kubectl(String... args) {
        return run(args).outOrFail();
    }

    /** kubectl's error output for a command that must fail. */
    static String refused(String... args) {
        Tools.Result result = run(args);
        assertThat(result.succeeded())
                .as("%s should fail: %s", result.command(), result.out())
                .isFalse();
        return result.err();
    }

    static Path manifest(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "manifest", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    // (1) admission

    @Test
    void anInvalidObjectIsRefusedWithTheFieldAndTheRuleItBreaks() throws IOException {
        Path endpoint = manifest("""
                apiVersion: privatelink.dev/v1alpha1
                kind: InterfaceEndpoint
                metadata: {name: bad, namespace: shop}
                spec: {serviceName: nope}
                """);
        assertThat(refused("create", "-f", endpoint.toString()))
                .contains("The InterfaceEndpoint \"bad\" is invalid: spec.serviceName: Invalid value: \"nope\":"
                        + " spec.serviceName in body should match '^vpce-svc-[0-9a-f]{17}$'");
        assertThat(refused("apply", "-f", endpoint.toString())).contains("spec.serviceName: Invalid value: \"nope\"");

        Path service = manifest("""
                apiVersion: privatelink.dev/v1alpha1
                kind: EndpointService
                metadata: {name: maybe, namespace: payments}
                spec:
                  loadBalancers: [{name: payments-api}]
                  connections: [{endpointId: vpce-0123456789abcdef0, decision: Maybe}]
                """);
        // with more than one cause, kubectl lists them
        assertThat(refused("apply", "-f", service.toString()))
                .contains("The EndpointService \"maybe\" is invalid: \n")
                .contains("* spec.connections[0].decision: Unsupported value: \"Maybe\": supported values:"
                        + " \"Accept\", \"Reject\", \"Suspend\", \"Terminate\"\n")
                .contains("* <nil>: Internal error: some validation rules were not checked because the object was"
                        + " invalid");
        assertThat(run("get", "vpce", "bad", "-n", "shop").succeeded()).isFalse();
        assertThat(run("get", "epsvc", "maybe", "-n", "payments").succeeded()).isFalse();

        // patches and edits are admitted as the object they make
        assertThat(refused(
                        "patch",
                        "epsvc",
                        "payments",
                        "-n",
                        "payments",
                        "--type=merge",
                        "-p",
                        "{\"spec\":{\"connections\":[{\"endpointId\":\"vpce-a\",\"decision\":\"Accept\"}]}}"))
                .contains("The EndpointService \"payments\" is invalid: spec.connections[0].endpointId: Invalid"
                        + " value: \"vpce-a\"");
        assertThat(refused(
                        "patch",
                        "epsvc",
                        "payments",
                        "-n",
                        "payments",
                        "--type=json",
                        "-p",
                        "[{\"op\":\"replace\",\"path\":\"/spec/loadBalancers\",\"value\":[]}]"))
                .contains("spec.loadBalancers: Invalid value: 0: spec.loadBalancers in body should have at least 1"
                        + " items");
        assertThat(kubectl(
                        "get", "epsvc", "payments", "-n", "payments", "-o", "jsonpath={.spec.loadBalancers[*].name}"))
                .isEqualTo("payments-api");
    }

    @Test
    void aTransitionRuleComparesWithTheStoredObject() {
        assertThat(refused(
                        "patch",
                        "vpce",
                        "payments",
                        "-n",
                        "shop",
                        "--type=merge",
                        "-p",
                        "{\"spec\":{\"serviceName\":\"" + SERVICE_NAME + "\"}}"))
                .contains("The InterfaceEndpoint \"payments\" is invalid: spec.serviceName: Invalid value:"
                        + " \"string\": serviceName is immutable");
    }

    @Test
    void defaultsOfTheSchemaAreApplied() throws IOException {
        kubectl("create", "-f", manifest("""
                        apiVersion: privatelink.dev/v1alpha1
                        kind: EndpointService
                        metadata: {name: defaults, namespace: payments}
                        spec: {loadBalancers: [{name: payments-api}]}
                        """).toString());
        assertThat(kubectl(
                        "get",
                        "epsvc",
                        "defaults",
                        "-n",
                        "payments",
                        "-o",
                        "jsonpath={.spec.acceptanceRequired} {.spec.loadBalancers[0].weight} {.spec.networkPolicy}"))
                .isEqualTo("true 1 Enabled");
        kubectl("delete", "epsvc", "defaults", "-n", "payments");

        // a server-side dry run admits and defaults, and stores nothing
        assertThat(kubectl(
                        "create",
                        "--dry-run=server",
                        "-o",
                        "jsonpath={.spec.acceptanceRequired}",
                        "-f",
                        manifest("""
                                apiVersion: privatelink.dev/v1alpha1
                                kind: EndpointService
                                metadata: {name: dry, namespace: payments}
                                spec: {loadBalancers: [{name: payments-api}]}
                                """).toString()))
                .isEqualTo("true");
        assertThat(run("get", "epsvc", "dry", "-n", "payments").succeeded()).isFalse();
    }

    @Test
    void statusGoesThroughTheStatusSubresourceAndGenerationFollowsTheSpec() {
        String before = kubectl(
                "get", "vpce", "payments", "-n", "shop", "-o", "jsonpath={.metadata.generation} {.status.state}");
        long generation = Long.parseLong(before.split(" ")[0]);
        assertThat(before).endsWith(" Available");

        // a write of the object: its status is ignored, and no spec change keeps the generation
        kubectl(
                "patch",
                "vpce",
                "payments",
                "-n",
                "shop",
                "--type=merge",
                "-p",
                "{\"metadata\":{\"labels\":{\"team\":\"shop\"}},\"status\":{\"state\":\"Failed\"}}");
        assertThat(kubectl(
                        "get",
                        "vpce",
                        "payments",
                        "-n",
                        "shop",
                        "-o",
                        "jsonpath={.metadata.generation} {.status.state}"))
                .isEqualTo(generation + " Available");

        // a write of the status subresource is admitted by the schema too
        assertThat(refused(
                        "patch",
                        "vpce",
                        "payments",
                        "-n",
                        "shop",
                        "--subresource=status",
                        "--type=merge",
                        "-p",
                        "{\"status\":{\"state\":\"Bogus\"}}"))
                .contains("status.state: Unsupported value: \"Bogus\"");

        // a spec change moves it
        kubectl(
                "patch",
                "epsvc",
                "payments",
                "-n",
                "payments",
                "--type=merge",
                "-p",
                "{\"spec\":{\"acceptanceRequired\":false}}");
        String service = kubectl("get", "epsvc", "payments", "-n", "payments", "-o", "jsonpath={.metadata.generation}");
        kubectl(
                "patch",
                "epsvc",
                "payments",
                "-n",
                "payments",
                "--type=merge",
                "-p",
                "{\"spec\":{\"acceptanceRequired\":true}}");
        assertThat(kubectl("get", "epsvc", "payments", "-n", "payments", "-o", "jsonpath={.metadata.generation}"))
                .isEqualTo(String.valueOf(Long.parseLong(service) + 1));
    }

    @Test
    void unknownFieldsAreRefusedWarnedOrDroppedAsKubectlAsks() throws IOException {
        Path bogus = manifest("""
                apiVersion: privatelink.dev/v1alpha1
                kind: InterfaceEndpoint
                metadata: {name: bogus, namespace: shop}
                spec: {serviceName: %s, bogus: 1}
                """.formatted(SERVICE_NAME));
        assertThat(refused("apply", "-f", bogus.toString()))
                .contains("strict decoding error: unknown field \"spec.bogus\"");
        Tools.Result warned = run("apply", "--validate=warn", "-f", bogus.toString());
        assertThat(warned.succeeded()).isTrue();
        assertThat(warned.err()).contains("Warning: unknown field \"spec.bogus\"");
        assertThat(kubectl("get", "vpce", "bogus", "-n", "shop", "-o", "jsonpath={.spec}"))
                .isEqualTo("{\"serviceName\":\"" + SERVICE_NAME + "\"}");
        kubectl("delete", "vpce", "bogus", "-n", "shop");
    }

    @Test
    void aStrategicMergePatchOfACustomResourceIsRefusedAsKubeApiserverRefusesIt() {
        assertThat(refused(
                        "patch", "vpce", "payments", "-n", "shop", "-p", "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}"))
                .contains("application/strategic-merge-patch+json is not supported");
    }

    // (6) server-side apply

    @Test
    void serverSideApplyIsRefusedWithWhatToUseInstead() throws IOException {
        Path endpoint = manifest("""
                apiVersion: privatelink.dev/v1alpha1
                kind: InterfaceEndpoint
                metadata: {name: ssa, namespace: shop}
                spec: {serviceName: %s}
                """.formatted(SERVICE_NAME));
        assertThat(refused("apply", "--server-side", "-f", endpoint.toString()))
                .contains("does not implement server-side apply")
                .contains("use kubectl apply without --server-side");
        assertThat(refused("apply", "--server-side", "-f", manifest("""
                                apiVersion: v1
                                kind: ConfigMap
                                metadata: {name: ssa, namespace: shop}
                                data: {a: b}
                                """).toString()))
                .contains("does not implement server-side apply");
        assertThat(run("get", "vpce", "ssa", "-n", "shop").succeeded()).isFalse();
        assertThat(run("get", "configmap", "ssa", "-n", "shop").succeeded()).isFalse();
    }

    // (2) watches

    @Test
    void getWatchPrintsTheTableThenEachChange() throws Exception {
        try (Watch watch = Watch.start("get", "vpce", "-A", "-w", "--output-watch-events")) {
            watch.awaitLine(line -> line.startsWith("ADDED") && line.contains(" payments "));
            assertThat(watch.lines().get(0).split("\\s+"))
                    .containsExactly("EVENT", "NAMESPACE", "NAME", "SERVICE", "STATE", "ADDRESS", "AGE");
            kubectl("annotate", "vpce", "payments", "-n", "shop", "--overwrite", "watched=yes");
            watch.awaitLine(line -> line.startsWith("MODIFIED") && line.contains(" payments "));
            // the object listed first is not sent again as ADDED
            assertThat(watch.lines().stream().filter(l -> l.startsWith("ADDED")))
                    .hasSize(1);
        }
        try (Watch watch = Watch.start("get", "pods", "-n", "shop", "--watch-only", "-v=6")) {
            // a pod created before the watch starts is one kubectl lists, and so does not print
            watch.awaitWatching();
            kubectl("run", "watched", "-n", "shop", "--image=none");
            watch.awaitLine(line -> line.startsWith("watched "));
            assertThat(watch.lines()).noneMatch(line -> line.startsWith("sandbox-client "));
            kubectl("delete", "pod", "watched", "-n", "shop");
        }
    }

    @Test
    void waitForConditionsAndJsonPathsOfOurKindsAndBuiltInOnes() throws IOException {
        kubectl("wait", "--for=condition=Ready", "vpce/payments", "-n", "shop", "--timeout=20s");
        kubectl("wait", "--for=jsonpath={.status.state}=Available", "vpce/payments", "-n", "shop", "--timeout=20s");
        kubectl(
                "wait",
                "--for=condition=Available",
                "deployment",
                "--all",
                "-n",
                sandbox.options().operatorNamespace(),
                "--timeout=20s");
        kubectl("wait", "--for=condition=Ready", "pod/sandbox-client", "-n", "shop", "--timeout=20s");

        // one that waits for the operator: an endpoint to a service that does not exist fails
        kubectl("create", "-f", manifest("""
                        apiVersion: privatelink.dev/v1alpha1
                        kind: InterfaceEndpoint
                        metadata: {name: nowhere, namespace: shop}
                        spec: {serviceName: %s}
                        """.formatted(SERVICE_NAME)).toString());
        kubectl("wait", "--for=jsonpath={.status.state}=Failed", "vpce/nowhere", "-n", "shop", "--timeout=20s");
        kubectl("delete", "vpce", "nowhere", "-n", "shop");
    }

    // (3) Events

    @Test
    void describeListsTheObjectsEventsNewestLast() {
        String described = kubectl("describe", "vpce", "payments", "-n", "shop");
        String events = described.substring(described.indexOf("\nEvents:"));
        assertThat(events).contains("Type", "Reason", "From", "Message", "kube-privatelink");
        assertThat(events.indexOf(" Pending ")).isPositive().isLessThan(events.indexOf(" Available "));
        assertThat(kubectl("describe", "epsvc", "payments", "-n", "payments")).contains("ConnectionPending");
    }

    // (4) tables of built-in kinds

    @Test
    void builtInKindsShowTheColumnsOfARealCluster() {
        String ns = sandbox.options().operatorNamespace();
        assertThat(header("get", "pods", "-n", ns)).containsExactly("NAME", "READY", "STATUS", "RESTARTS", "AGE");
        assertThat(kubectl("get", "pods", "-n", "shop").lines())
                .anySatisfy(l -> assertThat(l.split("\\s+")).startsWith("sandbox-client", "1/1", "Running", "0"));
        assertThat(header("get", "pods", "-n", ns, "-o", "wide"))
                .containsExactly(
                        "NAME",
                        "READY",
                        "STATUS",
                        "RESTARTS",
                        "AGE",
                        "IP",
                        "NODE",
                        "NOMINATED NODE",
                        "READINESS GATES");
        assertThat(header("get", "services", "-n", "shop"))
                .containsExactly("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE");
        assertThat(kubectl("get", "services", "-n", "shop", "payments"))
                .containsPattern("payments\\s+ClusterIP\\s+127\\.\\d+\\.2\\.\\d+\\s+<none>\\s+"
                        + sandbox.options().servicePort() + "/TCP");
        assertThat(header("get", "endpointslices", "-n", "shop"))
                .containsExactly("NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE");
        assertThat(header("get", "deployments", "-n", ns))
                .containsExactly("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE");
        assertThat(kubectl("get", "deployment", SandboxOptions.OPERATOR_DEPLOYMENT, "-n", ns))
                .containsPattern(SandboxOptions.OPERATOR_DEPLOYMENT + "\\s+1/1\\s+1\\s+1\\s+");
        assertThat(header("get", "configmaps", "-n", ns)).containsExactly("NAME", "DATA", "AGE");
        assertThat(header("get", "namespaces")).containsExactly("NAME", "STATUS", "AGE");
        assertThat(kubectl("get", "namespace", "shop")).containsPattern("shop\\s+Active");
        assertThat(header("get", "events", "-n", "shop"))
                .containsExactly("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE");
        assertThat(kubectl("get", "events", "-n", "shop")).contains("interfaceendpoint/payments");
    }

    private static List<String> header(String... args) {
        return List.of(kubectl(args).lines().findFirst().orElseThrow().trim().split("\\s{2,}"));
    }

    // (5) explain

    @Test
    void explainReadsTheCrdsSchemas() {
        assertThat(kubectl("explain", "vpce"))
                .contains("KIND:       InterfaceEndpoint", "VERSION:    v1alpha1", "spec\t<Object>");
        assertThat(kubectl("explain", "vpce.spec.serviceName")).contains("The endpoint service to connect to");
        assertThat(kubectl("explain", "epsvc.spec", "--recursive"))
                .contains("decision\t<string> -required-", "enum: Accept, Reject, Suspend, Terminate");
    }

    /** A kubectl that keeps running (a watch), its output lines collected as they come. */
    static final class Watch implements AutoCloseable {
        private final Process process;
        private final List<String> lines = new ArrayList<>();
        private final List<String> log = new ArrayList<>();

        private Watch(Process process) {
            this.process = process;
            read(process.getInputStream(), lines);
            read(process.getErrorStream(), log);
        }

        private static void read(InputStream stream, List<String> into) {
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        synchronized (into) {
                            into.add(line);
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** Until kubectl (run with -v=6) has its watch answered. */
        void awaitWatching() {
            eventually().until(() -> {
                synchronized (log) {
                    return log.stream().anyMatch(l -> l.contains("watch=true") && l.contains(" 200 OK"));
                }
            });
        }

        static Watch start(String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    kubectl.toString(),
                    "--kubeconfig",
                    dir.resolve("kubeconfig").toString()));
            command.addAll(Arrays.asList(args));
            return new Watch(new ProcessBuilder(command).start());
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        void awaitLine(Predicate<String> line) {
            eventually()
                    .untilAsserted(() -> assertThat(lines())
                            .as(
                                    "kubectl %s",
                                    process.info().arguments().map(List::of).orElse(List.of()))
                            .anyMatch(line));
        }

        @Override
        public void close() {
            process.destroy();
        }
    }
}
