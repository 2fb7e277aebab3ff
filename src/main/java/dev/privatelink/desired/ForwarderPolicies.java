package dev.privatelink.desired;

import static dev.privatelink.desired.NetworkPolicies.EGRESS;
import static dev.privatelink.desired.NetworkPolicies.INGRESS;
import static dev.privatelink.desired.NetworkPolicies.TCP;
import static dev.privatelink.desired.NetworkPolicies.UDP;

import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.LoadBalancerAddress;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.forwarder.HostPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlockBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The NetworkPolicy of one consumer namespace's forwarder pods, next to them in the operator's
 * namespace. Ingress: only from the consumer namespace, on the listener port range (the chart's
 * policies add the metrics port from the monitoring namespace). Egress: only to the cluster DNS,
 * the API server (the forwarder watches its ConfigMap) and the pods behind the load balancers of
 * the services the namespace's routes lead to, on their target ports. A forwarder pointed
 * anywhere else (an ExternalName "load balancer", a cloud metadata address) cannot connect there.
 */
public final class ForwarderPolicies {
    private ForwarderPolicies() {}

    public static NetworkPolicy of(ForwarderWorld world, OperatorSettings settings) {
        String consumer = world.consumerNamespace().name();
        Map<String, String> labels = new LinkedHashMap<>(Labels.managed(Labels.COMPONENT_FORWARDER_POLICY));
        labels.put(Labels.CONSUMER_NAMESPACE, consumer);
        OperatorSettings.Forwarder fwd = settings.forwarder();
        List<NetworkPolicyEgressRule> egress = new ArrayList<>();
        egress.add(dns(settings.networkPolicy()));
        egress.add(apiServer(settings.networkPolicy()));
        egress.addAll(upstreams(world));
        egress.addAll(peerGateways(world));
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName(world.consumerNamespace().forwarderName())
                .withNamespace(settings.namespace())
                .withLabels(labels)
                .withOwnerReferences(world.consumerNamespace().ownerReference())
                .endMetadata()
                .withNewSpec()
                .withPodSelector(NetworkPolicies.matching(ForwarderResources.selectorLabels(consumer)))
                .withPolicyTypes(INGRESS, EGRESS)
                .addNewIngress()
                .withFrom(NetworkPolicies.namespace(consumer))
                .withPorts(NetworkPolicies.range(TCP, fwd.firstListenPort(), fwd.lastListenPort()))
                .endIngress()
                .withEgress(egress)
                .endSpec()
                .build();
    }

    private static NetworkPolicyEgressRule dns(OperatorSettings.NetworkPolicy settings) {
        return new NetworkPolicyEgressRuleBuilder()
                .withTo(NetworkPolicies.podsIn(
                        settings.dnsNamespace(), NetworkPolicies.matching(labels(settings.dnsPodLabels()))))
                .withPorts(NetworkPolicies.port(UDP, settings.dnsPort()), NetworkPolicies.port(TCP, settings.dnsPort()))
                .build();
    }

    /** To the configured CIDRs, or (none configured) to any address, on the API server's ports only. */
    private static NetworkPolicyEgressRule apiServer(OperatorSettings.NetworkPolicy settings) {
        List<NetworkPolicyPeer> to = settings.apiServerCidrs().orElse(List.of()).stream()
                .map(cidr -> new NetworkPolicyPeerBuilder()
                        .withIpBlock(new IPBlockBuilder().withCidr(cidr).build())
                        .build())
                .toList();
        return new NetworkPolicyEgressRuleBuilder()
                .withTo(to)
                .withPorts(new TreeSet<>(settings.apiServerPorts())
                        .stream().map(p -> NetworkPolicies.port(TCP, p)).toList())
                .build();
    }

    /**
     * One rule per set of pods (namespace and selector): a rule admits every port it lists to
     * every peer it lists, so pods with different ports need rules of their own. Only endpoints
     * whose connections carry or may resume traffic count: for the others the forwarder has no
     * route, so it never connects.
     */
    static List<NetworkPolicyEgressRule> upstreams(ForwarderWorld world) {
        Map<String, Pods> pods = new TreeMap<>();
        for (InterfaceEndpoint ep : world.endpoints()) {
            EndpointService es = ep.getSpec() == null
                    ? null
                    : world.services().get(ep.getSpec().getServiceName());
            if (!ForwarderPlan.carriesTraffic(ep.getStatus())
                    || es == null
                    || es.getStatus() == null
                    || es.getStatus().getUpstreams() == null) {
                continue;
            }
            String namespace = es.getMetadata().getNamespace();
            for (LoadBalancerAddress lb : es.getStatus().getUpstreams()) {
                if (lb.getPodSelector() == null || lb.getPodSelector().isEmpty() || lb.getTargetPorts() == null) {
                    continue;
                }
                Map<String, String> selector = new TreeMap<>(lb.getPodSelector());
                pods.computeIfAbsent(namespace + "/" + selector, k -> new Pods(namespace, selector))
                        .ports()
                        .addAll(lb.getTargetPorts());
            }
        }
        return pods.values().stream()
                .map(p -> new NetworkPolicyEgressRuleBuilder()
                        .withTo(NetworkPolicies.podsIn(p.namespace(), NetworkPolicies.matching(p.selector())))
                        .withPorts(NetworkPolicies.tcp(p.ports()))
                        .build())
                .toList();
    }

    /**
     * To the gateways of the peer clusters whose services the namespace's endpoints use: an
     * address as a /32 (/128) block on its port; a name cannot be written in a NetworkPolicy, so
     * a gateway known by name is reachable on its port at any address (mutual TLS still admits
     * only that peer's gateway).
     */
    static List<NetworkPolicyEgressRule> peerGateways(ForwarderWorld world) {
        Map<Integer, Set<String>> cidrsByPort = new TreeMap<>();
        Set<Integer> anyAddress = new TreeSet<>();
        for (InterfaceEndpoint ep : world.endpoints()) {
            String cluster = ep.getSpec() == null ? null : ep.getSpec().getServiceCluster();
            PeerView peer = cluster == null ? null : world.peers().get(cluster);
            if (peer == null || !peer.usable() || !ForwarderPlan.carriesTraffic(ep.getStatus())) {
                continue;
            }
            for (String address : peer.gatewayAddresses()) {
                HostPort gateway;
                try {
                    gateway = HostPort.parse(address);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (NetUtil.isValidIpV4Address(gateway.host())) {
                    cidrsByPort
                            .computeIfAbsent(gateway.port(), p -> new TreeSet<>())
                            .add(gateway.host() + "/32");
                } else if (NetUtil.isValidIpV6Address(gateway.host())) {
                    cidrsByPort
                            .computeIfAbsent(gateway.port(), p -> new TreeSet<>())
                            .add(gateway.host() + "/128");
                } else {
                    anyAddress.add(gateway.port());
                }
            }
        }
        List<NetworkPolicyEgressRule> rules = new ArrayList<>();
        cidrsByPort.forEach((port, cidrs) -> {
            if (!anyAddress.contains(port)) {
                rules.add(new NetworkPolicyEgressRuleBuilder()
                        .withTo(cidrs.stream()
                                .map(cidr -> new NetworkPolicyPeerBuilder()
                                        .withIpBlock(new IPBlockBuilder()
                                                .withCidr(cidr)
                                                .build())
                                        .build())
                                .toList())
                        .withPorts(NetworkPolicies.port(TCP, port))
                        .build());
            }
        });
        anyAddress.forEach(port -> rules.add(new NetworkPolicyEgressRuleBuilder()
                .withPorts(NetworkPolicies.port(TCP, port))
                .build()));
        return rules;
    }

    private record Pods(String namespace, Map<String, String> selector, Set<IntOrString> ports) {
        Pods(String namespace, Map<String, String> selector) {
            this(namespace, selector, new TreeSet<>(NetworkPolicies.PORT_ORDER));
        }
    }

    /** {@code k=v,k2=v2} as a map; blanks around keys and values do not count. */
    static Map<String, String> labels(String pairs) {
        Map<String, String> labels = new TreeMap<>();
        for (String pair : pairs.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw new IllegalArgumentException("not a key=value label: " + pair);
            }
            labels.put(kv[0].strip(), kv[1].strip());
        }
        return labels;
    }
}
