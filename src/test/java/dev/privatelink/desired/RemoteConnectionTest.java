package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerSpec;
import dev.privatelink.api.ClusterPeerStatus;
import dev.privatelink.api.Condition;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpointStatus;
import dev.privatelink.api.NamespaceSelector;
import dev.privatelink.peering.PeeringMessages.EndpointAnswer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The consumer side of a cross-cluster endpoint: the provider decides, silence changes nothing. */
class RemoteConnectionTest {

    static final PeerView READY = new PeerView("east", null, null, "east.test", List.of("203.0.113.7:8443"));

    static EndpointAnswer answer(ConnectionState state, String reason, Integer... ports) {
        return new EndpointAnswer("shop", "api", "u1", "vpce-0123456789abcdef0", state, reason, "m", List.of(ports));
    }

    static InterfaceEndpointStatus status(ConnectionState state, String reason, String endpointId, Integer... ports) {
        InterfaceEndpointStatus status = new InterfaceEndpointStatus();
        status.setState(state);
        status.setEndpointId(endpointId);
        status.setPorts(List.of(ports));
        Condition ready = new Condition();
        ready.setType("Ready");
        ready.setStatus(state == ConnectionState.Available ? "True" : "False");
        ready.setReason(reason);
        status.setConditions(List.of(ready));
        return status;
    }

    @Test
    void theProvidersAnswerIsTheState() {
        RemoteConnection c =
                RemoteConnection.decide(READY, Optional.of(answer(ConnectionState.Available, "Available", 443)), null);
        assertThat(c.outcome().state()).isEqualTo(ConnectionState.Available);
        assertThat(c.endpointId()).isEqualTo("vpce-0123456789abcdef0");
        assertThat(c.ports()).containsExactly(443);
    }

    @Test
    void aRefusalFromTheProviderKeepsNoPorts() {
        RemoteConnection c = RemoteConnection.decide(
                READY, Optional.of(answer(ConnectionState.Failed, "ServiceNotFound", 443)), null);
        assertThat(c.outcome().state()).isEqualTo(ConnectionState.Failed);
        assertThat(c.outcome().reason()).isEqualTo("ServiceNotFound");
        assertThat(c.ports()).isEmpty();
    }

    @Test
    void withoutAnAnswerANewEndpointWaitsWithoutAnId() {
        RemoteConnection c = RemoteConnection.decide(READY, Optional.empty(), null);
        assertThat(c.outcome().state()).isEqualTo(ConnectionState.Pending);
        assertThat(c.outcome().reason()).isEqualTo("AwaitingProvider");
        assertThat(c.endpointId()).isNull();
    }

    @Test
    void withoutAnAnswerAnAvailableEndpointStaysAvailable() {
        RemoteConnection c = RemoteConnection.decide(
                READY, Optional.empty(), status(ConnectionState.Available, "Available", "vpce-1", 443));
        assertThat(c.outcome().state()).isEqualTo(ConnectionState.Available);
        assertThat(c.endpointId()).isEqualTo("vpce-1");
        assertThat(c.ports()).containsExactly(443);
    }

    @Test
    void withoutAnAnswerAnEndpointWaitingForItsDataPlaneIsStillTheProvidersAvailable() {
        RemoteConnection c = RemoteConnection.decide(
                READY, Optional.empty(), status(ConnectionState.Pending, "NoReadyForwarder", "vpce-1", 443));
        assertThat(c.outcome().state()).isEqualTo(ConnectionState.Available);
    }

    @Test
    void withoutAnAnswerASuspendedEndpointStaysSuspended() {
        RemoteConnection c = RemoteConnection.decide(
                READY, Optional.empty(), status(ConnectionState.Suspended, "Suspended", "vpce-1", 443));
        assertThat(c.outcome().state()).isEqualTo(ConnectionState.Suspended);
        assertThat(c.outcome().reason()).isEqualTo("Suspended");
    }

    @Test
    void aPeerThatCannotCarryItWaitsAndOneThatForbidsTheNamespaceFails() {
        PeerView missing = PeerView.of("east", Optional.empty(), Map.of());
        RemoteConnection c = RemoteConnection.decide(
                missing, Optional.of(answer(ConnectionState.Available, "Available", 443)), null);
        assertThat(c.outcome().state()).isEqualTo(ConnectionState.Pending);
        assertThat(c.outcome().reason()).isEqualTo("PeerNotFound");

        ClusterPeer peer = enrolled();
        peer.getSpec().setConsumerNamespaces(NamespaceSelector.matchLabels(Map.of("team", "payments")));
        PeerView forbidden = PeerView.of("east", Optional.of(peer), Map.of("team", "shop"));
        assertThat(RemoteConnection.decide(forbidden, Optional.empty(), null)
                        .outcome()
                        .state())
                .isEqualTo(ConnectionState.Failed);
    }

    @Test
    void aPeerIsUsableOnceEnrolledWithAGatewayAndNotSuspended() {
        ClusterPeer peer = enrolled();
        assertThat(PeerView.of("east", Optional.of(peer), Map.of()).usable()).isTrue();
        assertThat(PeerView.of("east", Optional.of(peer), Map.of()).gatewayAddresses())
                .containsExactly("203.0.113.7:8443");

        peer.getSpec().setSuspended(true);
        assertThat(PeerView.of("east", Optional.of(peer), Map.of()).problem()).isEqualTo("PeerNotReady");
        peer.getSpec().setSuspended(false);
        peer.getStatus().setGatewayAddresses(List.of());
        assertThat(PeerView.of("east", Optional.of(peer), Map.of()).problem()).isEqualTo("PeerNotReady");
        peer.getStatus().setTrustBundle(null);
        assertThat(PeerView.of("east", Optional.of(peer), Map.of()).message()).contains("not enrolled");
    }

    static ClusterPeer enrolled() {
        ClusterPeer peer = new ClusterPeer();
        peer.setMetadata(new ObjectMetaBuilder().withName("east").build());
        peer.setSpec(new ClusterPeerSpec());
        ClusterPeerStatus status = new ClusterPeerStatus();
        status.setTrustDomain("east.test");
        status.setTrustBundle("PEM");
        status.setGatewayAddresses(List.of("203.0.113.7:8443"));
        peer.setStatus(status);
        return peer;
    }
}
