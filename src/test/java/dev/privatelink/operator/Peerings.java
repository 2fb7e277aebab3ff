package dev.privatelink.operator;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerSpec;
import dev.privatelink.peering.PeerConditions;
import dev.privatelink.pki.CertificateAuthority;
import dev.privatelink.pki.Pem;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.List;

/** Helpers of the peering tests. */
final class Peerings {
    private Peerings() {}

    /** A static peer of {@code trustDomain} with a fresh root and one gateway address. */
    static ClusterPeerSpec.Static staticSpec(String trustDomain) {
        ClusterPeerSpec.Static spec = new ClusterPeerSpec.Static();
        spec.setTrustDomain(trustDomain);
        spec.setTrustBundle(Pem.certificates(
                List.of(CertificateAuthority.newRoot(trustDomain, Clock.systemUTC(), CertificateAuthority.ROOT_VALIDITY)
                        .root())));
        spec.setGatewayAddresses(List.of("gw." + trustDomain + ".example:8443"));
        return spec;
    }

    static ClusterPeer get(KubernetesClient client, String name) {
        return client.resources(ClusterPeer.class).withName(name).get();
    }

    static boolean enrolled(KubernetesClient client, String name) {
        ClusterPeer peer = get(client, name);
        return peer != null && PeerConditions.isEnrolled(peer.getStatus());
    }

    /** The reason of the peer's Enrolled condition; null while it has none. */
    static String enrolledReason(KubernetesClient client, String name) {
        ClusterPeer peer = get(client, name);
        return peer == null || peer.getStatus() == null
                ? null
                : peer.getStatus()
                        .condition(PeerConditions.ENROLLED)
                        .map(c -> c.getStatus() + "/" + c.getReason())
                        .orElse(null);
    }
}
