package dev.privatelink.desired;

import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.RemoteGateway;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.ServiceRef;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import dev.privatelink.forwarder.config.WorkloadAdmission;
import java.util.List;

/**
 * What one port of one endpoint asks of its namespace's forwarder.
 *
 * @param endpointAddress the endpoint Service's ClusterIP, for the PROXY header's destination; null until allocated
 * @param allowedWorkloads which pods of the consumer namespace may use the endpoint; null: every pod
 * @param service the endpoint service the endpoint connects to, for the forwarder's metric labels
 * @param gateway the provider cluster whose gateway the upstreams are; null for a service of this cluster
 */
public record RouteRequest(
        String endpointId,
        int endpointPort,
        List<Upstream> upstreams,
        ProxyProtocol proxyProtocol,
        RouteState state,
        String endpointAddress,
        WorkloadAdmission allowedWorkloads,
        ServiceRef service,
        RemoteGateway gateway) {

    /** A request for a service of this cluster. */
    public RouteRequest(
            String endpointId,
            int endpointPort,
            List<Upstream> upstreams,
            ProxyProtocol proxyProtocol,
            RouteState state,
            String endpointAddress,
            WorkloadAdmission allowedWorkloads,
            ServiceRef service) {
        this(
                endpointId,
                endpointPort,
                upstreams,
                proxyProtocol,
                state,
                endpointAddress,
                allowedWorkloads,
                service,
                null);
    }

    /** A request that admits every pod of the consumer namespace, for an endpoint without an address yet. */
    public RouteRequest(
            String endpointId,
            int endpointPort,
            List<Upstream> upstreams,
            ProxyProtocol proxyProtocol,
            RouteState state) {
        this(endpointId, endpointPort, upstreams, proxyProtocol, state, null, null, null, null);
    }
}
