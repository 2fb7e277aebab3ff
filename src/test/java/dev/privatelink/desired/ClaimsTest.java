package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.EndpointService;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClaimsTest {

    static final String T1 = "2024-01-01T00:00:01Z";
    static final String T2 = "2024-01-01T00:00:02Z";

    static EndpointService claimant(String name, String created) {
        EndpointService es = new EndpointService();
        es.setMetadata(new ObjectMetaBuilder()
                .withNamespace("payments")
                .withName(name)
                .withCreationTimestamp(created)
                .build());
        return es;
    }

    static EndpointService deleting(EndpointService es) {
        es.getMetadata().setDeletionTimestamp("2024-01-01T00:01:00Z");
        return es;
    }

    static Optional<String> ownerName(EndpointService... claimants) {
        return Claims.owner(List.of(claimants)).map(es -> es.getMetadata().getName());
    }

    @Test
    void theOldestClaimantOwns() {
        assertThat(ownerName(claimant("a", T2), claimant("b", T1))).contains("b");
    }

    @Test
    void claimantsCreatedInTheSameSecondGoToTheFirstByName() {
        assertThat(ownerName(claimant("b", T1), claimant("a", T1))).contains("a");
    }

    @Test
    void aClaimantWithoutCreationTimeComesAfterDatedOnes() {
        assertThat(ownerName(claimant("a", null), claimant("b", T2))).contains("b");
    }

    @Test
    void aClaimantBeingDeletedOwnsNothing() {
        assertThat(ownerName(deleting(claimant("a", T1)), claimant("b", T2))).contains("b");
    }

    @Test
    void whenEveryClaimantIsBeingDeletedThereIsNoOwner() {
        assertThat(ownerName(deleting(claimant("a", T1)))).isEmpty();
    }

    @Test
    void noClaimantsNoOwner() {
        assertThat(ownerName()).isEmpty();
    }
}
