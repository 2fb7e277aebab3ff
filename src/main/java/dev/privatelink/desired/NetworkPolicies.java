package dev.privatelink.desired;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Building blocks shared by the NetworkPolicies the operator writes. */
final class NetworkPolicies {
    private NetworkPolicies() {}

    static final String INGRESS = "Ingress";
    static final String EGRESS = "Egress";
    static final String TCP = "TCP";
    static final String UDP = "UDP";

    /** Ports by number first, ascending, then by name: rendered policies must not vary between runs. */
    static final Comparator<IntOrString> PORT_ORDER = Comparator.comparing((IntOrString p) -> p.getIntVal() == null)
            .thenComparing(p -> p.getIntVal() == null ? 0 : p.getIntVal())
            .thenComparing(p -> p.getStrVal() == null ? "" : p.getStrVal());

    /** The namespace with this name, by the label only the API server sets. */
    static LabelSelector namespaceNamed(String namespace) {
        return new LabelSelectorBuilder()
                .withMatchLabels(Map.of(Labels.NAMESPACE_NAME, namespace))
                .build();
    }

    static LabelSelector matching(Map<String, String> labels) {
        return new LabelSelectorBuilder().withMatchLabels(new TreeMap<>(labels)).build();
    }

    /**
     * Pods of one namespace: namespace and pod selector in one peer, which means both must match
     * (two peers would admit each on its own).
     */
    static NetworkPolicyPeer podsIn(String namespace, LabelSelector pods) {
        return new NetworkPolicyPeerBuilder()
                .withNamespaceSelector(namespaceNamed(namespace))
                .withPodSelector(pods)
                .build();
    }

    /** Every pod of one namespace. */
    static NetworkPolicyPeer namespace(String namespace) {
        return new NetworkPolicyPeerBuilder()
                .withNamespaceSelector(namespaceNamed(namespace))
                .build();
    }

    static NetworkPolicyPort port(String protocol, IntOrString port) {
        return new NetworkPolicyPortBuilder()
                .withProtocol(protocol)
                .withPort(port)
                .build();
    }

    static NetworkPolicyPort port(String protocol, int port) {
        return port(protocol, new IntOrString(port));
    }

    /** The ports from {@code first} to {@code last}; a range of one is a plain port. */
    static NetworkPolicyPort range(String protocol, int first, int last) {
        NetworkPolicyPort port = port(protocol, first);
        if (last > first) {
            port.setEndPort(last);
        }
        return port;
    }

    static List<NetworkPolicyPort> tcp(Collection<IntOrString> ports) {
        return ports.stream().sorted(PORT_ORDER).map(p -> port(TCP, p)).toList();
    }
}
