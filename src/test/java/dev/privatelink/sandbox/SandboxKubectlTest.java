package dev.privatelink.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.EndpointService;
import dev.privatelink.install.Tools;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl against the sandbox's API server (found as the install tests find it: KUBECTL,
 * .tools/kubectl/kubectl, the PATH): {@code get} shows the CRDs' printer columns, and merge
 * patches ({@code patch --type=merge}, {@code edit}, {@code apply}) replace lists.
 */
class SandboxKubectlTest {

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
                .withNet(ThreadLocalRandom.current().nextInt(200, 250))
                .withServicePort(servicePort)
                .withForwarderReplicas(1)
                .withKubeconfig(dir.resolve("kubeconfig")));
        sandbox.awaitEndpoint(Duration.ofSeconds(30));
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
                "{\"spec\":{\"connections\":[{\"endpointId\":\"vpce-a\",\"decision\":\"Suspend\"},"
                        + "{\"endpointId\":\"vpce-b\",\"decision\":\"Reject\"}]}}");
        assertThat(connections()).containsExactly("vpce-a=Suspend", "vpce-b=Reject");

        kubectl(
                "patch",
                "epsvc",
                "payments",
                "-n",
                "payments",
                "--type=merge",
                "-p",
                "{\"spec\":{\"connections\":[{\"endpointId\":\"vpce-c\",\"decision\":\"Suspend\"}]}}");
        assertThat(connections()).containsExactly("vpce-c=Suspend");

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
        assertThat(connections()).containsExactly("vpce-c=Accept");

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
