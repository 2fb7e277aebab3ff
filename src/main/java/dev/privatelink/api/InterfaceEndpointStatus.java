package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class InterfaceEndpointStatus extends ConditionedStatus {

    @JsonPropertyDescription("The endpoint ID (vpce-...), derived from this object's UID.")
    private String endpointId;

    @JsonPropertyDescription("The connection state, as PrivateLink names it.")
    private ConnectionState state;

    @JsonPropertyDescription("The private address: the ClusterIP of the endpoint's Service.")
    private String address;

    @JsonPropertyDescription("DNS names that reach the endpoint: the regional one first, then one per zone.")
    private List<String> dnsNames;

    @JsonPropertyDescription("The ports the endpoint exposes.")
    private List<Integer> ports;

    @JsonPropertyDescription("The workloads of the namespace the forwarder admits: the endpoint's policy and the"
            + " owner's restriction together. Absent: every pod of the namespace.")
    private WorkloadsInForce allowedWorkloads;

    public String getEndpointId() {
        return endpointId;
    }

    public void setEndpointId(String endpointId) {
        this.endpointId = endpointId;
    }

    public ConnectionState getState() {
        return state;
    }

    public void setState(ConnectionState state) {
        this.state = state;
    }

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address;
    }

    public List<String> getDnsNames() {
        return dnsNames;
    }

    public void setDnsNames(List<String> dnsNames) {
        this.dnsNames = dnsNames;
    }

    public List<Integer> getPorts() {
        return ports;
    }

    public void setPorts(List<Integer> ports) {
        this.ports = ports;
    }

    public WorkloadsInForce getAllowedWorkloads() {
        return allowedWorkloads;
    }

    public void setAllowedWorkloads(WorkloadsInForce allowedWorkloads) {
        this.allowedWorkloads = allowedWorkloads;
    }
}
