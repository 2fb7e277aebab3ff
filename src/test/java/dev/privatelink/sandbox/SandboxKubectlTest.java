package dev.privatelink.sandbox;

import static dev.privatelink.Awaits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.install.Tools;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl against the sandbox's API server (found as the install tests find it: KUBECTL,
 * .tools/kubectl/kubectl, the PATH): {@code get} shows the CRDs' printer columns, merge patches
 * ({@code patch --type=merge}, {@code edit}, {@code apply}) replace lists, {@code scale} stops and
 * starts the operator while the forwarders keep serving, and a deleted forwarder pod is replaced.
 */
class SandboxKubectlTest {

    @TempDir
    static Path dir;

    static Sandbox sandbox;
    static Path kubectl;
    static InterfaceEndpoint endpoint;

    @BeforeAll
    static void startSandbox() throws IOException {
        kubectl = Tools.kubectl();
        int servicePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            servicePort = socket.getLocalPort();
        }
        sandbox = Sandbox.start(SandboxOptions.defaults()
                .withApiPort(0)
                .withNet(ThreadLocalRandom.current().nextInt(200, 250))
                .withServicePort(servicePort)
                .withForwarderReplicas(1)
                .withKubeconfig(dir.resolve("kubeconfig")));
        endpoint = sandbox.awaitEndpoint(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    static String kubectl(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--kubeconfig";
        all[1] = dir.resolve("kubeconfig").toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return Tools.run(kubectl, all).outOrFail();
    }

    @Test
    void getShowsThePrinterColumns() {
        List<String> lines = kubectl("get", "vpce", "-n", "shop").lines().toList();
        assertThat(lines.get(0).split("\\s+")).containsExactly("NAME", "SERVICE", "STATE", "ADDRESS", "AGE");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1))
                .startsWith("payments ")
                .contains(" vpce-svc-")
                .contains(" Available ")
                .contains(" 127." + sandbox.options().net() + ".2.");

        String services = kubectl("get", "epsvc", "-n", "payments", "payments");
        assertThat(services.lines().findFirst().orElseThrow().split("\\s{2,}"))
                .containsExactly("NAME", "SERVICE NAME", "AVAILABLE", "PENDING", "READY", "AGE");
        assertThat(kubectl("get", "privatelink", "-A")).contains("ENDPOINT SERVICE", "AUTO ACCEPT");
    }

    @Test
    void mergePatchesReplaceLists() {
        kubectl(
                "patch",
                "epsvc",
                "payments",
                "-n",
                "payments",
                "--type=merge",
                "-p",
                "{\"spec\":{\"connections\":[{\"endpointId\":\"vpce-0000000000000000a\",\"decision\":\"Suspend\"},"
                        + "{\"endpointId\":\"vpce-0000000000000000b\",\"decision\":\"Reject\"}]}}");
        assertThat(connections()).containsExactly("vpce-0000000000000000a=Suspend", "vpce-0000000000000000b=Reject");

        kubectl(
                "patch",
                "epsvc",
                "payments",
                "-n",
                "payments",
                "--type=merge",
                "-p",
                "{\"spec\":{\"connections\":[{\"endpointId\":\"vpce-0000000000000000c\",\"decision\":\"Suspend\"}]}}");
        assertThat(connections()).containsExactly("vpce-0000000000000000c=Suspend");

        // kubectl edit sends a merge patch of what changed, the whole list
        Tools.Result edit = Tools.run(
                Path.of("/usr/bin/env"),
                "KUBE_EDITOR=sed -i s/Suspend/Accept/",
                kubectl.toString(),
                "--kubeconfig",
                dir.resolve("kubeconfig").toString(),
                "edit",
                "epsvc",
                "payments",
                "-n",
                "payments");
        edit.outOrFail();
        assertThat(connections()).containsExactly("vpce-0000000000000000c=Accept");

        kubectl(
                "patch",
                "epsvc",
                "payments",
                "-n",
                "payments",
                "--type=merge",
                "-p",
                "{\"spec\":{\"connections\":null}}");
        assertThat(connections()).isEmpty();
    }

    @Test
    void withTheOperatorScaledToZeroTrafficFlowsAndADecisionWaitsUntilItIsBack() {
        String id = endpoint.getStatus().getEndpointId();
        String ns = sandbox.options().operatorNamespace();
        eventually()
                .untilAsserted(() -> assertThat(answer())
                        .hasValueSatisfying(b -> assertThat(b).contains("endpoint=" + id)));

        kubectl("scale", "deployment", SandboxOptions.OPERATOR_DEPLOYMENT, "-n", ns, "--replicas=0");
        eventually().until(() -> operatorPods().isEmpty());
        assertThat(kubectl(
                        "get",
                        "deployment",
                        SandboxOptions.OPERATOR_DEPLOYMENT,
                        "-n",
                        ns,
                        "-o",
                        "jsonpath={.spec.replicas}"))
                .isEqualTo("0");
        assertThat(answer()).hasValueSatisfying(b -> assertThat(b).contains("endpoint=" + id));

        suspend(id);
        // nobody acts on it: the endpoint stays Available and answers, for as long as we watch
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> state().equals("Available") && answer().isPresent());

        kubectl("scale", "deployment", SandboxOptions.OPERATOR_DEPLOYMENT, "-n", ns, "--replicas=1");
        eventually().untilAsserted(() -> {
            assertThat(operatorPods()).hasSize(1);
            assertThat(state()).isEqualTo("Suspended");
            assertThat(answer()).isEmpty();
        });

        kubectl(
                "patch",
                "epsvc",
                "payments",
                "-n",
                "payments",
                "--type=json",
                "-p",
                "[{\"op\":\"remove\",\"path\":\"/spec/connections\"}]");
        eventually().untilAsserted(() -> assertThat(answer()).isPresent());
    }

    @Test
    void aDeletedForwarderPodIsReplacedOnANewAddressAndTheSlicesFollow() {
        String ns = sandbox.options().operatorNamespace();
        eventually().untilAsserted(() -> assertThat(answer()).isPresent());
        List<String> before = forwarderPods();
        assertThat(before).hasSize(1);
        String deleted = before.get(0).split(" ")[0];
        String oldIp = before.get(0).split(" ")[1];

        kubectl("delete", "pod", deleted, "-n", ns);

        eventually().untilAsserted(() -> {
            List<String> after = forwarderPods();
            assertThat(after).hasSize(1);
            assertThat(after.get(0)).doesNotStartWith(deleted + " ");
            String newIp = after.get(0).split(" ")[1];
            assertThat(newIp).isNotEqualTo(oldIp);
            assertThat(kubectl(
                            "get",
                            "endpointslices",
                            "-n",
                            "shop",
                            "-o",
                            "jsonpath={range .items[*]}{.endpoints[*].addresses[0]}{\"\\n\"}{end}"))
                    .isNotBlank()
                    .doesNotContain(oldIp)
                    .contains(newIp);
            assertThat(answer())
                    .hasValueSatisfying(b -> assertThat(b)
                            .contains("endpoint=" + endpoint.getStatus().getEndpointId()));
        });
        // kubectl get pods shows ready containers, status and restarts, as a real cluster does
        String newPod = forwarderPods().get(0).split(" ")[0];
        assertThat(kubectl("get", "pods", "-n", ns).lines())
                .anySatisfy(line -> assertThat(line.split("\\s+")).containsSubsequence(newPod, "1/1", "Running"));
    }

    private static Optional<String> answer() {
        return Http.get(
                sandbox.clientAddress(SandboxOptions.CONSUMER_NAMESPACE, Duration.ofSeconds(30)),
                endpoint.getStatus().getAddress(),
                sandbox.options().servicePort());
    }

    private static void suspend(String id) {
        kubectl(
                "patch",
                "epsvc",
                "payments",
                "-n",
                "payments",
                "--type=json",
                "-p",
                "[{\"op\":\"add\",\"path\":\"/spec/connections\",\"value\":[{\"endpointId\":\"" + id
                        + "\",\"decision\":\"Suspend\"}]}]");
    }

    private static String state() {
        return kubectl("get", "vpce", "payments", "-n", "shop", "-o", "jsonpath={.status.state}");
    }

    private static List<String> operatorPods() {
        return pods("app.kubernetes.io/component=operator");
    }

    /** "name ip" of each Ready forwarder pod. */
    private static List<String> forwarderPods() {
        return pods("app.kubernetes.io/component=forwarder");
    }

    private static List<String> pods(String selector) {
        return kubectl(
                        "get",
                        "pods",
                        "-n",
                        sandbox.options().operatorNamespace(),
                        "-l",
                        selector,
                        "-o",
                        "jsonpath={range .items[?(@.status.conditions[0].status==\"True\")]}{.metadata.name} {.status.podIP}{\"\\n\"}{end}")
                .lines()
                .filter(l -> !l.isBlank())
                .toList();
    }

    private static List<String> connections() {
        List<ConnectionDecision> decisions = sandbox.client()
                .resources(EndpointService.class)
                .inNamespace("payments")
                .withName("payments")
                .get()
                .getSpec()
                .getConnections();
        return decisions == null
                ? List.of()
                : decisions.stream()
                        .map(d -> d.getEndpointId() + "=" + d.getDecision())
                        .toList();
    }
}
