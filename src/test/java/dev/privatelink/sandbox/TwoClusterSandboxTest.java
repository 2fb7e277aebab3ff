package dev.privatelink.sandbox;

import static dev.privatelink.Awaits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointSpec;
import dev.privatelink.install.Tools;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-cluster sandbox end to end: east and west peered by the invite flow, a client pod of
 * west reaching east's sample provider through west's endpoint and east's gateway, and east's
 * owner suspending and resuming it by its consumer key.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TwoClusterSandboxTest {

    @TempDir
    Path dir;

    @Test
    void aClientInWestReachesEastsProviderUntilEastsOwnerSuspendsTheEndpoint() throws IOException {
        SandboxOptions options = SandboxOptions.defaults()
                .withApiPort(0)
                // loopback ranges of their own (east's and the next), apart from the other sandbox tests'
                .withNet(ThreadLocalRandom.current().nextInt(200, 250))
                .withServicePort(freePort())
                .withKubeconfig(dir.resolve("kubeconfig"));
        try (TwoClusterSandbox sandbox = TwoClusterSandbox.start(options, new SimpleMeterRegistry())) {
            InterfaceEndpoint endpoint = sandbox.awaitEndpoint(Duration.ofSeconds(60));
            InterfaceEndpointSpec spec = endpoint.getSpec();
            assertThat(spec.getServiceCluster()).isEqualTo("east");
            String id = endpoint.getStatus().getEndpointId();
            String address = endpoint.getStatus().getAddress();
            int port = options.servicePort();
            assertThat(address).as("west's Service range").startsWith("127." + (options.net() + 1) + ".2.");
            String shop = sandbox.west().clientAddress(SandboxOptions.CONSUMER_NAMESPACE, Duration.ofSeconds(30));

            // west's client → west's forwarder → east's gateway (mTLS) → east's load balancer → provider,
            // which reads east's endpoint ID from the gateway's PROXY v2 header
            eventually()
                    .atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(Http.get(shop, address, port))
                            .hasValueSatisfying(body -> assertThat(body)
                                    .startsWith("hello from payments:")
                                    .contains("endpoint=" + id)));

            // one kubeconfig, a context for each cluster; the owner suspends with kubectl as the guide tells
            assertThat(kubectl(sandbox, "--context", "east", "get", "clusterpeers"))
                    .contains("west");
            assertThat(kubectl(sandbox, "--context", "west", "get", "cpeer", "east"))
                    .contains("east");
            kubectl(
                    sandbox,
                    "--context",
                    "east",
                    "-n",
                    "payments",
                    "patch",
                    "epsvc",
                    "payments",
                    "--type=json",
                    "-p",
                    "[{\"op\":\"add\",\"path\":\"/spec/connections\",\"value\":[{\"consumer\":\""
                            + TwoClusterSandbox.consumerKey() + "\",\"decision\":\"Suspend\"}]}]");
            eventually().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(state(sandbox)).isEqualTo(ConnectionState.Suspended);
                assertThat(Http.get(shop, address, port)).isEmpty();
            });

            sandbox.decide();
            eventually().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(state(sandbox)).isEqualTo(ConnectionState.Available);
                assertThat(Http.get(shop, address, port))
                        .hasValueSatisfying(body -> assertThat(body).contains("endpoint=" + id));
            });
        }
    }

    private static String kubectl(TwoClusterSandbox sandbox, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--kubeconfig";
        all[1] = sandbox.kubeconfig().toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return Tools.run(Tools.kubectl(), all).outOrFail();
    }

    private static ConnectionState state(TwoClusterSandbox sandbox) {
        InterfaceEndpoint ep = sandbox.west()
                .client()
                .resources(InterfaceEndpoint.class)
                .inNamespace(SandboxOptions.CONSUMER_NAMESPACE)
                .withName(SandboxOptions.ENDPOINT)
                .get();
        return ep.getStatus() == null ? null : ep.getStatus().getState();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
