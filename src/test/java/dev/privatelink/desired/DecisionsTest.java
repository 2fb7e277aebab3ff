package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionDecision.Decision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionsTest {

    static final String ID = "vpce-0123456789abcdef0";
    static final String CONSUMER = "shop/api";

    static ConnectionDecision byId(String endpointId, Decision decision) {
        return new ConnectionDecision(endpointId, null, decision);
    }

    static ConnectionDecision byConsumer(String consumer, Decision decision) {
        return new ConnectionDecision(null, consumer, decision);
    }

    @Test
    void theMostRestrictiveDecisionWinsWhetherByIdOrByConsumer() {
        assertThat(Decisions.find(
                        List.of(byConsumer(CONSUMER, Decision.Accept), byId(ID, Decision.Suspend)), ID, CONSUMER))
                .contains(Decision.Suspend);
        assertThat(Decisions.find(
                        List.of(byId(ID, Decision.Accept), byConsumer(CONSUMER, Decision.Suspend)), ID, CONSUMER))
                .as("SEC-12: an Accept by ID does not lift a Suspend by consumer")
                .contains(Decision.Suspend);
    }

    @Test
    void listOrderNeverDecides() {
        var terminateLast = List.of(
                byId(ID, Decision.Accept),
                byConsumer(CONSUMER, Decision.Reject),
                byId(ID, Decision.Suspend),
                byConsumer(CONSUMER, Decision.Terminate));

        assertThat(Decisions.find(terminateLast, ID, CONSUMER)).contains(Decision.Terminate);
        var terminateFirst = new ArrayList<>(terminateLast);
        Collections.reverse(terminateFirst);
        assertThat(Decisions.find(terminateFirst, ID, CONSUMER)).contains(Decision.Terminate);
        assertThat(Decisions.find(List.of(byId(ID, Decision.Suspend), byId(ID, Decision.Reject)), ID, CONSUMER))
                .contains(Decision.Reject);
    }

    @Test
    void aDecisionByConsumerAppliesWhenNoneNamesTheEndpointId() {
        var decisions = List.of(byId("vpce-0fedcba9876543210", Decision.Reject), byConsumer(CONSUMER, Decision.Accept));

        assertThat(Decisions.find(decisions, ID, CONSUMER)).contains(Decision.Accept);
    }

    @Test
    void decisionsForOtherConnectionsGiveNoDecision() {
        var decisions =
                List.of(byId("vpce-0fedcba9876543210", Decision.Accept), byConsumer("shop/other", Decision.Accept));

        assertThat(Decisions.find(decisions, ID, CONSUMER)).isEmpty();
    }

    @Test
    void anEmptyListGivesNoDecision() {
        assertThat(Decisions.find(List.of(), ID, CONSUMER)).isEmpty();
    }

    @Test
    void noListGivesNoDecision() {
        assertThat(Decisions.find(null, ID, CONSUMER)).isEmpty();
    }
}
