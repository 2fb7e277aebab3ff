package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConditionTypes;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuotaTest {

    static final String T1 = "2024-01-01T00:00:01Z";
    static final String T2 = "2024-01-01T00:00:02Z";
    static final String GONE = "2024-01-01T00:01:00Z";

    /** An endpoint the quota has not looked at yet: no status. */
    static InterfaceEndpoint endpoint(String name, String created) {
        InterfaceEndpoint ep = new InterfaceEndpoint();
        ep.setMetadata(new ObjectMetaBuilder()
                .withNamespace("shop")
                .withName(name)
                .withCreationTimestamp(created)
                .build());
        return ep;
    }

    static InterfaceEndpoint withAccepted(InterfaceEndpoint ep, boolean accepted) {
        InterfaceEndpointStatus status = new InterfaceEndpointStatus();
        status.setConditions(List.of(Conditions.of(
                ConditionTypes.ACCEPTED,
                accepted,
                accepted ? ConditionTypes.Reasons.ACCEPTED : ConditionTypes.Reasons.QUOTA_EXCEEDED,
                "",
                1L)));
        ep.setStatus(status);
        return ep;
    }

    static InterfaceEndpoint admitted(String name, String created) {
        return withAccepted(endpoint(name, created), true);
    }

    static InterfaceEndpoint deleting(InterfaceEndpoint ep) {
        ep.getMetadata().setDeletionTimestamp(GONE);
        return ep;
    }

    @Test
    void anAdmittedEndpointKeepsItsPlaceAheadOfAnOlderNewcomer() {
        var older = endpoint("a", T1);
        var admitted = admitted("b", T2);
        var all = List.of(older, admitted);

        assertThat(Quota.within(admitted, all, 1)).isTrue();
        assertThat(Quota.within(older, all, 1)).isFalse();
    }

    @Test
    void anEndpointRefusedForQuotaIsNotAdmitted() {
        var refused = withAccepted(endpoint("a", T1), false);
        var admitted = admitted("b", T2);
        var all = List.of(refused, admitted);

        assertThat(Quota.within(admitted, all, 1)).isTrue();
        assertThat(Quota.within(refused, all, 1)).isFalse();
    }

    @Test
    void amongNewcomersTheOlderWins() {
        var older = endpoint("b", T1);
        var newer = endpoint("a", T2);
        var all = List.of(newer, older);

        assertThat(Quota.within(older, all, 1)).isTrue();
        assertThat(Quota.within(newer, all, 1)).isFalse();
    }

    @Test
    void amongAdmittedEndpointsTheOlderWins() {
        var older = admitted("b", T1);
        var newer = admitted("a", T2);
        var all = List.of(newer, older);

        assertThat(Quota.within(older, all, 1)).isTrue();
        assertThat(Quota.within(newer, all, 1)).isFalse();
    }

    @Test
    void createdInTheSameSecondTheFirstByNameWins() {
        var a = endpoint("a", T1);
        var b = endpoint("b", T1);
        var all = List.of(b, a);

        assertThat(Quota.within(a, all, 1)).isTrue();
        assertThat(Quota.within(b, all, 1)).isFalse();
    }

    @Test
    void anEndpointWithoutCreationTimeComesAfterDatedOnes() {
        var undated = endpoint("a", null);
        var dated = endpoint("b", T2);
        var all = List.of(undated, dated);

        assertThat(Quota.within(dated, all, 1)).isTrue();
        assertThat(Quota.within(undated, all, 1)).isFalse();
    }

    @Test
    void endpointsBeingDeletedDoNotCount() {
        var goingAway = deleting(admitted("a", T1));
        var newcomer = endpoint("b", T2);

        assertThat(Quota.within(newcomer, List.of(goingAway, newcomer), 1)).isTrue();
    }

    @Test
    void anotherCopyOfTheEndpointItselfDoesNotCount() {
        // the informer's copy may already carry the admission the one being reconciled does not
        var cached = admitted("a", T1);
        var current = endpoint("a", T1);

        assertThat(Quota.within(current, List.of(cached), 1)).isTrue();
    }

    @Test
    void endpointsBelowTheQuotaAreAllWithin() {
        var a = endpoint("a", T1);
        var b = endpoint("b", T1);
        var c = endpoint("c", T2);
        var all = List.of(a, b, c);

        assertThat(all).allMatch(ep -> Quota.within(ep, all, 3));
        assertThat(Quota.within(c, all, 2)).isFalse();
    }

    @Test
    void aQuotaOfZeroAdmitsNothing() {
        var alone = admitted("a", T1);

        assertThat(Quota.within(alone, List.of(alone), 0)).isFalse();
    }
}
