package dev.privatelink.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SpiffeIdTest {

    @Test
    void roundTripsEachRole() {
        for (SpiffeId id : new SpiffeId[] {
            SpiffeId.operator("east.example"), SpiffeId.gateway("east.example"), SpiffeId.consumer("west", "shop")
        }) {
            assertThat(SpiffeId.parse(id.uri())).contains(id);
        }
        assertThat(SpiffeId.consumer("west", "shop").uri()).isEqualTo("spiffe://west/privatelink/consumer-ns/shop");
    }

    @Test
    void refusesWhatIsNotOneOfOurs() {
        assertThat(SpiffeId.parse("https://west/privatelink/operator")).isEmpty();
        assertThat(SpiffeId.parse("spiffe://west/other/operator")).isEmpty();
        assertThat(SpiffeId.parse("spiffe://west/privatelink/admin")).isEmpty();
        assertThat(SpiffeId.parse("spiffe://west/privatelink/consumer-ns/")).isEmpty();
        assertThat(SpiffeId.parse("spiffe://west/privatelink/consumer-ns/a/b")).isEmpty();
        assertThat(SpiffeId.parse("spiffe://west/privatelink/consumer-ns/UPPER"))
                .isEmpty();
        assertThat(SpiffeId.parse("spiffe://west:443/privatelink/gateway")).isEmpty();
        assertThat(SpiffeId.parse("spiffe://user@west/privatelink/gateway")).isEmpty();
        assertThat(SpiffeId.parse("spiffe://west/privatelink/gateway?x=1")).isEmpty();
        assertThat(SpiffeId.parse("spiffe://West/privatelink/gateway")).isEmpty();
        assertThat(SpiffeId.parse("not a uri at all")).isEmpty();
    }

    @Test
    void aNamespaceGoesWithTheConsumerRoleOnly() {
        assertThatThrownBy(() -> new SpiffeId("west", SpiffeId.Role.GATEWAY, "shop"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SpiffeId("west", SpiffeId.Role.CONSUMER_NAMESPACE, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
