package dev.privatelink.forwarder;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The addresses a forwarder never connects to, whatever its configuration says, so that it
 * cannot be made a confused deputy: the unspecified address, link-local addresses (169.254/16
 * holds the cloud metadata service), multicast, the API server's address, and loopback (the
 * forwarder itself) unless the forwarder and its upstreams share a host on purpose, as in the
 * sandbox and the tests.
 *
 * @param allowLoopback whether loopback upstreams are allowed
 * @param forbidden     further addresses never dialled (the API server's)
 */
public record UpstreamGuard(boolean allowLoopback, Set<InetAddress> forbidden) {

    /** What a forwarder in a cluster runs with. */
    public static final UpstreamGuard STRICT = new UpstreamGuard(false, Set.of());

    /** For a forwarder whose upstreams run on its own host (the sandbox, tests). */
    public static final UpstreamGuard SAME_HOST = new UpstreamGuard(true, Set.of());

    public UpstreamGuard {
        forbidden = Set.copyOf(forbidden);
    }

    public UpstreamGuard forbidding(InetAddress address) {
        var more = new HashSet<>(forbidden);
        more.add(address);
        return new UpstreamGuard(allowLoopback, more);
    }

    /** Why this address may not be dialled, for the log and the refusal; empty if it may. */
    public Optional<String> refusal(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return Optional.of("the unspecified address");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local address (cloud metadata lives there)");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        if (address.isLoopbackAddress() && !allowLoopback) {
            return Optional.of("a loopback address");
        }
        if (forbidden.contains(address)) {
            return Optional.of("the API server's address");
        }
        return Optional.empty();
    }
}
