package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerSpec;
import dev.privatelink.api.ClusterPeerStatus;
import dev.privatelink.api.Condition;
import dev.privatelink.api.ConditionTypes;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.CertificateReport;
import dev.privatelink.desired.Certificates;
import dev.privatelink.desired.Labels;
import dev.privatelink.pki.CertificateAuthority;
import dev.privatelink.pki.ChainVerifier;
import dev.privatelink.pki.MutableClock;
import dev.privatelink.pki.Pem;
import dev.privatelink.pki.SpiffeId;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Certificate rotation against the Fabric8 mock API server in CRUD mode, with passes run by hand
 * and the clock moved by hand: the CA created once and kept across restarts and replicas, the
 * gateway's and forwarders' Secrets issued and rotated, and a blocked rotation reported.
 */
@EnableKubernetesMockClient(crud = true)
class CertificateRotationTest {

    static final String NS = TestSettings.OPERATOR_NAMESPACE;
    static final String TD = "east.example";
    static final String FORWARDER = "kube-privatelink-forwarder-shop-0a1b2c3d";

    KubernetesClient client;
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final OperatorSettings settings = TestSettings.with(Map.of("privatelink.trust-domain", TD));

    @BeforeEach
    void crds() {
        ControlPlane.installCrds(client);
        new World(client).namespace(NS);
    }

    /** An operator replica: its own trust holder and rotation, on the shared API server and clock. */
    CertificateRotation replica(OperatorSettings settings) {
        CertificateRotation rotation =
                new CertificateRotation(new ClusterTrust(client, settings, clock), meters, clock);
        rotation.bind(client, settings);
        return rotation;
    }

    CertificateRotation replica() {
        return replica(settings);
    }

    Secret secret(String name) {
        return client.secrets().inNamespace(NS).withName(name).get();
    }

    Map<String, String> data(String name) {
        return Certificates.decoded(secret(name));
    }

    List<X509Certificate> chain(String name) {
        return Pem.parseCertificates(data(name).get(Certificates.CHAIN));
    }

    X509Certificate root() {
        return Pem.parseCertificates(data(Certificates.CA_SECRET).get("root.crt"))
                .get(0);
    }

    SpiffeId verified(String name) throws Exception {
        return ChainVerifier.verify(chain(name), td -> td.equals(TD) ? List.of(root()) : List.of(), clock);
    }

    Deployment forwarder() {
        Map<String, String> labels = new LinkedHashMap<>(Labels.managed(Labels.COMPONENT_FORWARDER));
        labels.put(Labels.CONSUMER_NAMESPACE, "shop");
        return client.apps()
                .deployments()
                .inNamespace(NS)
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName(FORWARDER)
                        .withNamespace(NS)
                        .withLabels(labels)
                        .endMetadata()
                        .withNewSpec()
                        .withNewSelector()
                        .withMatchLabels(labels)
                        .endSelector()
                        .withNewTemplate()
                        .withNewMetadata()
                        .withLabels(labels)
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("forwarder")
                        .withImage("example.test/kube-privatelink:test")
                        .endContainer()
                        .endSpec()
                        .endTemplate()
                        .endSpec()
                        .build())
                .create();
    }

    /** A peer enrolled as PEER's reconciler would record it: trust domain, roots and an Enrolled condition. */
    ClusterPeer peer(String name, String trustDomain) {
        ClusterPeer peer = new ClusterPeer();
        peer.getMetadata().setName(name);
        ClusterPeerSpec spec = new ClusterPeerSpec();
        spec.setInvite(new ClusterPeerSpec.Invite());
        peer.setSpec(spec);
        ClusterPeer created = client.resource(peer).create();
        ClusterPeerStatus status = new ClusterPeerStatus();
        status.setTrustDomain(trustDomain);
        status.setTrustBundle(
                Pem.certificates(List.of(CertificateAuthority.newRoot(trustDomain, clock, Duration.ofDays(3650))
                        .root())));
        status.setConditions(new ArrayList<>(
                List.of(new Condition("Enrolled", Condition.TRUE, "Joined", "joined", 1L, "2025-12-31T00:00:00Z"))));
        created.setStatus(status);
        return client.resource(created).updateStatus();
    }

    ClusterPeer peer(String name) {
        return client.resources(ClusterPeer.class).withName(name).get();
    }

    // --- the CA ---

    @Test
    void theCaIsCreatedOnceAndKeptAcrossAnOperatorRestart() {
        replica().pass();
        Secret ca = secret(Certificates.CA_SECRET);
        Secret gateway = secret(Certificates.GATEWAY_SECRET);

        CertificateRotation restarted = replica();
        restarted.pass();

        assertThat(secret(Certificates.CA_SECRET).getData()).isEqualTo(ca.getData());
        assertThat(secret(Certificates.CA_SECRET).getMetadata().getLabels())
                .containsEntry(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
        assertThat(secret(Certificates.CA_SECRET).getMetadata().getOwnerReferences())
                .as("the trust domain outlives the operator's objects")
                .isNullOrEmpty();
        assertThat(secret(Certificates.GATEWAY_SECRET).getData())
                .as("a gateway certificate with two thirds of its life left is kept")
                .isEqualTo(gateway.getData());
        assertThat(data(Certificates.CA_SECRET)).containsEntry("trust-domain", TD);
    }

    @Test
    void twoReplicasStartingTogetherEndUpWithOneCa() throws Exception {
        ClusterTrust first = new ClusterTrust(client, settings, clock);
        ClusterTrust second = new ClusterTrust(client, settings, clock);
        CountDownLatch go = new CountDownLatch(1);

        CompletableFuture<X509Certificate> a = CompletableFuture.supplyAsync(() -> {
            await(go);
            return first.roots().get(0);
        });
        CompletableFuture<X509Certificate> b = CompletableFuture.supplyAsync(() -> {
            await(go);
            return second.roots().get(0);
        });
        go.countDown();

        assertThat(a.get()).isEqualTo(b.get()).isEqualTo(root());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theIntermediateRotatesAndTheRootStays() throws Exception {
        CertificateRotation rotation = replica();
        rotation.pass();
        X509Certificate root = root();
        String intermediate = data(Certificates.CA_SECRET).get("intermediate.crt");

        for (int day = 0; day < 20; day++) {
            clock.advance(Duration.ofDays(1));
            rotation.pass();
        }

        assertThat(root()).isEqualTo(root);
        assertThat(data(Certificates.CA_SECRET).get("intermediate.crt")).isNotEqualTo(intermediate);
        assertThat(chain(Certificates.GATEWAY_SECRET).get(1))
                .as("leaves issued since are signed by the new intermediate")
                .isEqualTo(Pem.parseCertificates(data(Certificates.CA_SECRET).get("intermediate.crt"))
                        .get(0));
        assertThat(verified(Certificates.GATEWAY_SECRET)).isEqualTo(SpiffeId.gateway(TD));
    }

    @Test
    void theLocalTrustIssuesUnderTheSecretsRoot() throws Exception {
        ClusterTrust trust = new ClusterTrust(client, settings, clock);

        var credential = trust.credentialFor(SpiffeId.operator(TD));

        assertThat(trust.trustDomain()).isEqualTo(TD);
        assertThat(trust.roots()).containsExactly(root());
        assertThat(ChainVerifier.verify(credential.chain(), td -> List.of(root()), clock))
                .isEqualTo(SpiffeId.operator(TD));
        assertThat(trust.credentialFor(SpiffeId.operator(TD))).isSameAs(credential);
        clock.advance(Duration.ofDays(2).plusMinutes(1));
        assertThat(trust.credentialFor(SpiffeId.operator(TD))).isNotSameAs(credential);
    }

    @Test
    void withoutATrustDomainSettingItIsDerivedFromTheKubeSystemNamespace() {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("kube-system")
                        .withUid("5e0c7a1e-0000-4000-8000-00000000abcd")
                        .endMetadata()
                        .build())
                .create();
        String uid =
                client.namespaces().withName("kube-system").get().getMetadata().getUid();

        replica(TestSettings.with(Map.of("privatelink.trust-domain", ""))).pass();

        assertThat(data(Certificates.CA_SECRET)).containsEntry("trust-domain", "cluster-" + uid);
    }

    // --- the gateway's and forwarders' Secrets ---

    @Test
    void theGatewaysSecretIsAChainLeafFirstAndAPkcs8KeyOfTheGatewayIdentity() throws Exception {
        replica().pass();

        Secret gateway = secret(Certificates.GATEWAY_SECRET);
        assertThat(gateway.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(gateway.getData()).containsOnlyKeys("tls.crt", "tls.key");
        assertThat(data(Certificates.GATEWAY_SECRET).get("tls.key")).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(verified(Certificates.GATEWAY_SECRET)).isEqualTo(SpiffeId.gateway(TD));
        assertThat(Duration.between(
                        clock.instant(),
                        chain(Certificates.GATEWAY_SECRET).get(0).getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(3));
    }

    @Test
    void leavesAreIssuedAgainWithAThirdOfTheirLifeLeft() {
        CertificateRotation rotation = replica();
        rotation.pass();
        Map<String, String> first = secret(Certificates.GATEWAY_SECRET).getData();

        clock.advance(Duration.ofDays(1));
        rotation.pass();
        assertThat(secret(Certificates.GATEWAY_SECRET).getData()).isEqualTo(first);

        clock.advance(Duration.ofDays(1).plusMinutes(1));
        rotation.pass();
        assertThat(secret(Certificates.GATEWAY_SECRET).getData()).isNotEqualTo(first);
        assertThat(rotation.expiry(CertificateRotation.GATEWAY, ""))
                .hasValue(clock.instant().plus(Duration.ofDays(3)));
    }

    @Test
    void withoutPeersForwardersGetNoCredential() {
        forwarder();

        replica().pass();

        assertThat(secret(Certificates.clientSecretName(FORWARDER))).isNull();
    }

    @Test
    void withAPeerEachForwarderGetsItsConsumerIdentityAndThePeersRoots() throws Exception {
        Deployment forwarder = forwarder();
        ClusterPeer west = peer("west", "west.example");
        CertificateRotation rotation = replica();

        rotation.pass();

        String name = Certificates.clientSecretName(FORWARDER);
        Secret secret = secret(name);
        assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "peer-west.example.pem");
        assertThat(data(name).get("peer-west.example.pem"))
                .isEqualTo(west.getStatus().getTrustBundle());
        assertThat(verified(name)).isEqualTo(SpiffeId.consumer(TD, "shop"));
        assertThat(secret.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("Deployment");
            assertThat(owner.getUid()).isEqualTo(forwarder.getMetadata().getUid());
        });
        assertThat(secret.getMetadata().getLabels()).containsEntry(Labels.CONSUMER_NAMESPACE, "shop");

        peer("north", "north.example");
        Map<String, String> leaf = Map.of(
                "tls.crt", secret.getData().get("tls.crt"),
                "tls.key", secret.getData().get("tls.key"));
        rotation.pass();
        assertThat(secret(name).getData())
                .as("a new peer's roots join the Secret; the leaf stays")
                .containsKeys("peer-north.example.pem")
                .containsAllEntriesOf(leaf);
    }

    // --- reporting ---

    @Test
    void eachPeerShowsTheRunwayAndCertificatesReadyAndKeepsItsOtherConditions() {
        peer("west", "west.example");
        forwarder();
        CertificateRotation rotation = replica();

        rotation.pass();

        ClusterPeerStatus status = peer("west").getStatus();
        assertThat(status.getRunway()).isEqualTo("3d0h");
        assertThat(status.getCertificatesExpire())
                .isEqualTo(clock.instant().plus(Duration.ofDays(3)).toString());
        assertThat(status.getTrustDomain()).isEqualTo("west.example");
        assertThat(status.getTrustBundle()).isNotNull();
        assertThat(status.condition("Enrolled")).isPresent();
        assertThat(status.condition(ConditionTypes.CERTIFICATES_READY))
                .hasValueSatisfying(c -> assertThat(c.isTrue()).isTrue());
        assertThat(meters.get("privatelink.certificate.runway")
                        .tag("component", "forwarder")
                        .tag("consumer_namespace", "shop")
                        .gauge()
                        .value())
                .isEqualTo(Duration.ofDays(3).toSeconds());
        clock.advance(Duration.ofHours(5));
        assertThat(meters.get("privatelink.certificate.runway")
                        .tag("component", "gateway")
                        .gauge()
                        .value())
                .as("the runway runs down between passes")
                .isEqualTo(Duration.ofDays(3).minusHours(5).toSeconds());
    }

    @Test
    void anUnreadableCaBlocksRotationOnEveryPeerWithAReasonAndAWarningEvent() {
        peer("west", "west.example");
        peer("north", "north.example");
        CertificateRotation rotation = replica();
        rotation.pass();
        Secret ca = secret(Certificates.CA_SECRET);
        ca.getData().put("root.key", Base64.getEncoder().encodeToString("not a key".getBytes()));
        client.resource(ca).update();
        Map<String, String> gateway = secret(Certificates.GATEWAY_SECRET).getData();

        clock.advance(Duration.ofDays(2).plusMinutes(1));
        CertificateReport report = replica().pass();

        assertThat(report.blockedReason()).hasValue(Certificates.REASON_CA_UNREADABLE);
        assertThat(secret(Certificates.GATEWAY_SECRET).getData())
                .as("nothing is issued under a CA that cannot be read")
                .isEqualTo(gateway);
        for (String name : List.of("west", "north")) {
            ClusterPeerStatus status = peer(name).getStatus();
            assertThat(status.condition(ConditionTypes.CERTIFICATES_READY)).hasValueSatisfying(c -> {
                assertThat(c.getStatus()).isEqualTo(Condition.FALSE);
                assertThat(c.getReason()).isEqualTo("CertificateAuthorityUnreadable");
                assertThat(c.getMessage()).contains("privatelink-ca", "backup");
            });
            assertThat(status.condition("Enrolled")).as("other conditions stay").isPresent();
            assertThat(status.getRunway())
                    .as("the runway of what was issued, running down")
                    .isEqualTo("23h59m");
        }
        List<Event> events = client.v1().events().inAnyNamespace().list().getItems();
        assertThat(events)
                .filteredOn(e -> "CertificateAuthorityUnreadable".equals(e.getReason()))
                .extracting(e -> e.getInvolvedObject().getName())
                .contains("west", "north");
    }

    @Test
    void aSecretOfTheSameNameNotCreatedByTheOperatorIsLeftAloneAndBlocks() {
        peer("west", "west.example");
        client.secrets()
                .inNamespace(NS)
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName(Certificates.GATEWAY_SECRET)
                        .withNamespace(NS)
                        .endMetadata()
                        .withStringData(Map.of("tls.crt", "mine"))
                        .build())
                .create();

        CertificateReport report = replica().pass();

        assertThat(report.blockedReason()).hasValue(ConditionTypes.Reasons.OBJECT_CONFLICT);
        assertThat(peer("west").getStatus().condition(ConditionTypes.CERTIFICATES_READY))
                .hasValueSatisfying(c -> assertThat(c.getMessage()).contains("delete it"));
    }
}
