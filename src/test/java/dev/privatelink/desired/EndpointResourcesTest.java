package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EndpointResourcesTest {

    static InterfaceEndpoint endpoint() {
        InterfaceEndpoint ep = new InterfaceEndpoint();
        ep.setMetadata(new ObjectMetaBuilder()
                .withNamespace("shop")
                .withName("api")
                .withUid("u-1")
                .build());
        ep.setSpec(new InterfaceEndpointSpec());
        return ep;
    }

    static final List<ForwarderPod> ONLY_ZONE_A =
            List.of(new ForwarderPod("fwd-a", "system", "10.244.0.5", true, false, "zone-a", "node-a"));

    @Test
    void aZonalServiceStaysWhileItsZoneHasNoForwarderPod() {
        EndpointObjects objects = EndpointResources.desired(
                endpoint(),
                "vpce-0123456789abcdef0",
                ConnectionState.Available,
                List.of(443),
                Map.of(443, 10000),
                ONLY_ZONE_A,
                Set.of("zone-a", "zone-b"));

        assertThat(objects.services())
                .extracting(s -> s.getMetadata().getName())
                .containsExactly("api", "api-zone-a", "api-zone-b");
        EndpointSlice zoneB = objects.slices().stream()
                .filter(s -> s.getMetadata().getName().equals("api-zone-b-ipv4"))
                .findFirst()
                .orElseThrow();
        assertThat(zoneB.getEndpoints()).isEmpty();
    }

    @Test
    void servedZonesComeFromTheZoneLabelOfTheEndpointsServices() {
        Service regional = new Service();
        regional.setMetadata(new ObjectMetaBuilder().withName("api").build());
        Service zonal = new Service();
        zonal.setMetadata(new ObjectMetaBuilder()
                .withName("api-zone-b")
                .withLabels(Map.of(Labels.ZONE, "zone-b"))
                .build());

        assertThat(EndpointResources.servedZones(List.of(regional, zonal))).containsExactly("zone-b");
    }
}
