package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A resolved load balancer that takes traffic: where forwarders connect for this endpoint service. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class LoadBalancerAddress {
    @JsonPropertyDescription("The Service's name.")
    private String name;

    @JsonPropertyDescription("Its ClusterIP, or its DNS name when it is headless.")
    private String address;

    @JsonPropertyDescription("Its share of new connections, relative to the others'.")
    private Integer weight;

    // NetworkPolicies are evaluated after the ClusterIP is translated to a pod address, so the
    // forwarders' egress policies admit the pods behind the Service, not its address.
    @JsonPropertyDescription(
            "The Service's pod selector (spec.selector): the pods forwarders connect to. Absent for a Service"
                    + " without one, which no NetworkPolicy can admit.")
    private Map<String, String> podSelector;

    @JsonPropertyDescription("The pods' ports behind the offered ports (the Service's targetPort, by number or name).")
    private List<IntOrString> targetPorts;

    public LoadBalancerAddress() {}

    public LoadBalancerAddress(String name, String address, int weight) {
        this(name, address, weight, null, null);
    }

    public LoadBalancerAddress(
            String name, String address, int weight, Map<String, String> podSelector, List<IntOrString> targetPorts) {
        this.name = name;
        this.address = address;
        this.weight = weight;
        this.podSelector = podSelector;
        this.targetPorts = targetPorts;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address;
    }

    public Integer getWeight() {
        return weight;
    }

    public void setWeight(Integer weight) {
        this.weight = weight;
    }

    public Map<String, String> getPodSelector() {
        return podSelector;
    }

    public void setPodSelector(Map<String, String> podSelector) {
        this.podSelector = podSelector;
    }

    public List<IntOrString> getTargetPorts() {
        return targetPorts;
    }

    public void setTargetPorts(List<IntOrString> targetPorts) {
        this.targetPorts = targetPorts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoadBalancerAddress a
                && Objects.equals(name, a.name)
                && Objects.equals(address, a.address)
                && Objects.equals(weight, a.weight)
                && Objects.equals(podSelector, a.podSelector)
                && Objects.equals(targetPorts, a.targetPorts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, address, weight, podSelector, targetPorts);
    }

    @Override
    public String toString() {
        return name + "=" + address + "*" + weight;
    }
}
