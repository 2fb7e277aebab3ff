package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.desired.ConnectionInputs.Previous;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectionStateMachineTest {

    /** A new endpoint, within quota, asking for every port of a service that offers 443 and needs acceptance. */
    private record Given(Previous previous, boolean withinQuota, ServiceLookup service, List<Integer> requested) {
        static Given newEndpoint() {
            return new Given(Previous.NONE, true, found(Grant.MANUAL_ACCEPTANCE, null), List.of());
        }

        Given previously(ConnectionState state, String reason) {
            return new Given(new Previous(state, reason), withinQuota, service, requested);
        }

        Given previously(ConnectionState state) {
            return previously(state, null);
        }

        Given overQuota() {
            return new Given(previous, false, service, requested);
        }

        Given service(ServiceLookup lookup) {
            return new Given(previous, withinQuota, lookup, requested);
        }

        Given decision(Decision decision) {
            return service(found(Grant.MANUAL_ACCEPTANCE, decision));
        }

        Given requesting(Integer... ports) {
            return new Given(previous, withinQuota, service, List.of(ports));
        }

        ConnectionOutcome decide() {
            return ConnectionStateMachine.decide(new ConnectionInputs(previous, withinQuota, service, requested));
        }

        ConnectionState state() {
            return decide().state();
        }
    }

    private static ServiceLookup.Found found(Grant grant, Decision decision) {
        return new ServiceLookup.Found(null, grant, true, Optional.ofNullable(decision), Optional.of(List.of(443)));
    }

    private static Given given() {
        return Given.newEndpoint();
    }

    @Test
    void permittedConnectionWaitsForAcceptance() {
        assertThat(given().state()).isEqualTo(ConnectionState.PendingAcceptance);
    }

    @Test
    void acceptMakesItAvailable() {
        assertThat(given().decision(Decision.Accept).state()).isEqualTo(ConnectionState.Available);
    }

    @Test
    void autoAcceptMakesItAvailable() {
        assertThat(given().service(found(Grant.AUTO_ACCEPT, null)).state()).isEqualTo(ConnectionState.Available);
    }

    @Test
    void aServiceThatNeedsNoAcceptanceMakesItAvailable() {
        var noAcceptance = new ServiceLookup.Found(
                null, Grant.MANUAL_ACCEPTANCE, false, Optional.empty(), Optional.of(List.of(443)));
        assertThat(given().service(noAcceptance).state()).isEqualTo(ConnectionState.Available);
    }

    @Test
    void acceptedButServiceNotReadyIsPending() {
        var notReady = new ServiceLookup.Found(
                null, Grant.MANUAL_ACCEPTANCE, true, Optional.of(Decision.Accept), Optional.empty());
        ConnectionOutcome outcome = given().service(notReady).decide();
        assertThat(outcome.state()).isEqualTo(ConnectionState.Pending);
        assertThat(outcome.reason()).isEqualTo("ServiceNotReady");
    }

    @Test
    void suspendRejectAndTerminateFollowTheDecision() {
        Given available = given().previously(ConnectionState.Available);
        assertThat(available.decision(Decision.Suspend).state()).isEqualTo(ConnectionState.Suspended);
        assertThat(available.decision(Decision.Reject).state()).isEqualTo(ConnectionState.Rejected);
        assertThat(available.decision(Decision.Terminate).state()).isEqualTo(ConnectionState.Terminated);
    }

    @Test
    void resumeIsAcceptOrWithdrawingTheSuspension() {
        Given suspended = given().previously(ConnectionState.Suspended);
        assertThat(suspended.decision(Decision.Accept).state()).isEqualTo(ConnectionState.Available);
        assertThat(suspended.decision(null).state()).isEqualTo(ConnectionState.Available);
    }

    @Test
    void terminatedNeverComesBack() {
        Given terminated = given().previously(ConnectionState.Terminated);
        assertThat(terminated.decision(Decision.Accept).state()).isEqualTo(ConnectionState.Terminated);
        assertThat(terminated.decision(null).state()).isEqualTo(ConnectionState.Terminated);
    }

    @Test
    void withdrawingARejectionAsksForAcceptanceAgain() {
        assertThat(given().previously(ConnectionState.Rejected).state()).isEqualTo(ConnectionState.PendingAcceptance);
    }

    @Test
    void notPermittedAndNotFoundGiveTheSameAnswer() {
        ConnectionOutcome notPermitted =
                given().service(found(Grant.NONE, null)).decide();
        ConnectionOutcome notFound = given().service(ServiceLookup.NOT_FOUND).decide();
        assertThat(notPermitted).isEqualTo(notFound);
        assertThat(notFound.reason()).isEqualTo("ServiceNotFound");
    }

    @Test
    void aDecisionDoesNotRevealAServiceToANamespaceWithoutPermission() {
        var decidedButNotPermitted = new ServiceLookup.Found(
                null, Grant.NONE, true, Optional.of(Decision.Accept), Optional.of(List.of(443)));
        assertThat(given().service(decidedButNotPermitted).decide().reason()).isEqualTo("ServiceNotFound");
    }

    @Test
    void acceptedConnectionSurvivesLosingItsPermission() {
        assertThat(given().previously(ConnectionState.Available)
                        .service(found(Grant.NONE, null))
                        .state())
                .isEqualTo(ConnectionState.Available);
    }

    @Test
    void deletedServiceFailsAConnectedEndpointWithItsOwnReason() {
        assertThat(given().previously(ConnectionState.Available)
                        .service(ServiceLookup.NOT_FOUND)
                        .decide()
                        .reason())
                .isEqualTo("ServiceDeleted");
    }

    @Test
    void deletedServiceStaysDeletedOnTheNextLook() {
        assertThat(given().previously(ConnectionState.Failed, "ServiceDeleted")
                        .service(ServiceLookup.NOT_FOUND)
                        .decide()
                        .reason())
                .isEqualTo("ServiceDeleted");
    }

    @Test
    void overQuotaFailsBeforeAnythingIsLookedUp() {
        assertThat(given().overQuota()
                        .service(found(Grant.AUTO_ACCEPT, null))
                        .decide()
                        .reason())
                .isEqualTo("QuotaExceeded");
    }

    @Test
    void portNotOfferedFails() {
        ConnectionOutcome outcome = given().requesting(443, 8443).decide();
        assertThat(outcome.state()).isEqualTo(ConnectionState.Failed);
        assertThat(outcome.reason()).isEqualTo("PortNotOffered");
        assertThat(outcome.message()).contains("8443").doesNotContain("443,");
    }

    @Test
    void portsAreNotCheckedWhileTheServiceIsNotReady() {
        var notReady = new ServiceLookup.Found(null, Grant.AUTO_ACCEPT, true, Optional.empty(), Optional.empty());
        assertThat(given().service(notReady).requesting(8443).decide().reason()).isEqualTo("ServiceNotReady");
    }

    @Test
    void exposedPortsAreTheRequestedOnesOrElseEveryOfferedOneAscending() {
        assertThat(ConnectionStateMachine.exposedPorts(List.of(), Optional.of(List.of(8443, 443))))
                .containsExactly(443, 8443);
        assertThat(ConnectionStateMachine.exposedPorts(List.of(443, 443), Optional.of(List.of(8443, 443))))
                .containsExactly(443);
        assertThat(ConnectionStateMachine.exposedPorts(List.of(), Optional.empty()))
                .isEmpty();
    }
}
