package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.Connection;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointServiceStatus;
import dev.privatelink.api.InterfaceEndpoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SEC-19: the owner's status stays within what the API server stores, and shows what needs the owner first. */
class EndpointServicePlanTest {

    @Test
    void theStatusListsAtMostFiveHundredConnectionsThoseWaitingForTheOwnerFirst() {
        List<InterfaceEndpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            endpoints.add(PlanGoldenTest.connected("ns-" + i, "u-" + i, ConnectionState.Available));
        }
        endpoints.add(PlanGoldenTest.connected("zz-last", "u-waiting", ConnectionState.PendingAcceptance));

        EndpointServiceStatus status = EndpointServicePlan.of(
                        PlanGoldenTest.resolvable(PlanGoldenTest.endpointService(), endpoints))
                .status();

        assertThat(status.getConnections()).hasSize(500);
        assertThat(status.getConnections().get(0).getConsumer()).isEqualTo("zz-last/payments");
        assertThat(status.getUnlistedConnections()).isEqualTo(101);
        assertThat(status.getAvailableConnections()).isEqualTo(600);
        assertThat(status.getPendingConnections()).isEqualTo(1);
        assertThat(status.getConnections()).extracting(Connection::getState).doesNotContainNull();
    }

    @Test
    void aShortListLeavesNothingOut() {
        EndpointServiceStatus status = EndpointServicePlan.of(PlanGoldenTest.resolvable(
                        PlanGoldenTest.endpointService(),
                        List.of(PlanGoldenTest.connected("shop", "u-1", ConnectionState.Available))))
                .status();

        assertThat(status.getConnections()).hasSize(1);
        assertThat(status.getUnlistedConnections()).isNull();
    }
}
