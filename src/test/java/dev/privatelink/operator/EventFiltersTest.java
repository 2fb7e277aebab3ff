package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConditionTypes;
import dev.privatelink.api.Connection;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceStatus;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointStatus;
import dev.privatelink.api.LoadBalancerAddress;
import dev.privatelink.desired.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class EventFiltersTest {

    /** A resolved endpoint service at generation 3, changed by {@code change}. */
    static EndpointService endpointService(Consumer<EndpointService> change) {
        EndpointService es = new EndpointService();
        es.setMetadata(new ObjectMetaBuilder()
                .withNamespace("payments")
                .withName("api")
                .withGeneration(3L)
                .build());
        EndpointServiceStatus status = new EndpointServiceStatus();
        status.setObservedGeneration(3L);
        status.setPorts(List.of(8080));
        status.setConditions(List.of(
                Conditions.of(ConditionTypes.RESOLVED_REFS, true, "Resolved", "", 3L),
                Conditions.of(ConditionTypes.READY, true, "Ready", "", 3L)));
        status.setAvailableConnections(1);
        es.setStatus(status);
        change.accept(es);
        return es;
    }

    /** An available endpoint at generation 1, changed by {@code change}. */
    static InterfaceEndpoint endpoint(Consumer<InterfaceEndpoint> change) {
        InterfaceEndpoint ep = new InterfaceEndpoint();
        ep.setMetadata(new ObjectMetaBuilder()
                .withNamespace("shop")
                .withName("api")
                .withGeneration(1L)
                .build());
        InterfaceEndpointStatus status = new InterfaceEndpointStatus();
        status.setEndpointId("vpce-0123456789abcdef0");
        status.setState(ConnectionState.Available);
        status.setPorts(List.of(8080));
        status.setAddress("10.96.0.20");
        status.setConditions(List.of(Conditions.of(ConditionTypes.READY, true, "Available", "", 1L)));
        ep.setStatus(status);
        change.accept(ep);
        return ep;
    }

    static final Consumer<EndpointService> AS_IS = es -> {};
    static final Consumer<InterfaceEndpoint> UNCHANGED = ep -> {};

    // specChanged

    @Test
    void aNewGenerationIsASpecChange() {
        assertThat(EventFilters.specChanged(
                        endpoint(UNCHANGED), endpoint(ep -> ep.getMetadata().setGeneration(2L))))
                .isTrue();
    }

    @Test
    void startingToGoCountsAsASpecChange() {
        assertThat(EventFilters.specChanged(
                        endpoint(UNCHANGED),
                        endpoint(ep -> ep.getMetadata().setDeletionTimestamp("2024-01-01T00:00:00Z"))))
                .isTrue();
    }

    @Test
    void labelsAndStatusAloneAreNoSpecChange() {
        var relabelled = endpoint(ep -> {
            ep.getMetadata().setLabels(Map.of("team", "retail"));
            ep.getStatus().setState(ConnectionState.Suspended);
        });

        assertThat(EventFilters.specChanged(endpoint(UNCHANGED), relabelled)).isFalse();
    }

    // endpointServiceOfferChanged

    @Test
    void theSameEndpointServiceOffersTheSame() {
        assertThat(EventFilters.endpointServiceOfferChanged(endpointService(AS_IS), endpointService(AS_IS)))
                .isFalse();
    }

    @Test
    void aNewSpecOfTheEndpointServiceChangesTheOffer() {
        assertThat(EventFilters.endpointServiceOfferChanged(
                        endpointService(AS_IS),
                        endpointService(es -> es.getMetadata().setGeneration(4L))))
                .isTrue();
    }

    @Test
    void otherOfferedPortsChangeTheOffer() {
        assertThat(EventFilters.endpointServiceOfferChanged(
                        endpointService(AS_IS),
                        endpointService(es -> es.getStatus().setPorts(List.of(8080, 9090)))))
                .isTrue();
    }

    @Test
    void catchingUpWithTheSpecChangesTheOffer() {
        var behind = endpointService(es -> es.getStatus().setObservedGeneration(2L));

        assertThat(EventFilters.endpointServiceOfferChanged(behind, endpointService(AS_IS)))
                .isTrue();
    }

    @Test
    void losingTheLoadBalancerChangesTheOffer() {
        var unresolved = endpointService(es -> es.getStatus()
                .setConditions(List.of(
                        Conditions.of(ConditionTypes.RESOLVED_REFS, false, "LoadBalancerNotFound", "", 3L),
                        Conditions.of(ConditionTypes.READY, true, "Ready", "", 3L))));

        assertThat(EventFilters.endpointServiceOfferChanged(endpointService(AS_IS), unresolved))
                .isTrue();
    }

    @Test
    void aFirstStatusChangesTheOffer() {
        assertThat(EventFilters.endpointServiceOfferChanged(
                        endpointService(es -> es.setStatus(null)), endpointService(AS_IS)))
                .isTrue();
    }

    @Test
    void connectionCountsAndReadinessDoNotChangeTheOffer() {
        var busier = endpointService(es -> {
            es.getStatus().setAvailableConnections(2);
            es.getStatus().setConnections(List.of(new Connection()));
            es.getStatus()
                    .setConditions(List.of(
                            Conditions.of(ConditionTypes.RESOLVED_REFS, true, "Resolved", "", 3L),
                            Conditions.of(ConditionTypes.READY, false, "NotReady", "", 3L)));
        });

        assertThat(EventFilters.endpointServiceOfferChanged(endpointService(AS_IS), busier))
                .isFalse();
    }

    // endpointStateChanged

    @Test
    void theSameEndpointHasTheSameState() {
        assertThat(EventFilters.endpointStateChanged(endpoint(UNCHANGED), endpoint(UNCHANGED)))
                .isFalse();
    }

    @Test
    void aNewConnectionStateIsAStateChange() {
        assertThat(EventFilters.endpointStateChanged(
                        endpoint(UNCHANGED), endpoint(ep -> ep.getStatus().setState(ConnectionState.Suspended))))
                .isTrue();
    }

    @Test
    void otherPortsAreAStateChange() {
        assertThat(EventFilters.endpointStateChanged(
                        endpoint(UNCHANGED), endpoint(ep -> ep.getStatus().setPorts(List.of(8080, 9090)))))
                .isTrue();
    }

    @Test
    void aFirstEndpointIdIsAStateChange() {
        assertThat(EventFilters.endpointStateChanged(
                        endpoint(ep -> ep.getStatus().setEndpointId(null)), endpoint(UNCHANGED)))
                .isTrue();
    }

    @Test
    void aFirstStatusIsAStateChange() {
        assertThat(EventFilters.endpointStateChanged(endpoint(ep -> ep.setStatus(null)), endpoint(UNCHANGED)))
                .isTrue();
    }

    @Test
    void aNewSpecOfTheEndpointIsAStateChange() {
        assertThat(EventFilters.endpointStateChanged(
                        endpoint(UNCHANGED), endpoint(ep -> ep.getMetadata().setGeneration(2L))))
                .isTrue();
    }

    @Test
    void addressDnsNamesAndConditionMessagesAreNoStateChange() {
        var renamed = endpoint(ep -> {
            ep.getStatus().setAddress("10.96.0.21");
            ep.getStatus().setDnsNames(List.of("api.shop.svc"));
            ep.getStatus()
                    .setConditions(List.of(Conditions.of(ConditionTypes.READY, true, "Available", "reworded", 1L)));
        });

        assertThat(EventFilters.endpointStateChanged(endpoint(UNCHANGED), renamed))
                .isFalse();
    }

    @Test
    void anotherReadyReasonIsAStateChange() {
        // Pending because no listener port is free needs a route; Pending for other reasons does not.
        var waiting = endpoint(ep -> ep.getStatus()
                .setConditions(List.of(Conditions.of(ConditionTypes.READY, false, "NoListenerPort", "", 1L))));

        assertThat(EventFilters.endpointStateChanged(endpoint(UNCHANGED), waiting))
                .isTrue();
    }

    @Test
    void otherUpstreamsChangeTheOffer() {
        assertThat(EventFilters.endpointServiceOfferChanged(
                        endpointService(AS_IS),
                        endpointService(es -> es.getStatus()
                                .setUpstreams(List.of(new LoadBalancerAddress("api-green", "10.96.0.11", 1))))))
                .isTrue();
    }
}
