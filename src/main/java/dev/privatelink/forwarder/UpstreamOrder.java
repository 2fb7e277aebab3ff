package dev.privatelink.forwarder;

import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The order in which a new connection tries the upstreams of its route: a weighted random
 * draw without replacement, so the first choice spreads connections by weight and the rest are
 * the failover order. Upstreams of weight 0 are left out (a drained target in a blue/green
 * switch), unless every weight is 0, in which case all count the same.
 */
final class UpstreamOrder {

    private record Candidate(InetSocketAddress address, int weight) {}

    private final List<Candidate> candidates;

    private UpstreamOrder(List<Candidate> candidates) {
        this.candidates = candidates;
    }

    static UpstreamOrder of(List<Upstream> upstreams) {
        boolean anyWeight = upstreams.stream().anyMatch(Upstream::takesTraffic);
        List<Candidate> candidates = new ArrayList<>();
        for (Upstream upstream : upstreams) {
            if (!anyWeight || upstream.takesTraffic()) {
                candidates.add(
                        new Candidate(address(upstream.host(), upstream.port()), anyWeight ? upstream.weight() : 1));
            }
        }
        return new UpstreamOrder(List.copyOf(candidates));
    }

    /**
     * An IP literal becomes a resolved address (no lookup at all); a name stays unresolved so
     * that the forwarder's asynchronous resolver looks it up per connection, honouring its TTL,
     * without blocking an event loop.
     */
    static InetSocketAddress address(String host, int port) {
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress ip = NetUtil.createInetAddressFromIpAddressString(literal);
        return ip != null ? new InetSocketAddress(ip, port) : InetSocketAddress.createUnresolved(host, port);
    }

    boolean isEmpty() {
        return candidates.isEmpty();
    }

    List<InetSocketAddress> next(RandomGenerator random) {
        if (candidates.size() == 1) {
            return List.of(candidates.get(0).address());
        }
        List<Candidate> left = new ArrayList<>(candidates);
        long weightLeft = left.stream().mapToLong(Candidate::weight).sum();
        List<InetSocketAddress> order = new ArrayList<>(left.size());
        while (!left.isEmpty()) {
            long ticket = random.nextLong(weightLeft);
            int i = 0;
            while (ticket >= left.get(i).weight()) {
                ticket -= left.get(i).weight();
                i++;
            }
            Candidate chosen = left.remove(i);
            weightLeft -= chosen.weight();
            order.add(chosen.address());
        }
        return order;
    }
}
