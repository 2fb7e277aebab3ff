package dev.privatelink.desired;

import dev.privatelink.forwarder.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.ForwarderConfig.Upstream;
import java.util.List;

/** What one port of one endpoint asks of its namespace's forwarder. */
public record RouteSource(
        String endpointId, int endpointPort, List<Upstream> upstreams, ProxyProtocol proxyProtocol, RouteState state) {}
