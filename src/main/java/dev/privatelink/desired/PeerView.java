package dev.privatelink.desired;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ConditionTypes.Reasons;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A ClusterPeer as an endpoint to one of its services sees it: usable or why not, and where its
 * gateway is.
 *
 * @param problem the reason the peer cannot carry the endpoint ({@code PeerNotFound},
 *                {@code PeerNotReady}, {@code PeerNotAllowed}); null when it can
 */
public record PeerView(String name, String problem, String message, String trustDomain, List<String> gatewayAddresses) {

    public PeerView {
        gatewayAddresses = gatewayAddresses == null ? List.of() : List.copyOf(gatewayAddresses);
    }

    public boolean usable() {
        return problem == null;
    }

    /**
     * @param peer            the ClusterPeer {@code name} names, if it exists
     * @param namespaceLabels the labels of the endpoint's namespace, for the peer's consumerNamespaces;
     *                        null to judge the peer alone
     */
    public static PeerView of(String name, Optional<ClusterPeer> peer, Map<String, String> namespaceLabels) {
        if (peer.isEmpty()) {
            return problem(name, Reasons.PEER_NOT_FOUND, "no ClusterPeer named " + name + " exists in this cluster");
        }
        ClusterPeer p = peer.get();
        var spec = p.getSpec();
        var status = p.getStatus();
        if (spec != null
                && namespaceLabels != null
                && spec.getConsumerNamespaces() != null
                && !LabelSelectors.matches(spec.getConsumerNamespaces(), namespaceLabels)) {
            return problem(
                    name,
                    Reasons.PEER_NOT_ALLOWED,
                    "ClusterPeer " + name + " does not let this namespace create endpoints to the peer"
                            + " (spec.consumerNamespaces)");
        }
        if (spec != null && spec.suspended()) {
            return problem(name, Reasons.PEER_NOT_READY, "ClusterPeer " + name + " is suspended: traffic stopped");
        }
        if (status == null || status.getTrustDomain() == null || status.getTrustBundle() == null) {
            return problem(name, Reasons.PEER_NOT_READY, "ClusterPeer " + name + " is not enrolled yet");
        }
        if (status.getGatewayAddresses() == null || status.getGatewayAddresses().isEmpty()) {
            return problem(
                    name,
                    Reasons.PEER_NOT_READY,
                    "ClusterPeer " + name + " has no gateway address: the peer offers no services to this cluster");
        }
        return new PeerView(name, null, null, status.getTrustDomain(), status.getGatewayAddresses());
    }

    private static PeerView problem(String name, String reason, String message) {
        return new PeerView(name, reason, message, null, List.of());
    }
}
