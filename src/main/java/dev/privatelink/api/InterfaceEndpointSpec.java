package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "has(oldSelf.serviceCluster) == has(self.serviceCluster)",
        message = "serviceCluster is immutable: delete and recreate the endpoint to connect elsewhere")
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class InterfaceEndpointSpec {

    @JsonPropertyDescription("The endpoint service to connect to, by its service name (vpce-svc-...). Immutable.")
    @Required
    @Pattern("^vpce-svc-[0-9a-f]{17}$")
    @ValidationRule(
            value = "self == oldSelf",
            message = "serviceName is immutable: delete and recreate the endpoint to connect elsewhere")
    private String serviceName;

    @JsonPropertyDescription("The peer cluster that offers the service, by the name of its ClusterPeer (PrivateLink's"
            + " service region). Default: this cluster. Immutable.")
    @Size(max = 63)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @ValidationRule(
            value = "self == oldSelf",
            message = "serviceCluster is immutable: delete and recreate the endpoint to connect elsewhere")
    private String serviceCluster;

    @JsonPropertyDescription("The subset of the service's ports to expose. Default: all ports the service offers.")
    @Size(max = 64)
    @ValidationRule(value = "self.all(p, self.exists_one(q, q == p))", message = "each port may be listed once")
    private List<@Min(1) @Max(65535) Integer> ports;

    @JsonPropertyDescription(
            "Zones (topology.kubernetes.io/zone) whose forwarders may serve this endpoint. Default: all.")
    @Size(max = 16)
    private List<@Pattern("^[A-Za-z0-9]([-._A-Za-z0-9]*[A-Za-z0-9])?$") @Size(max = 63) String> zones;

    @JsonPropertyDescription("The endpoint policy: the workloads of this namespace that may use the endpoint."
            + " Default: every pod of the namespace. The owner's ServicePermission may narrow it; status.allowedWorkloads"
            + " shows what is in force.")
    private AllowedWorkloads allowedWorkloads;

    public String getServiceName() {
        return serviceName;
    }

    public void setServiceName(String serviceName) {
        this.serviceName = serviceName;
    }

    public String getServiceCluster() {
        return serviceCluster;
    }

    public void setServiceCluster(String serviceCluster) {
        this.serviceCluster = serviceCluster;
    }

    public List<Integer> getPorts() {
        return ports;
    }

    public void setPorts(List<Integer> ports) {
        this.ports = ports;
    }

    public List<String> getZones() {
        return zones;
    }

    public void setZones(List<String> zones) {
        this.zones = zones;
    }

    public AllowedWorkloads getAllowedWorkloads() {
        return allowedWorkloads;
    }

    public void setAllowedWorkloads(AllowedWorkloads allowedWorkloads) {
        this.allowedWorkloads = allowedWorkloads;
    }
}
