package dev.privatelink.gateway;

import dev.privatelink.gateway.config.GatewayConfig;
import dev.privatelink.gateway.config.GatewayConfig.Endpoint;
import dev.privatelink.gateway.config.GatewayConfig.EndpointState;
import dev.privatelink.gateway.config.GatewayConfig.Peer;
import dev.privatelink.gateway.config.GatewayConfig.PeerState;
import dev.privatelink.gateway.config.GatewayConfig.Port;
import dev.privatelink.pki.SpiffeId;
import java.util.Optional;

/**
 * The gateway's one decision, pure: may this consumer (its verified certificate identity) use this
 * endpoint port (its preamble), under this config? Taken when a connection arrives and again, for
 * every live connection, whenever the config changes.
 */
public final class Authorization {

    /** Allowed: the endpoint and port to forward to; denied: why. */
    public sealed interface Decision {}

    public record Allowed(Endpoint endpoint, Port port) implements Decision {}

    public record Denied(Denial reason) implements Decision {}

    private Authorization() {}

    public static Decision decide(GatewayConfig config, SpiffeId consumer, String endpointId, int port) {
        if (consumer.role() != SpiffeId.Role.CONSUMER_NAMESPACE) {
            return new Denied(Denial.NOT_A_CONSUMER);
        }
        Optional<Peer> peer = config.peerOfTrustDomain(consumer.trustDomain());
        if (peer.isEmpty()) {
            return new Denied(Denial.UNKNOWN_PEER);
        }
        if (peer.get().state() != PeerState.ACTIVE) {
            return new Denied(Denial.PEER_SUSPENDED);
        }
        Optional<Endpoint> endpoint = config.endpoint(endpointId);
        if (endpoint.isEmpty()) {
            return new Denied(Denial.UNKNOWN_ENDPOINT);
        }
        Endpoint e = endpoint.get();
        if (!e.peer().equals(peer.get().name()) || !e.consumerNamespace().equals(consumer.namespace())) {
            return new Denied(Denial.NOT_THE_CONSUMER);
        }
        if (e.state() != EndpointState.AVAILABLE) {
            return new Denied(Denial.ENDPOINT_SUSPENDED);
        }
        return e.port(port).<Decision>map(p -> new Allowed(e, p)).orElseGet(() -> new Denied(Denial.PORT_NOT_OFFERED));
    }
}
