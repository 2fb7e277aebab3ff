package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionDecision.Decision;
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
    void aDecisionByEndpointIdWinsOverOneByConsumerListedBeforeIt() {
        var decisions = List.of(byConsumer(CONSUMER, Decision.Accept), byId(ID, Decision.Suspend));

        assertThat(Decisions.find(decisions, ID, CONSUMER)).contains(Decision.Suspend);
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
