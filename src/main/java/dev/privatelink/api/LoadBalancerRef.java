package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Service of the owner's namespace that plays the network load balancer. */
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class LoadBalancerRef {

    @JsonPropertyDescription("Name of a Service in this namespace.")
    @Required
    @Size(min = 1, max = 63)
    @Pattern("^[a-z]([-a-z0-9]*[a-z0-9])?$")
    private String name;

    @JsonPropertyDescription("Relative share of new connections (0 takes none, for blue/green cut-over). Default 1.")
    @Min(0)
    @Max(1000)
    @Default("1")
    private Integer weight = 1;

    public LoadBalancerRef() {}

    public LoadBalancerRef(String name, int weight) {
        this.name = name;
        this.weight = weight;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Integer getWeight() {
        return weight;
    }

    public void setWeight(Integer weight) {
        this.weight = weight;
    }

    public int weightOrDefault() {
        return weight == null ? 1 : weight;
    }
}
