package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.ConnectionState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectionStateMachineTest {

    /** Permitted, found, ready, manual acceptance, no decision, nothing before. */
    static ConnectionInputs base() {
        return new ConnectionInputs(null, null, true, true, true, false, true, Optional.empty(), List.of(), true);
    }

    static ConnectionInputs with(ConnectionState previous, Decision decision) {
        ConnectionInputs b = base();
        return new ConnectionInputs(
                previous,
                null,
                b.withinQuota(),
                b.serviceFound(),
                b.permitted(),
                b.autoAccept(),
                b.acceptanceRequired(),
                Optional.ofNullable(decision),
                b.missingPorts(),
                b.serviceReady());
    }

    static ConnectionState decide(ConnectionInputs in) {
        return ConnectionStateMachine.decide(in).state();
    }

    @Test
    void permittedConnectionWaitsForAcceptance() {
        assertThat(decide(base())).isEqualTo(ConnectionState.PendingAcceptance);
    }

    @Test
    void acceptMakesItAvailable() {
        assertThat(decide(with(null, Decision.Accept))).isEqualTo(ConnectionState.Available);
    }

    @Test
    void autoAcceptOrNoAcceptanceRequiredMakesItAvailable() {
        assertThat(decide(new ConnectionInputs(
                        null, null, true, true, true, true, true, Optional.empty(), List.of(), true)))
                .isEqualTo(ConnectionState.Available);
        assertThat(decide(new ConnectionInputs(
                        null, null, true, true, true, false, false, Optional.empty(), List.of(), true)))
                .isEqualTo(ConnectionState.Available);
    }

    @Test
    void acceptedButServiceNotReadyIsPending() {
        var in = new ConnectionInputs(
                null, null, true, true, true, false, true, Optional.of(Decision.Accept), List.of(), false);
        assertThat(ConnectionStateMachine.decide(in)).satisfies(o -> {
            assertThat(o.state()).isEqualTo(ConnectionState.Pending);
            assertThat(o.reason()).isEqualTo("ServiceNotReady");
        });
    }

    @Test
    void suspendRejectAndTerminateFollowTheDecision() {
        assertThat(decide(with(ConnectionState.Available, Decision.Suspend))).isEqualTo(ConnectionState.Suspended);
        assertThat(decide(with(ConnectionState.Available, Decision.Reject))).isEqualTo(ConnectionState.Rejected);
        assertThat(decide(with(ConnectionState.Available, Decision.Terminate))).isEqualTo(ConnectionState.Terminated);
    }

    @Test
    void resumeIsAcceptOrWithdrawingTheSuspension() {
        assertThat(decide(with(ConnectionState.Suspended, Decision.Accept))).isEqualTo(ConnectionState.Available);
        assertThat(decide(with(ConnectionState.Suspended, null))).isEqualTo(ConnectionState.Available);
    }

    @Test
    void terminatedNeverComesBack() {
        assertThat(decide(with(ConnectionState.Terminated, Decision.Accept))).isEqualTo(ConnectionState.Terminated);
        assertThat(decide(with(ConnectionState.Terminated, null))).isEqualTo(ConnectionState.Terminated);
    }

    @Test
    void withdrawingARejectionAsksForAcceptanceAgain() {
        assertThat(decide(with(ConnectionState.Rejected, null))).isEqualTo(ConnectionState.PendingAcceptance);
    }

    @Test
    void notPermittedAndNotFoundGiveTheSameAnswer() {
        var notPermitted = ConnectionStateMachine.decide(
                new ConnectionInputs(null, null, true, true, false, false, true, Optional.empty(), List.of(), true));
        var notFound = ConnectionStateMachine.decide(
                new ConnectionInputs(null, null, true, false, false, false, true, Optional.empty(), List.of(), false));
        assertThat(notPermitted).isEqualTo(notFound);
        assertThat(notFound.reason()).isEqualTo("ServiceNotFound");
    }

    @Test
    void acceptedConnectionSurvivesLosingItsPermission() {
        var in = new ConnectionInputs(
                ConnectionState.Available, null, true, true, false, false, true, Optional.empty(), List.of(), true);
        assertThat(decide(in)).isEqualTo(ConnectionState.Available);
    }

    @Test
    void deletedServiceFailsAConnectedEndpointWithItsOwnReason() {
        var in = new ConnectionInputs(
                ConnectionState.Available, null, true, false, false, false, true, Optional.empty(), List.of(), false);
        assertThat(ConnectionStateMachine.decide(in).reason()).isEqualTo("ServiceDeleted");
    }

    @Test
    void deletedServiceStaysDeletedOnTheNextLook() {
        var in = new ConnectionInputs(
                ConnectionState.Failed,
                "ServiceDeleted",
                true,
                false,
                false,
                false,
                true,
                Optional.empty(),
                List.of(),
                false);
        assertThat(ConnectionStateMachine.decide(in).reason()).isEqualTo("ServiceDeleted");
    }

    @Test
    void overQuotaFailsBeforeAnythingIsLookedUp() {
        var in = new ConnectionInputs(null, null, false, true, true, true, true, Optional.empty(), List.of(), true);
        assertThat(ConnectionStateMachine.decide(in).reason()).isEqualTo("QuotaExceeded");
    }

    @Test
    void portNotOfferedFails() {
        var in = new ConnectionInputs(null, null, true, true, true, true, true, Optional.empty(), List.of(443), true);
        assertThat(ConnectionStateMachine.decide(in)).satisfies(o -> {
            assertThat(o.state()).isEqualTo(ConnectionState.Failed);
            assertThat(o.message()).contains("443");
        });
    }
}
