package dev.privatelink.desired;

import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import dev.privatelink.forwarder.config.WorkloadAdmission;
import java.util.List;

/** What one port of one endpoint asks of its namespace's forwarder. */
public record RouteRequest(
        String endpointId,
        int endpointPort,
        List<Upstream> upstreams,
        ProxyProtocol proxyProtocol,
        RouteState state,
        WorkloadAdmission allowedWorkloads) {

    /** A request that admits every pod of the consumer namespace. */
    public RouteRequest(
            String endpointId,
            int endpointPort,
            List<Upstream> upstreams,
            ProxyProtocol proxyProtocol,
            RouteState state) {
        this(endpointId, endpointPort, upstreams, proxyProtocol, state, null);
    }
}
