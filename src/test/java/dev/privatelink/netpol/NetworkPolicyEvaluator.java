package dev.privatelink.netpol;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a CNI that implements Kubernetes NetworkPolicy (networking.k8s.io/v1) admits, written
 * from the API reference and the "Network Policies" concepts page, for tests: it does not run in a
 * cluster, it answers "would this connection be allowed?".
 *
 * <ul>
 *   <li>A policy selects the pods of its own namespace that match {@code spec.podSelector}; an
 *       empty selector selects every pod of the namespace.
 *   <li>{@code policyTypes} says which directions a policy isolates. Absent (or empty, which the
 *       API server does not keep apart): Ingress always, Egress when the policy has egress rules.
 *   <li>A pod that no policy isolates in a direction allows everything in that direction. A pod
 *       that one does allows exactly the union of the rules of all policies that isolate it in
 *       that direction: policies add up, in no order, and there is no deny rule.
 *   <li>A connection needs both: egress allowed at the source, ingress at the destination.
 *   <li>A rule matches when one of its peers and one of its ports match. An empty or absent peer
 *       list ({@code from}/{@code to}) matches every peer; an empty or absent port list, every
 *       port and protocol.
 *   <li>A peer is a {@code podSelector} alone (pods of the policy's namespace), a
 *       {@code namespaceSelector} alone (every pod of the matching namespaces), both in one peer
 *       (pods that match the pod selector in namespaces that match the namespace selector: an
 *       AND, where two peers would be an OR), or an {@code ipBlock} (addresses in {@code cidr}
 *       and in none of {@code except}). An empty selector matches everything; an absent one
 *       plays no part.
 *   <li>A port has a protocol (default TCP). Without {@code port} it matches every port of the
 *       protocol; a number with {@code endPort} matches the range; a name matches the container
 *       port of that name and protocol of the destination pod (for ingress the selected pod, for
 *       egress the pod connected to).
 *   <li>A label selector holds when all of its {@code matchLabels} and {@code matchExpressions}
 *       hold: In, NotIn (true when the key is absent), Exists, DoesNotExist.
 * </ul>
 *
 * Objects the API server would refuse (a peer with nothing or with an ipBlock and a selector, In
 * without values, endPort with a named port or below port) make the evaluator throw, so that a
 * rendering bug shows as one. Not modelled: hostNetwork pods (a CNI cannot select them; traffic from
 * the node is commonly allowed), ipBlock against pod addresses (implementation-defined; matched
 * like any address here), SCTP specifics.
 */
public final class NetworkPolicyEvaluator {

    /** Something that takes part in a connection: a pod, or an address outside the pod network. */
    public sealed interface Endpoint permits Pod, External {
        String ip();
    }

    /** A pod, with the container ports it names. */
    public record Pod(String namespace, String name, Map<String, String> labels, String ip, List<NamedPort> ports)
            implements Endpoint {
        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }

    public record NamedPort(String name, String protocol, int port) {}

    /** An address that is no pod (the API server, the internet): no policy selects it. */
    public record External(String name, String ip) implements Endpoint {
        @Override
        public String toString() {
            return name;
        }
    }

    private final List<NetworkPolicy> policies;
    private final Map<String, Map<String, String>> namespaceLabels;

    /**
     * @param namespaceLabels every namespace's labels, as the API server keeps them (including
     *                        {@code kubernetes.io/metadata.name})
     */
    public NetworkPolicyEvaluator(
            Collection<NetworkPolicy> policies, Map<String, Map<String, String>> namespaceLabels) {
        this.policies = List.copyOf(policies);
        this.namespaceLabels = Map.copyOf(namespaceLabels);
    }

    /** Whether a new connection from {@code from} to {@code to} on this protocol and port is allowed. */
    public boolean allows(Pod from, Endpoint to, String protocol, int port) {
        return egressAllows(from, to, protocol, port)
                && (!(to instanceof Pod target) || ingressAllows(from, target, protocol, port));
    }

    public boolean egressAllows(Pod from, Endpoint to, String protocol, int port) {
        List<NetworkPolicy> isolating = isolating(from, "Egress");
        if (isolating.isEmpty()) {
            return true;
        }
        for (NetworkPolicy policy : isolating) {
            String namespace = policy.getMetadata().getNamespace();
            for (var rule : policy.getSpec().getEgress()) {
                if (anyPeer(rule.getTo(), namespace, to) && anyPort(rule.getPorts(), to, protocol, port)) {
                    return true;
                }
            }
        }
        return false;
    }

    public boolean ingressAllows(Endpoint from, Pod to, String protocol, int port) {
        List<NetworkPolicy> isolating = isolating(to, "Ingress");
        if (isolating.isEmpty()) {
            return true;
        }
        for (NetworkPolicy policy : isolating) {
            String namespace = policy.getMetadata().getNamespace();
            for (var rule : policy.getSpec().getIngress()) {
                if (anyPeer(rule.getFrom(), namespace, from) && anyPort(rule.getPorts(), to, protocol, port)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The policies that select the pod and isolate it in this direction. */
    private List<NetworkPolicy> isolating(Pod pod, String direction) {
        List<NetworkPolicy> selecting = new ArrayList<>();
        for (NetworkPolicy policy : policies) {
            NetworkPolicySpec spec = policy.getSpec();
            if (pod.namespace().equals(policy.getMetadata().getNamespace())
                    && matches(required(spec.getPodSelector(), "spec.podSelector"), pod.labels())
                    && policyTypes(spec).contains(direction)) {
                selecting.add(policy);
            }
        }
        return selecting;
    }

    static List<String> policyTypes(NetworkPolicySpec spec) {
        if (spec.getPolicyTypes() != null && !spec.getPolicyTypes().isEmpty()) {
            for (String type : spec.getPolicyTypes()) {
                if (!type.equals("Ingress") && !type.equals("Egress")) {
                    throw new IllegalArgumentException("policyTypes: " + type);
                }
            }
            return spec.getPolicyTypes();
        }
        boolean egress = spec.getEgress() != null && !spec.getEgress().isEmpty();
        return egress ? List.of("Ingress", "Egress") : List.of("Ingress");
    }

    private boolean anyPeer(List<NetworkPolicyPeer> peers, String policyNamespace, Endpoint other) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        return peers.stream().anyMatch(peer -> peerMatches(peer, policyNamespace, other));
    }

    private boolean peerMatches(NetworkPolicyPeer peer, String policyNamespace, Endpoint other) {
        LabelSelector pods = peer.getPodSelector();
        LabelSelector namespaces = peer.getNamespaceSelector();
        IPBlock block = peer.getIpBlock();
        if (block != null) {
            if (pods != null || namespaces != null) {
                throw new IllegalArgumentException("a peer with an ipBlock and a selector");
            }
            return inBlock(block, other.ip());
        }
        if (pods == null && namespaces == null) {
            throw new IllegalArgumentException("a peer without podSelector, namespaceSelector or ipBlock");
        }
        if (!(other instanceof Pod pod)) {
            // selectors pick pods; an address outside the pod network is none of them
            return false;
        }
        boolean namespaceOk = namespaces == null
                ? pod.namespace().equals(policyNamespace)
                : matches(namespaces, labelsOf(pod.namespace()));
        boolean podOk = pods == null || matches(pods, pod.labels());
        return namespaceOk && podOk;
    }

    private Map<String, String> labelsOf(String namespace) {
        Map<String, String> labels = namespaceLabels.get(namespace);
        if (labels == null) {
            throw new IllegalArgumentException("unknown namespace " + namespace);
        }
        return labels;
    }

    private static boolean anyPort(List<NetworkPolicyPort> ports, Endpoint destination, String protocol, int port) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        return ports.stream().anyMatch(p -> portMatches(p, destination, protocol, port));
    }

    private static boolean portMatches(NetworkPolicyPort rule, Endpoint destination, String protocol, int port) {
        String ruleProtocol = rule.getProtocol() == null ? "TCP" : rule.getProtocol();
        IntOrString rulePort = rule.getPort();
        Integer endPort = rule.getEndPort();
        if (endPort != null && (rulePort == null || rulePort.getIntVal() == null)) {
            throw new IllegalArgumentException("endPort needs a numeric port");
        }
        if (!ruleProtocol.equals(protocol)) {
            return false;
        }
        if (rulePort == null) {
            return true;
        }
        if (rulePort.getIntVal() != null) {
            int first = rulePort.getIntVal();
            if (endPort == null) {
                return port == first;
            }
            if (endPort < first) {
                throw new IllegalArgumentException("endPort " + endPort + " below port " + first);
            }
            return first <= port && port <= endPort;
        }
        // A named port is the destination pod's container port of that name and protocol.
        return destination instanceof Pod pod
                && pod.ports().stream()
                        .anyMatch(named -> named.name().equals(rulePort.getStrVal())
                                && named.protocol().equals(protocol)
                                && named.port() == port);
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector.getMatchLabels() != null) {
            for (var e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                if (!requirementHolds(r, labels)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean requirementHolds(LabelSelectorRequirement r, Map<String, String> labels) {
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        String value = labels.get(Objects.requireNonNull(r.getKey(), "matchExpressions key"));
        switch (r.getOperator()) {
            case "In", "NotIn" -> {
                if (values.isEmpty()) {
                    throw new IllegalArgumentException(r.getOperator() + " without values: " + r.getKey());
                }
                boolean in = value != null && values.contains(value);
                return r.getOperator().equals("In") == in;
            }
            case "Exists", "DoesNotExist" -> {
                if (!values.isEmpty()) {
                    throw new IllegalArgumentException(r.getOperator() + " with values: " + r.getKey());
                }
                return r.getOperator().equals("Exists") == labels.containsKey(r.getKey());
            }
            default -> throw new IllegalArgumentException("operator " + r.getOperator());
        }
    }

    static boolean inBlock(IPBlock block, String ip) {
        if (!inCidr(block.getCidr(), ip)) {
            return false;
        }
        return block.getExcept() == null || block.getExcept().stream().noneMatch(e -> inCidr(e, ip));
    }

    static boolean inCidr(String cidr, String ip) {
        String[] parts = cidr.split("/", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("not a CIDR: " + cidr);
        }
        byte[] network = address(parts[0]);
        byte[] address = address(ip);
        int bits = Integer.parseInt(parts[1]);
        if (network.length != address.length) {
            return false;
        }
        if (bits < 0 || bits > network.length * 8) {
            throw new IllegalArgumentException("not a CIDR: " + cidr);
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((network[i / 8] & mask) != (address[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] address(String literal) {
        if (!literal.matches("[0-9a-fA-F.:]+")) {
            throw new IllegalArgumentException("not an IP address: " + literal);
        }
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + literal, e);
        }
    }

    private static LabelSelector required(LabelSelector selector, String field) {
        if (selector == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return selector;
    }
}
