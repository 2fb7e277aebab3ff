package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.privatelink.Awaits;
import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerSpec;
import dev.privatelink.api.ClusterPeerStatus;
import dev.privatelink.api.ConditionTypes;
import dev.privatelink.peering.InviteToken;
import dev.privatelink.peering.PeerConditions;
import dev.privatelink.peering.PeeringClient;
import dev.privatelink.peering.PeeringException;
import dev.privatelink.peering.PeeringMessages.Answer;
import dev.privatelink.peering.PeeringMessages.RequestedEndpoint;
import dev.privatelink.peering.PeeringMessages.Snapshot;
import dev.privatelink.peering.PeeringRefused;
import dev.privatelink.peering.PeeringWire;
import dev.privatelink.peering.PeeringWire.EnrolRequest;
import dev.privatelink.peering.PeeringWire.Request;
import dev.privatelink.peering.PeeringWire.Response;
import dev.privatelink.peering.Refusal;
import dev.privatelink.pki.CertificateAuthority;
import dev.privatelink.pki.Credential;
import dev.privatelink.pki.LocalTrust;
import dev.privatelink.pki.Pem;
import dev.privatelink.pki.SpiffeId;
import dev.privatelink.pki.SpiffeTrustManager;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Peering two clusters end to end: two mock API servers, two operators, east's gateway on
 * loopback passing peering through to east's operator, real TLS. The invite, the join, both
 * records, the refusals, the sync's authentication, suspension and the static mode.
 */
class PeeringTest {

    TwoClusters clusters;
    KubernetesClient east;
    KubernetesClient west;

    @BeforeEach
    void start() {
        clusters = new TwoClusters();
        east = clusters.east;
        west = clusters.west;
    }

    @AfterEach
    void stop() {
        clusters.close();
    }

    static ConditionFactory eventually() {
        return Awaits.eventually();
    }

    @Test
    void anInviteAndAJoinEnrolEachClusterWithTheOtherThroughTheGateway() throws Exception {
        String token = invite("west");

        join("east", token);

        eventually().until(() -> Peerings.enrolled(west, "east") && Peerings.enrolled(east, "west"));
        ClusterPeerStatus onWest = Peerings.get(west, "east").getStatus();
        assertThat(onWest.getTrustDomain()).isEqualTo("east");
        assertThat(onWest.getClusterUid()).isEqualTo(clusters.uid(east));
        assertThat(onWest.getTrustBundle()).isEqualTo(Pem.certificates(clusters.eastTrust.roots()));
        assertThat(onWest.getGatewayAddresses()).containsExactly(clusters.gatewayAddress);
        assertThat(onWest.getLastContact()).isNotNull();
        assertThat(Peerings.enrolledReason(west, "east")).isEqualTo("True/Enrolled");
        eventually()
                .until(() -> Peerings.get(west, "east")
                        .getStatus()
                        .condition(ConditionTypes.READY)
                        .map(c -> c.isTrue())
                        .orElse(false));

        ClusterPeerStatus onEast = Peerings.get(east, "west").getStatus();
        assertThat(onEast.getTrustDomain()).isEqualTo("west");
        assertThat(onEast.getClusterUid()).isEqualTo(clusters.uid(west));
        assertThat(onEast.getTrustBundle()).isEqualTo(Pem.certificates(clusters.westTrust.roots()));
        assertThat(onEast.getGatewayAddresses()).as("west has no gateway").isNull();
        assertThat(onEast.getTokenHash())
                .as("east keeps the code's hash only")
                .isEqualTo(InviteToken.hash(InviteToken.parse(token).code()));
        assertThat(Peerings.enrolledReason(east, "west")).isEqualTo("True/Enrolled");

        Answer answer = westLink().sync(Peerings.get(west, "east"), snapshot());
        // west's operator syncs by itself too: every sync east heard is west's
        assertThat(clusters.synced).isNotEmpty().allMatch("west"::equals);
        assertThat(answer.endpoints())
                .singleElement()
                .satisfies(e -> assertThat(e.endpointId()).isEqualTo("vpce-0123456789abcdef0"));
    }

    @Test
    void aUsedTokenIsRefusedToAnotherCluster() throws Exception {
        String token = enrolWestWithEast();
        LocalTrust north = LocalTrust.inMemory("north", Clock.systemUTC());

        assertThatThrownBy(() -> new PeeringClient(north, Clock.systemUTC())
                        .enrol(InviteToken.parse(token), enrolRequest(token, north, "uid-north")))
                .isInstanceOfSatisfying(
                        PeeringRefused.class, e -> assertThat(e.reason()).isEqualTo(Refusal.TokenUsed));
        eventually().until(() -> hasEvent(east, "west", "TokenUsed"));
    }

    @Test
    void theSameTokenForASecondClusterPeerOnTheJoiningSideIsATakenTrustDomain() throws Exception {
        String token = enrolWestWithEast();

        join("east-again", token);

        eventually().until(() -> "False/TrustDomainTaken".equals(Peerings.enrolledReason(west, "east-again")));
        eventually().until(() -> hasEvent(west, "east-again", "TrustDomainTaken"));
    }

    @Test
    void aTrustDomainEnrolledUnderAnotherNameIsRefusedByTheProvider() throws Exception {
        enrolWestWithEast();
        String second = invite("west-2");
        LocalTrust impostor = LocalTrust.inMemory("west", Clock.systemUTC());

        assertThatThrownBy(() -> new PeeringClient(impostor, Clock.systemUTC())
                        .enrol(InviteToken.parse(second), enrolRequest(second, impostor, "uid-impostor")))
                .isInstanceOfSatisfying(
                        PeeringRefused.class, e -> assertThat(e.reason()).isEqualTo(Refusal.TrustDomainTaken));
        assertThat(Peerings.enrolled(east, "west-2"))
                .as("the invite is not spent")
                .isFalse();
    }

    @Test
    void anExpiredTokenIsRefusedByTheProvidersClock() {
        String token = invite("west");
        // east's operator certificate is issued now, by the real clock, so that west accepts it
        clusters.eastTrust.credentialFor(SpiffeId.operator("east"));
        clusters.eastClock.advance(Duration.ofHours(25));

        join("east", token);

        eventually().until(() -> "False/TokenExpired".equals(Peerings.enrolledReason(west, "east")));
        assertThat(Peerings.enrolled(east, "west")).isFalse();
        eventually().until(() -> hasEvent(west, "east", "TokenExpired"));
    }

    @Test
    void aTokenPastItsExpiryIsRefusedByTheJoiningSideWithoutDialling() {
        clusters.eastTrust.credentialFor(SpiffeId.operator("east"));
        clusters.eastClock.advance(Duration.ofHours(-25)); // east's invite expires an hour before now
        String token = invite("west");

        join("east", token);

        eventually().until(() -> "False/TokenExpired".equals(Peerings.enrolledReason(west, "east")));
        assertThat(hasEvent(east, "west", "TokenExpired"))
                .as("east heard nothing")
                .isFalse();
        assertThat(Peerings.enrolledReason(east, "west")).isEqualTo("False/InvitePending");
    }

    @Test
    void aPinThatDoesNotMatchIsRefusedBeforeTheCodeIsSent() throws Exception {
        InviteToken genuine = InviteToken.parse(invite("west"));
        String otherRootsPin = CertificateAuthority.pin(
                LocalTrust.inMemory("east", Clock.systemUTC()).roots().get(0).getPublicKey());
        InviteToken forged = new InviteToken(
                1, "east", genuine.gatewayAddresses(), otherRootsPin, genuine.code(), genuine.expires());

        join("east", forged.encode());

        eventually().until(() -> "False/PinMismatch".equals(Peerings.enrolledReason(west, "east")));
        assertThat(Peerings.enrolledReason(east, "west"))
                .as("east never heard the code")
                .isEqualTo("False/InvitePending");
    }

    @Test
    void anUnreachablePeerIsTriedAgainAndTheRefusalSaysSo() throws Exception {
        InviteToken genuine = InviteToken.parse(invite("west"));
        InviteToken nowhere = new InviteToken(
                1,
                "east",
                List.of("127.0.0.1:" + TwoClusters.freePort()),
                genuine.pin(),
                genuine.code(),
                genuine.expires());

        join("east", nowhere.encode());

        eventually().until(() -> "False/Unreachable".equals(Peerings.enrolledReason(west, "east")));
        assertThat(Peerings.get(west, "east")
                        .getStatus()
                        .condition(PeerConditions.ENROLLED)
                        .orElseThrow()
                        .getMessage())
                .contains("trying again");
    }

    @Test
    void aMalformedTokenIsInvalid() {
        join("east", "not a token");

        eventually().until(() -> "False/InvalidToken".equals(Peerings.enrolledReason(west, "east")));
    }

    @Test
    void syncNeedsTheOperatorCertificateOfAnEnrolledPeer() throws Exception {
        enrolWestWithEast();

        assertThat(rawSync(null).refusal()).as("no client certificate").isEqualTo(Refusal.NotPeer);
        assertThat(rawSync(clusters.westTrust.credentialFor(SpiffeId.consumer("west", "shop")))
                        .refusal())
                .as("west's certificate, but not its operator's")
                .isEqualTo(Refusal.NotPeer);
        LocalTrust north = LocalTrust.inMemory("north", Clock.systemUTC());
        assertThatThrownBy(() -> rawSync(north.credentialFor(SpiffeId.operator("north"))))
                .as("an operator of a trust domain that is no peer: the handshake fails")
                .isInstanceOf(Exception.class);
        ClusterPeer claimingEast = Peerings.get(west, "east");
        assertThatThrownBy(() -> new PeeringClient(north, Clock.systemUTC()).sync(claimingEast, snapshot()))
                .isInstanceOf(PeeringException.class);
        // west's own operator syncs by itself now and then; nothing else got through
        assertThat(clusters.synced).allMatch("west"::equals);

        westLink().sync(Peerings.get(west, "east"), snapshot());
        assertThat(clusters.synced).contains("west");
    }

    @Test
    void aSuspendedPeerIsRefusedSyncAndItsStatusSaysSo() throws Exception {
        enrolWestWithEast();

        east.resources(ClusterPeer.class).withName("west").edit(p -> {
            p.getSpec().setSuspended(true);
            return p;
        });

        eventually()
                .until(() -> Peerings.get(east, "west")
                        .getStatus()
                        .condition(ConditionTypes.READY)
                        .map(c -> !c.isTrue() && PeerConditions.Reasons.SUSPENDED.equals(c.getReason()))
                        .orElse(false));
        eventually().until(() -> {
            try {
                westLink().sync(Peerings.get(west, "east"), snapshot());
                return false;
            } catch (PeeringRefused refused) {
                return refused.reason() == Refusal.Suspended;
            }
        });
        assertThat(Peerings.enrolled(east, "west")).as("trust is kept").isTrue();
    }

    @Test
    void aStaticPeerIsTrustedFromItsSpecOnceItsBundleParses() {
        ClusterPeerSpec.Static north = Peerings.staticSpec("north");
        clusters.westWorld.clusterPeer("north", spec -> spec.setStaticPeer(north));
        ClusterPeerSpec.Static broken = Peerings.staticSpec("south");
        broken.setTrustBundle("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
        clusters.westWorld.clusterPeer("south", spec -> spec.setStaticPeer(broken));
        clusters.westWorld.clusterPeer("self", spec -> spec.setStaticPeer(Peerings.staticSpec("west")));

        eventually().until(() -> "True/Static".equals(Peerings.enrolledReason(west, "north")));
        ClusterPeerStatus status = Peerings.get(west, "north").getStatus();
        assertThat(status.getTrustDomain()).isEqualTo("north");
        assertThat(status.getTrustBundle()).isEqualTo(north.getTrustBundle());
        assertThat(status.getGatewayAddresses()).containsExactly("gw.north.example:8443");
        eventually().until(() -> "False/InvalidBundle".equals(Peerings.enrolledReason(west, "south")));
        assertThat(Peerings.get(west, "south").getStatus().getTrustDomain()).isNull();
        eventually().until(() -> "False/TrustDomainTaken".equals(Peerings.enrolledReason(west, "self")));
    }

    @Test
    void anInviteWithoutGatewayAddressesSaysWhatIsMissing() {
        clusters.westWorld.clusterPeer("east", spec -> spec.setInvite(new ClusterPeerSpec.Invite()));

        eventually().until(() -> "False/NoGatewayAddresses".equals(Peerings.enrolledReason(west, "east")));
        assertThat(west.secrets()
                        .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                        .withName(ClusterPeerReconciler.inviteSecretName("east"))
                        .get())
                .isNull();
    }

    @Test
    void theGatewayStillRequiresAClientCertificateForEveryOtherServerName() {
        assertThatThrownBy(() -> exchange("gateway.east.example", null, Request.sync(snapshot())))
                .isInstanceOf(Exception.class);
        assertThatThrownBy(() -> exchange(null, null, Request.sync(snapshot()))).isInstanceOf(Exception.class);
    }

    // --- helpers ---

    /** East invites a peer it calls {@code name}; the token from its Secret. */
    String invite(String name) {
        clusters.eastWorld.clusterPeer(name, spec -> spec.setInvite(new ClusterPeerSpec.Invite()));
        eventually()
                .until(() -> east.secrets()
                                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                                .withName(ClusterPeerReconciler.inviteSecretName(name))
                                .get()
                        != null);
        String data = east.secrets()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName(ClusterPeerReconciler.inviteSecretName(name))
                .get()
                .getData()
                .get("token");
        return new String(Base64.getDecoder().decode(data), StandardCharsets.US_ASCII);
    }

    /** West's admin puts the token into a Secret and creates a ClusterPeer {@code name} that joins with it. */
    void join(String name, String token) {
        west.secrets()
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withNamespace(TestSettings.OPERATOR_NAMESPACE)
                        .withName(name + "-token")
                        .endMetadata()
                        .withData(Map.of(
                                "token", Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8))))
                        .build())
                .create();
        ClusterPeerSpec.SecretKeyRef ref = new ClusterPeerSpec.SecretKeyRef();
        ref.setName(name + "-token");
        ClusterPeerSpec.Join join = new ClusterPeerSpec.Join();
        join.setTokenSecretRef(ref);
        clusters.westWorld.clusterPeer(name, spec -> spec.setJoin(join));
    }

    String enrolWestWithEast() {
        String token = invite("west");
        join("east", token);
        eventually().until(() -> Peerings.enrolled(west, "east") && Peerings.enrolled(east, "west"));
        return token;
    }

    PeeringClient westLink() {
        return new PeeringClient(clusters.westTrust, Clock.systemUTC());
    }

    static Snapshot snapshot() {
        return new Snapshot(
                List.of(new RequestedEndpoint("shop", "api", "uid-api", "vpce-svc-0123456789abcdef0", null, null)));
    }

    static EnrolRequest enrolRequest(String token, LocalTrust trust, String clusterUid) throws PeeringRefused {
        return new EnrolRequest(
                InviteToken.parse(token).code(),
                trust.trustDomain(),
                clusterUid,
                Pem.certificates(trust.roots()),
                List.of());
    }

    static boolean hasEvent(KubernetesClient client, String peer, String reason) {
        return client.v1().events().inAnyNamespace().list().getItems().stream()
                .filter(e -> "ClusterPeer".equals(e.getInvolvedObject().getKind()))
                .filter(e -> peer.equals(e.getInvolvedObject().getName()))
                .map(Event::getReason)
                .anyMatch(reason::equals);
    }

    /** A sync sent through the gateway with the peering server name, presenting {@code credential} (none: null). */
    Response rawSync(Credential credential) throws Exception {
        return exchange(PeeringWire.SERVER_NAME, credential, Request.sync(snapshot()));
    }

    Response exchange(String serverName, Credential credential, Request request) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        if (credential != null) {
            store.setKeyEntry(
                    "me", credential.key(), new char[0], credential.chain().toArray(new X509Certificate[0]));
        }
        keys.init(store, new char[0]);
        List<X509Certificate> eastRoots = clusters.eastTrust.roots();
        TrustManager trust =
                SpiffeTrustManager.peers(td -> td.equals("east") ? eastRoots : List.of(), Clock.systemUTC());
        context.init(keys.getKeyManagers(), new TrustManager[] {trust}, null);
        try (Socket tcp = new Socket("127.0.0.1", clusters.gatewayPort);
                SSLSocket socket = (SSLSocket)
                        context.getSocketFactory().createSocket(tcp, "127.0.0.1", clusters.gatewayPort, true)) {
            socket.setSoTimeout(15_000);
            SSLParameters parameters = socket.getSSLParameters();
            if (serverName != null) {
                parameters.setServerNames(List.of(new SNIHostName(serverName)));
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            PeeringWire.write(socket.getOutputStream(), request);
            return PeeringWire.read(socket.getInputStream(), Response.class);
        }
    }
}
