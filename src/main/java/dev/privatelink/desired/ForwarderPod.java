package dev.privatelink.desired;

/** A forwarder pod as the endpoint slices need it. */
public record ForwarderPod(
        String name, String namespace, String ip, boolean ready, boolean terminating, String zone, String nodeName) {

    public boolean ipv6() {
        return ip.contains(":");
    }
}
