package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.Condition;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointStatus;
import dev.privatelink.ids.Ids;
import dev.privatelink.peering.PeeringMessages.EndpointAnswer;
import dev.privatelink.peering.PeeringMessages.RequestedEndpoint;
import dev.privatelink.peering.PeeringMessages.Snapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RemoteRecordsTest {

    static final String SERVICE = "vpce-svc-0123456789abcdef0";

    static RequestedEndpoint requested(String namespace, String name, String uid, Integer... ports) {
        return new RequestedEndpoint(namespace, name, uid, SERVICE, List.of(ports), Map.of("team", "shop"));
    }

    static InterfaceEndpoint stored(InterfaceEndpoint record, String uid) {
        record.getMetadata().setUid(uid);
        return record;
    }

    @Test
    void aPeersNamespaceIsPrefixedAndAlwaysAValidNamespaceName() {
        assertThat(RemoteRecords.namespaceOf("shop-eu")).isEqualTo("pl-peer-shop-eu");
        String longest = "p".repeat(63);
        assertThat(RemoteRecords.namespaceOf(longest))
                .hasSizeLessThanOrEqualTo(63)
                .startsWith("pl-peer-p")
                .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")
                .isNotEqualTo(RemoteRecords.namespaceOf("p".repeat(62) + "q"));
        assertThat(RemoteRecords.namespaceOf("east.prod"))
                .matches("pl-peer-east-prod-[0-9a-f]{8}")
                .isNotEqualTo(RemoteRecords.namespaceOf("east-prod"));
    }

    @Test
    void aRecordIsNamedNamespaceDotNameAndShortenedWhenThatIsTooLong() {
        assertThat(RemoteRecords.recordName("shop", "api")).isEqualTo("shop.api");
        String name = RemoteRecords.recordName("n".repeat(63), "e".repeat(253));
        assertThat(name).hasSizeLessThanOrEqualTo(253).matches("[a-z0-9]([-.a-z0-9]*[a-z0-9])?");
        assertThat(name).isNotEqualTo(RemoteRecords.recordName("n".repeat(63), "e".repeat(252) + "f"));
    }

    @Test
    void aRecordNamesItsRemoteConsumer() {
        InterfaceEndpoint record = RemoteRecords.desired("shop-eu", requested("shop", "api", "u1", 443));
        assertThat(record.getMetadata().getNamespace()).isEqualTo("pl-peer-shop-eu");
        assertThat(record.getSpec().getServiceName()).isEqualTo(SERVICE);
        assertThat(record.getSpec().getPorts()).containsExactly(443);
        assertThat(RemoteRecords.isRecord(record)).isTrue();
        assertThat(RemoteRecords.consumerOf(record)).hasValueSatisfying(c -> {
            assertThat(c.key()).isEqualTo("shop-eu/shop/api");
            assertThat(c.namespaceLabels()).containsExactlyEntriesOf(Map.of("team", "shop"));
        });
        assertThat(RemoteRecords.consumerKey(record)).isEqualTo("shop-eu/shop/api");
    }

    @Test
    void thePeerLabelOutsideThePeersNamespaceMakesNoRecord() {
        // a tenant labelling its own endpoint cannot pass for a peer's consumer
        InterfaceEndpoint forged = RemoteRecords.desired("shop-eu", requested("shop", "api", "u1"));
        forged.getMetadata().setNamespace("tenant");
        assertThat(RemoteRecords.isRecord(forged)).isFalse();
        assertThat(RemoteRecords.consumerOf(forged)).isEmpty();
        assertThat(RemoteRecords.consumerKey(forged)).isEqualTo("tenant/shop.api");
    }

    @Test
    void unreadableNamespaceLabelsReadAsNone() {
        InterfaceEndpoint record = RemoteRecords.desired("shop-eu", requested("shop", "api", "u1"));
        record.getMetadata().getAnnotations().put(RemoteRecords.REMOTE_NAMESPACE_LABELS, "{not json");
        assertThat(RemoteRecords.consumerOf(record).orElseThrow().namespaceLabels())
                .isEmpty();
    }

    @Test
    void changesCreateUpdateReplaceAndDeleteToMatchTheSnapshot() {
        InterfaceEndpoint same = stored(RemoteRecords.desired("p", requested("shop", "same", "u1", 80)), "b1");
        InterfaceEndpoint ports = stored(RemoteRecords.desired("p", requested("shop", "ports", "u2", 80)), "b2");
        InterfaceEndpoint recreated = stored(RemoteRecords.desired("p", requested("shop", "again", "old")), "b3");
        InterfaceEndpoint gone = stored(RemoteRecords.desired("p", requested("shop", "gone", "u4")), "b4");
        Snapshot snapshot = new Snapshot(List.of(
                requested("shop", "same", "u1", 80),
                requested("shop", "ports", "u2", 443),
                requested("shop", "again", "new"),
                requested("shop", "fresh", "u5")));

        RemoteRecords.Changes changes = RemoteRecords.changes("p", snapshot, List.of(same, ports, recreated, gone));

        assertThat(names(changes.create())).containsExactlyInAnyOrder("shop.again", "shop.fresh");
        assertThat(names(changes.update())).containsExactly("shop.ports");
        assertThat(names(changes.delete())).containsExactly("shop.again");
        assertThat(names(changes.absent())).containsExactly("shop.gone");
    }

    @Test
    void anEmptySnapshotLeavesEveryRecordAbsentAndReplacesNone() {
        InterfaceEndpoint record = stored(RemoteRecords.desired("p", requested("shop", "a", "u1")), "b1");
        RemoteRecords.Changes changes = RemoteRecords.changes("p", new Snapshot(List.of()), List.of(record));
        assertThat(names(changes.absent())).containsExactly("shop.a");
        assertThat(changes.delete()).isEmpty();
    }

    @Test
    void anUndecidedRecordIsAnsweredPendingWithItsEndpointId() {
        InterfaceEndpoint record = stored(RemoteRecords.desired("p", requested("shop", "a", "u1")), "b1");
        EndpointAnswer answer = RemoteRecords.answer(requested("shop", "a", "u1"), record);
        assertThat(answer.endpointId()).isEqualTo(Ids.endpointId("b1"));
        assertThat(answer.state()).isEqualTo(ConnectionState.Pending);
        assertThat(answer.uid()).isEqualTo("u1");
        assertThat(answer.ports()).isEmpty();
    }

    @Test
    void aDecidedRecordIsAnsweredWithItsStateReasonAndPorts() {
        InterfaceEndpoint record = stored(RemoteRecords.desired("p", requested("shop", "a", "u1")), "b1");
        InterfaceEndpointStatus status = new InterfaceEndpointStatus();
        status.setState(ConnectionState.Available);
        status.setPorts(List.of(443));
        Condition ready = new Condition();
        ready.setType("Ready");
        ready.setStatus("True");
        ready.setReason("Available");
        ready.setMessage("traffic flows");
        status.setConditions(List.of(ready));
        record.setStatus(status);
        EndpointAnswer answer = RemoteRecords.answer(requested("shop", "a", "u1"), record);
        assertThat(answer.state()).isEqualTo(ConnectionState.Available);
        assertThat(answer.reason()).isEqualTo("Available");
        assertThat(answer.message()).isEqualTo("traffic flows");
        assertThat(answer.ports()).containsExactly(443);

        status.setState(ConnectionState.Rejected);
        assertThat(RemoteRecords.answer(requested("shop", "a", "u1"), record).ports())
                .isEmpty();
    }

    private static List<String> names(List<InterfaceEndpoint> endpoints) {
        return endpoints.stream().map(e -> e.getMetadata().getName()).toList();
    }
}
