package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The owner accepts, rejects, suspends, resumes and terminates connections, declaratively. */
class OwnerDecisionsTest extends OperatorTestBase {

    String serviceName;

    @BeforeEach
    void publishWithManualAcceptance() {
        serviceName = publishAndAwaitPendingEndpoint();
    }

    String endpointId() {
        return endpoint(CONSUMER, "api").getStatus().getEndpointId();
    }

    void acceptAndAwaitTraffic() {
        world.decide(OWNER, "api", new ConnectionDecision(endpointId(), null, Decision.Accept));
        awaitState(CONSUMER, "api", ConnectionState.Available);
        eventually().until(() -> readyAddresses() == 1);
    }

    @Test
    void pendingConnectionHasNoServiceAndIsListedForTheOwner() {
        assertThat(client.services().inNamespace(CONSUMER).withName("api").get())
                .isNull();
        eventually()
                .untilAsserted(() -> assertThat(
                                endpointService(OWNER, "api").getStatus().getPendingConnections())
                        .isEqualTo(1));
    }

    @Test
    void acceptByConsumerNameMakesItAvailable() {
        world.decide(OWNER, "api", new ConnectionDecision(null, CONSUMER + "/api", Decision.Accept));
        awaitState(CONSUMER, "api", ConnectionState.Available);
        eventually().until(() -> readyAddresses() == 1);
    }

    @Test
    void suspendEmptiesSlicesAndMarksRouteSuspendedAndResumeRestoresBoth() {
        acceptAndAwaitTraffic();

        world.decide(OWNER, "api", new ConnectionDecision(endpointId(), null, Decision.Suspend));
        awaitState(CONSUMER, "api", ConnectionState.Suspended);
        eventually().untilAsserted(() -> {
            assertThat(readyAddresses()).isZero();
            assertThat(routes(CONSUMER))
                    .singleElement()
                    .satisfies(r -> assertThat(r.state()).isEqualTo(RouteState.SUSPENDED));
        });
        assertThat(client.services().inNamespace(CONSUMER).withName("api").get())
                .as("the address survives suspension")
                .isNotNull();

        world.decide(OWNER, "api", new ConnectionDecision(endpointId(), null, Decision.Accept));
        awaitState(CONSUMER, "api", ConnectionState.Available);
        eventually().untilAsserted(() -> {
            assertThat(readyAddresses()).isEqualTo(1);
            assertThat(routes(CONSUMER))
                    .singleElement()
                    .satisfies(r -> assertThat(r.state()).isEqualTo(RouteState.ACTIVE));
        });
    }

    @Test
    void rejectingAnAvailableConnectionRevokesIt() {
        acceptAndAwaitTraffic();

        world.decide(OWNER, "api", new ConnectionDecision(endpointId(), null, Decision.Reject));
        awaitState(CONSUMER, "api", ConnectionState.Rejected);
        eventually().untilAsserted(() -> {
            assertThat(client.services().inNamespace(CONSUMER).withName("api").get())
                    .isNull();
            assertThat(slice(CONSUMER, "api-ipv4")).isNull();
            assertThat(routes(CONSUMER)).isEmpty();
            assertThat(endpoint(CONSUMER, "api").getStatus().getAddress()).isNull();
        });
    }

    @Test
    void terminateIsFinalEvenWhenTheDecisionIsWithdrawn() {
        acceptAndAwaitTraffic();

        world.decide(OWNER, "api", new ConnectionDecision(endpointId(), null, Decision.Terminate));
        awaitState(CONSUMER, "api", ConnectionState.Terminated);
        world.decide(OWNER, "api", new ConnectionDecision(endpointId(), null, Decision.Accept));

        eventually()
                .untilAsserted(
                        () -> assertThat(endpointService(OWNER, "api").getSpec().getConnections())
                                .extracting(ConnectionDecision::getDecision)
                                .containsExactly(Decision.Accept));
        // Give the operator the chance to get it wrong: the owner side has reconciled the accept.
        eventually().untilAsserted(() -> {
            EndpointService es = endpointService(OWNER, "api");
            assertThat(es.getStatus().getObservedGeneration())
                    .isNotNull()
                    .isEqualTo(es.getMetadata().getGeneration());
        });
        eventually().during(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(stateOf(CONSUMER, "api")).contains(ConnectionState.Terminated);
            assertThat(routes(CONSUMER)).isEmpty();
        });
    }

    @Test
    void removingThePrincipalKeepsAnAcceptedConnection() {
        acceptAndAwaitTraffic();

        client.resources(ServicePermission.class)
                .inNamespace(OWNER)
                .withName("shop")
                .delete();
        // The decision stays; removing it too would not cut the connection either: acceptance is sticky.
        world.decide(OWNER, "api");
        eventually()
                .untilAsserted(
                        () -> assertThat(endpointService(OWNER, "api").getSpec().getConnections())
                                .isNullOrEmpty());
        eventually()
                .during(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(stateOf(CONSUMER, "api")).contains(ConnectionState.Available));
    }

    @Test
    void everyStateChangeIsAnEventOnBothSides() {
        acceptAndAwaitTraffic();
        eventually().untilAsserted(() -> {
            assertThat(reasons(CONSUMER)).contains("PendingAcceptance", "Available");
            assertThat(reasons(OWNER)).contains("ConnectionPendingAcceptance", "ConnectionAvailable");
        });
    }

    List<String> reasons(String namespace) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .map(Event::getReason)
                .toList();
    }

    /**
     * A decision changes the endpoint service's spec before its status catches up: the other
     * connections must not pass through Pending (and lose their addresses) meanwhile.
     */
    @Test
    void aDecisionOnOneConnectionLeavesTheOthersUntouched() {
        String serviceName = endpoint(CONSUMER, "api").getSpec().getServiceName();
        world.endpoint(CONSUMER, "web", serviceName);
        awaitState(CONSUMER, "web", ConnectionState.PendingAcceptance);
        String web = endpoint(CONSUMER, "web").getStatus().getEndpointId();
        world.decide(
                OWNER,
                "api",
                new ConnectionDecision(endpointId(), null, Decision.Accept),
                new ConnectionDecision(web, null, Decision.Accept));
        awaitState(CONSUMER, "web", ConnectionState.Available);
        awaitState(CONSUMER, "api", ConnectionState.Available);
        String webVersion = endpoint(CONSUMER, "web").getMetadata().getResourceVersion();

        world.decide(
                OWNER,
                "api",
                new ConnectionDecision(endpointId(), null, Decision.Suspend),
                new ConnectionDecision(web, null, Decision.Accept));
        awaitState(CONSUMER, "api", ConnectionState.Suspended);

        eventually()
                .during(Duration.ofSeconds(1))
                .until(() -> webVersion.equals(
                        endpoint(CONSUMER, "web").getMetadata().getResourceVersion()));
    }
}
