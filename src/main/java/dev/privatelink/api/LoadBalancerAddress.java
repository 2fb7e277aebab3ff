package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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

    public LoadBalancerAddress() {}

    public LoadBalancerAddress(String name, String address, int weight) {
        this.name = name;
        this.address = address;
        this.weight = weight;
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

    @Override
    public boolean equals(Object o) {
        return o instanceof LoadBalancerAddress a
                && Objects.equals(name, a.name)
                && Objects.equals(address, a.address)
                && Objects.equals(weight, a.weight);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, address, weight);
    }

    @Override
    public String toString() {
        return name + "=" + address + "*" + weight;
    }
}
