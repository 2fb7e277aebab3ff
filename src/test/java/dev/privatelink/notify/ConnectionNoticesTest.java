package dev.privatelink.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.Connection;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.notify.ConnectionNotices.Kind;
import dev.privatelink.notify.ConnectionNotices.Notice;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionNoticesTest {

    static Connection c(String id, ConnectionState state) {
        return new Connection(id, "shop/" + id, state);
    }

    static List<Kind> kinds(List<Connection> before, List<Connection> after) {
        return ConnectionNotices.between(before, after, false).stream()
                .map(Notice::kind)
                .toList();
    }

    @Test
    void aNewConnectionIsAConnectAndAnAcceptWhenAutoAccepted() {
        assertThat(kinds(List.of(), List.of(c("a", ConnectionState.PendingAcceptance))))
                .containsExactly(Kind.CONNECT);
        assertThat(kinds(List.of(), List.of(c("a", ConnectionState.Pending))))
                .containsExactly(Kind.CONNECT, Kind.ACCEPT);
        assertThat(kinds(List.of(), List.of(c("a", ConnectionState.Rejected))))
                .containsExactly(Kind.CONNECT, Kind.REJECT);
    }

    @Test
    void theOwnersDecisionsAreNotified() {
        var pending = List.of(c("a", ConnectionState.PendingAcceptance));
        var available = List.of(c("a", ConnectionState.Available));
        var suspended = List.of(c("a", ConnectionState.Suspended));
        assertThat(kinds(pending, available)).containsExactly(Kind.ACCEPT);
        assertThat(kinds(pending, List.of(c("a", ConnectionState.Rejected)))).containsExactly(Kind.REJECT);
        assertThat(kinds(available, suspended)).containsExactly(Kind.SUSPEND);
        assertThat(kinds(suspended, available)).containsExactly(Kind.RESUME);
        assertThat(kinds(available, List.of(c("a", ConnectionState.Terminated))))
                .containsExactly(Kind.TERMINATE);
        assertThat(kinds(available, List.of())).containsExactly(Kind.DELETE);
    }

    /** Pending is the data plane catching up, not a decision: Available ⇄ Pending notifies nobody. */
    @Test
    void theDataPlaneCatchingUpIsNoChange() {
        var available = List.of(c("a", ConnectionState.Available));
        var pending = List.of(c("a", ConnectionState.Pending));
        assertThat(kinds(available, pending)).isEmpty();
        assertThat(kinds(pending, available)).isEmpty();
        assertThat(kinds(available, available)).isEmpty();
    }

    @Test
    void aConnectionMissingFromAFullListIsNotTakenForDeleted() {
        assertThat(ConnectionNotices.between(List.of(c("a", ConnectionState.Available)), List.of(), true))
                .isEmpty();
    }

    @Test
    void typesAreCloudEventsTypesOfThePrivatelinkNamespace() {
        assertThat(List.of(Kind.values()))
                .extracting(Kind::type)
                .containsExactly(
                        "dev.privatelink.connection.connected",
                        "dev.privatelink.connection.accepted",
                        "dev.privatelink.connection.rejected",
                        "dev.privatelink.connection.suspended",
                        "dev.privatelink.connection.resumed",
                        "dev.privatelink.connection.terminated",
                        "dev.privatelink.connection.deleted");
    }
}
