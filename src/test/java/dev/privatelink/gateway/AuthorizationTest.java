package dev.privatelink.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.gateway.Authorization.Allowed;
import dev.privatelink.gateway.Authorization.Denied;
import dev.privatelink.gateway.config.GatewayConfig;
import dev.privatelink.gateway.config.GatewayConfig.Endpoint;
import dev.privatelink.gateway.config.GatewayConfig.EndpointState;
import dev.privatelink.gateway.config.GatewayConfig.Peer;
import dev.privatelink.gateway.config.GatewayConfig.PeerState;
import dev.privatelink.gateway.config.GatewayConfig.Port;
import dev.privatelink.gateway.config.GatewayConfig.ProxyProtocol;
import dev.privatelink.gateway.config.GatewayConfig.Upstream;
import dev.privatelink.pki.SpiffeId;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorizationTest {

    private static final String ID = "vpce-1";
    private static final SpiffeId SHOP = SpiffeId.consumer("west", "shop");

    private static GatewayConfig config(PeerState peer, EndpointState endpoint) {
        return new GatewayConfig(
                List.of(
                        new Peer("west-peer", "west", "unused here", peer),
                        new Peer("south-peer", "south", "unused here", PeerState.ACTIVE)),
                List.of(new Endpoint(
                        ID,
                        "west-peer",
                        "shop",
                        endpoint,
                        List.of(new Port(443, List.of(new Upstream("10.0.0.1", 443)))),
                        ProxyProtocol.V2)));
    }

    private static final GatewayConfig AVAILABLE = config(PeerState.ACTIVE, EndpointState.AVAILABLE);

    @Test
    void theEndpointsConsumerOnAnOfferedPortIsAllowed() {
        assertThat(Authorization.decide(AVAILABLE, SHOP, ID, 443)).isInstanceOf(Allowed.class);
    }

    @Test
    void everythingElseIsDeniedWithItsReason() {
        assertThat(Authorization.decide(AVAILABLE, SpiffeId.operator("west"), ID, 443))
                .isEqualTo(new Denied(Denial.NOT_A_CONSUMER));
        assertThat(Authorization.decide(AVAILABLE, SpiffeId.consumer("north", "shop"), ID, 443))
                .isEqualTo(new Denied(Denial.UNKNOWN_PEER));
        assertThat(Authorization.decide(config(PeerState.SUSPENDED, EndpointState.AVAILABLE), SHOP, ID, 443))
                .isEqualTo(new Denied(Denial.PEER_SUSPENDED));
        assertThat(Authorization.decide(AVAILABLE, SHOP, "vpce-2", 443)).isEqualTo(new Denied(Denial.UNKNOWN_ENDPOINT));
        // another namespace of the same peer, and the same namespace name in another peer
        assertThat(Authorization.decide(AVAILABLE, SpiffeId.consumer("west", "billing"), ID, 443))
                .isEqualTo(new Denied(Denial.NOT_THE_CONSUMER));
        assertThat(Authorization.decide(AVAILABLE, SpiffeId.consumer("south", "shop"), ID, 443))
                .isEqualTo(new Denied(Denial.NOT_THE_CONSUMER));
        assertThat(Authorization.decide(config(PeerState.ACTIVE, EndpointState.SUSPENDED), SHOP, ID, 443))
                .isEqualTo(new Denied(Denial.ENDPOINT_SUSPENDED));
        assertThat(Authorization.decide(AVAILABLE, SHOP, ID, 80)).isEqualTo(new Denied(Denial.PORT_NOT_OFFERED));
    }
}
