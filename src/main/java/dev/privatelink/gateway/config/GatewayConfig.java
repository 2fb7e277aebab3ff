package dev.privatelink.gateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.privatelink.pki.Pem;
import dev.privatelink.pki.SpiffeId;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.netty.util.NetUtil;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What one provider gateway serves: the contract between the provider's operator and its gateway.
 * The gateway decides every connection from this alone (no API call on the data path), so that it
 * keeps working, on its last good config, while the operator or the API server is away.
 *
 * @param peers     the clusters whose consumers may connect, each with its trust domain and roots
 * @param endpoints the remote endpoints the owner has accepted (or suspended), by endpoint ID
 */
public record GatewayConfig(List<Peer> peers, List<Endpoint> endpoints) {

    // unknown fields are ignored: an operator newer than its gateways may add some during an upgrade
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Pattern ENDPOINT_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    public static final GatewayConfig EMPTY = new GatewayConfig(List.of(), List.of());

    /** The ConfigMap, in the operator's namespace, that the operator writes and the gateway serves, and its key. */
    public static final String CONFIG_MAP = "privatelink-gateway";

    public static final String KEY = "gateway.json";

    public GatewayConfig {
        peers = peers == null ? List.of() : List.copyOf(peers);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }

    /**
     * One peer cluster, named locally (the ClusterPeer's name).
     *
     * @param trustBundle PEM, the peer's root certificates: its consumers' chains must end in one of them
     */
    public record Peer(String name, String trustDomain, String trustBundle, PeerState state) {
        public Peer {
            state = state == null ? PeerState.ACTIVE : state;
        }
    }

    /** A suspended peer keeps its trust but gets no connection: all of them are cut. */
    public enum PeerState {
        ACTIVE,
        SUSPENDED
    }

    /**
     * One remote interface endpoint, as the owner decided it.
     *
     * @param endpointId        the ID the provider assigned; the consumer's forwarder names it in its preamble
     * @param peer              the name of the peer whose consumer created it
     * @param consumerNamespace the namespace of that consumer, as its certificate names it
     * @param ports             the ports the service offers, each with the owner's load balancer addresses
     * @param proxyProtocol     whether the owner wants a PROXY v2 header with the verified endpoint ID
     */
    public record Endpoint(
            String endpointId,
            String peer,
            String consumerNamespace,
            EndpointState state,
            List<Port> ports,
            ProxyProtocol proxyProtocol) {
        public Endpoint {
            state = state == null ? EndpointState.AVAILABLE : state;
            ports = ports == null ? List.of() : List.copyOf(ports);
            proxyProtocol = proxyProtocol == null ? ProxyProtocol.NONE : proxyProtocol;
        }

        public Optional<Port> port(int number) {
            return ports.stream().filter(p -> p.port() == number).findFirst();
        }
    }

    /** Only an available endpoint passes traffic; any other state cuts its connections. */
    public enum EndpointState {
        AVAILABLE,
        SUSPENDED
    }

    /** One offered port: the port the consumer dialled, and where the gateway forwards it. */
    public record Port(int port, List<Upstream> upstreams) {
        public Port {
            upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
        }
    }

    /** An IP address (never a name: nothing is looked up on the data path) and port of the owner's load balancer. */
    public record Upstream(String host, int port) {}

    public enum ProxyProtocol {
        NONE,
        V2
    }

    /** @throws IllegalArgumentException when the text is not JSON of this shape or not servable ({@link #problems()}) */
    public static GatewayConfig fromJson(String json) {
        GatewayConfig config;
        try {
            config = JSON.readValue(json, GatewayConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a gateway config: " + e.getOriginalMessage(), e);
        }
        if (config == null) {
            throw new IllegalArgumentException("not a gateway config: empty");
        }
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid gateway config: " + String.join("; ", problems));
        }
        return config;
    }

    /** @throws IllegalArgumentException when the ConfigMap holds no servable config under {@link #KEY} */
    public static GatewayConfig from(ConfigMap configMap) {
        String json = configMap.getData() == null ? null : configMap.getData().get(KEY);
        if (json == null) {
            throw new IllegalArgumentException("no " + KEY + " in the ConfigMap");
        }
        return fromJson(json);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<Peer> peerOfTrustDomain(String trustDomain) {
        return peers.stream().filter(p -> p.trustDomain().equals(trustDomain)).findFirst();
    }

    public Optional<Endpoint> endpoint(String endpointId) {
        return endpoints.stream().filter(e -> e.endpointId().equals(endpointId)).findFirst();
    }

    /** The peers' roots, parsed, by trust domain. Call on a config whose {@link #problems()} are none. */
    public Map<String, List<X509Certificate>> rootsByTrustDomain() {
        Map<String, List<X509Certificate>> roots = new HashMap<>();
        for (Peer peer : peers) {
            roots.put(peer.trustDomain(), Pem.parseCertificates(peer.trustBundle()));
        }
        return Map.copyOf(roots);
    }

    /** What makes this config unservable, for a person; empty when it can be served. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        Set<String> peerNames = new HashSet<>();
        Set<String> trustDomains = new HashSet<>();
        for (Peer peer : peers) {
            String name = "peer " + peer.name();
            if (peer.name() == null || peer.name().isBlank()) {
                problems.add("a peer has no name");
            } else if (!peerNames.add(peer.name())) {
                problems.add(name + ": named twice");
            }
            if (!SpiffeId.isTrustDomain(peer.trustDomain())) {
                problems.add(name + ": trustDomain is not a trust domain name");
            } else if (!trustDomains.add(peer.trustDomain())) {
                // one trust domain under two names would let either name's endpoints take the other's consumers
                problems.add(name + ": trustDomain " + peer.trustDomain() + " belongs to another peer too");
            }
            try {
                Pem.parseCertificates(peer.trustBundle());
            } catch (IllegalArgumentException e) {
                problems.add(name + ": trustBundle: " + e.getMessage());
            }
        }
        Set<String> ids = new HashSet<>();
        for (Endpoint endpoint : endpoints) {
            String name = "endpoint " + endpoint.endpointId();
            if (endpoint.endpointId() == null
                    || !ENDPOINT_ID.matcher(endpoint.endpointId()).matches()) {
                problems.add(name + ": endpointId is not 1 to 64 letters, digits and dashes");
            } else if (!ids.add(endpoint.endpointId())) {
                problems.add(name + ": listed twice");
            }
            if (!peerNames.contains(endpoint.peer())) {
                problems.add(name + ": peer " + endpoint.peer() + " is not in the config");
            }
            if (endpoint.consumerNamespace() == null
                    || SpiffeId.parse("spiffe://x/privatelink/consumer-ns/" + endpoint.consumerNamespace())
                            .isEmpty()) {
                problems.add(name + ": consumerNamespace is not a namespace name");
            }
            Set<Integer> ports = new HashSet<>();
            for (Port port : endpoint.ports()) {
                if (!isPort(port.port())) {
                    problems.add(name + ": " + port.port() + " is not a TCP port");
                } else if (!ports.add(port.port())) {
                    problems.add(name + ": port " + port.port() + " listed twice");
                }
                for (Upstream upstream : port.upstreams()) {
                    if (upstream.host() == null
                            || (!NetUtil.isValidIpV4Address(upstream.host())
                                    && !NetUtil.isValidIpV6Address(upstream.host()))) {
                        problems.add(name + ": upstream " + upstream.host() + " is not an IP address");
                    }
                    if (!isPort(upstream.port())) {
                        problems.add(name + ": upstream " + upstream.host() + " has no valid port");
                    }
                }
            }
        }
        return problems;
    }

    private static boolean isPort(int port) {
        return port > 0 && port < 65536;
    }
}
