package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerSpec;
import dev.privatelink.api.Condition;
import dev.privatelink.api.ConditionTypes;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.CertificateReport;
import dev.privatelink.desired.Certificates;
import dev.privatelink.pki.MutableClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rotation the API server refuses to store (RBAC taken away, a quota, an admission policy) is
 * reported on every ClusterPeer and in a Warning Event, and passes once the refusal goes.
 */
class CertificateWriteRefusedTest {

    static final String AGENT = "kube-privatelink-operator-refused";

    FaultInjector faults;
    KubernetesMockServer server;
    KubernetesClient client;
    KubernetesClient operatorClient;
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final OperatorSettings settings = TestSettings.defaults();

    @BeforeEach
    void start() {
        faults = new FaultInjector(AGENT);
        server = faults.startServer();
        client = server.createClient();
        operatorClient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration())
                        .withUserAgent(AGENT)
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build();
        ControlPlane.installCrds(client);
        new World(client).namespace(TestSettings.OPERATOR_NAMESPACE);
        ClusterPeer peer = new ClusterPeer();
        peer.getMetadata().setName("west");
        ClusterPeerSpec spec = new ClusterPeerSpec();
        spec.setInvite(new ClusterPeerSpec.Invite());
        peer.setSpec(spec);
        client.resource(peer).create();
    }

    @AfterEach
    void stop() {
        operatorClient.close();
        client.close();
        server.destroy();
    }

    @Test
    void aRefusedSecretWriteBlocksRotationWithAnActionableReasonUntilItPasses() {
        CertificateRotation rotation = new CertificateRotation(
                new ClusterTrust(operatorClient, settings, clock), new SimpleMeterRegistry(), clock);
        rotation.bind(operatorClient, settings);
        // the first write, the CA Secret's creation, is refused; the status write after it passes
        faults.failWrites(
                1,
                1,
                new FaultInjector.Fault.Refused(
                        403, "Forbidden", "secrets is forbidden: cannot create resource \"secrets\"", Map.of()));

        CertificateReport blocked = rotation.pass();

        assertThat(blocked.blockedReason()).hasValue(ConditionTypes.Reasons.CERTIFICATE_WRITE_REFUSED);
        Condition condition = client.resources(ClusterPeer.class)
                .withName("west")
                .get()
                .getStatus()
                .condition(ConditionTypes.CERTIFICATES_READY)
                .orElseThrow();
        assertThat(condition.getStatus()).isEqualTo(Condition.FALSE);
        assertThat(condition.getReason()).isEqualTo("CertificateWriteRefused");
        assertThat(condition.getMessage()).contains(Certificates.CA_SECRET, "HTTP 403", "create and update");
        assertThat(client.v1().events().inAnyNamespace().list().getItems())
                .filteredOn(e -> "CertificateWriteRefused".equals(e.getReason()))
                .extracting(Event::getType)
                .containsOnly("Warning")
                .isNotEmpty();

        CertificateReport passed = rotation.pass();

        assertThat(passed.isBlocked()).isFalse();
        assertThat(client.resources(ClusterPeer.class)
                        .withName("west")
                        .get()
                        .getStatus()
                        .condition(ConditionTypes.CERTIFICATES_READY)
                        .orElseThrow()
                        .getStatus())
                .isEqualTo(Condition.TRUE);
    }
}
