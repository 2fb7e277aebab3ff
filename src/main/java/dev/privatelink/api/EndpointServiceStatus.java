package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class EndpointServiceStatus extends ConditionedStatus {

    @JsonPropertyDescription("The name consumers use (vpce-svc-...), derived from this object's UID.")
    private String serviceName;

    @JsonPropertyDescription("The ports offered, as resolved from the load balancers.")
    private List<Integer> ports;

    @JsonPropertyDescription(
            "Where forwarders send this service's traffic: the resolved load balancers that take connections"
                    + " (weight above 0), on each offered port. Empty until the load balancers resolve.")
    private List<LoadBalancerAddress> upstreams;

    @JsonPropertyDescription("Every endpoint connected or asking to connect, with its state.")
    private List<Connection> connections = new ArrayList<>();

    @JsonPropertyDescription(
            "How many connections the list leaves out: it holds at most 500, those waiting for acceptance first.")
    private Integer unlistedConnections;

    private Integer availableConnections;
    private Integer pendingConnections;

    @JsonPropertyDescription("Delivery to spec.notification's target.")
    private NotificationStatus notifications;

    public NotificationStatus getNotifications() {
        return notifications;
    }

    public void setNotifications(NotificationStatus notifications) {
        this.notifications = notifications;
    }

    public String getServiceName() {
        return serviceName;
    }

    public void setServiceName(String serviceName) {
        this.serviceName = serviceName;
    }

    public List<Integer> getPorts() {
        return ports;
    }

    public void setPorts(List<Integer> ports) {
        this.ports = ports;
    }

    public List<LoadBalancerAddress> getUpstreams() {
        return upstreams;
    }

    public void setUpstreams(List<LoadBalancerAddress> upstreams) {
        this.upstreams = upstreams;
    }

    public List<Connection> getConnections() {
        return connections;
    }

    public void setConnections(List<Connection> connections) {
        this.connections = connections;
    }

    public Integer getUnlistedConnections() {
        return unlistedConnections;
    }

    public void setUnlistedConnections(Integer unlistedConnections) {
        this.unlistedConnections = unlistedConnections;
    }

    public Integer getAvailableConnections() {
        return availableConnections;
    }

    public void setAvailableConnections(Integer availableConnections) {
        this.availableConnections = availableConnections;
    }

    public Integer getPendingConnections() {
        return pendingConnections;
    }

    public void setPendingConnections(Integer pendingConnections) {
        this.pendingConnections = pendingConnections;
    }
}
