package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.Principal;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.pki.LocalTrust;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The operator role as Quarkus wires it (CDI, configuration, metrics, health), against the
 * Fabric8 mock API server: the one test that boots Quarkus, since the others need not.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OperatorRoleTest {

    @Inject
    Operator operator;

    @Inject
    KubernetesClient client;

    @Inject
    LocalTrust trust;

    @Inject
    CertificateRotation certificates;

    @Inject
    OperatorSettings settings;

    @TestHTTPResource("/")
    URL base;

    @Test
    void operatorReconcilesAndReportsHealthAndMetrics() throws Exception {
        ControlPlane.installCrds(client);
        operator.start();
        World world = new World(client);
        world.namespace("kube-privatelink-system");
        var kubelet = new KubeletStandIn(client, "kube-privatelink-system");
        world.namespace("payments");
        world.namespace("shop");
        world.loadBalancer("payments", "api", "10.96.0.10", 8080);
        world.endpointService("payments", "api", "api");
        world.permission("payments", "all", "api", true, Principal.namespace("*"));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var es = client.resources(EndpointService.class)
                    .inNamespace("payments")
                    .withName("api")
                    .get();
            return es.getStatus() != null && es.getStatus().getServiceName() != null;
        });
        String serviceName = client.resources(EndpointService.class)
                .inNamespace("payments")
                .withName("api")
                .get()
                .getStatus()
                .getServiceName();
        world.endpoint("shop", "api", serviceName);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var ep = client.resources(InterfaceEndpoint.class)
                    .inNamespace("shop")
                    .withName("api")
                    .get();
            return ep.getStatus() != null && ep.getStatus().getState() == ConnectionState.Available;
        });

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(get("/q/health/ready")).contains("\"status\": \"UP\""));
        assertThat(get("/q/metrics")).contains("reconciliations_started_total");
        kubelet.close();
    }

    /** The operator's LocalTrust is the Secret-backed one, and rotation reports its runway in /q/metrics. */
    @Test
    void theTrustDomainIsHeldInSecretsAndItsRunwayIsAMetric() throws Exception {
        ControlPlane.installCrds(client);
        World world = new World(client);
        world.namespace("kube-system");
        world.namespace(settings.namespace());

        certificates.start(client, settings);

        assertThat(trust).isInstanceOf(ClusterTrust.class);
        assertThat(trust.trustDomain())
                .isEqualTo("cluster-"
                        + client.namespaces()
                                .withName("kube-system")
                                .get()
                                .getMetadata()
                                .getUid());
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(get("/q/metrics"))
                        .contains("privatelink_certificate_runway_seconds{component=\"gateway\""));
        assertThat(trust.roots()).hasSize(1);
    }

    String get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(base.toURI().resolve(path)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
