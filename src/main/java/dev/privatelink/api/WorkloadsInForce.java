package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import java.util.Objects;

/**
 * The workloads an endpoint's forwarder admits: the endpoint's policy intersected with the
 * owner's restriction, as applied. Absent from the status: every pod of the namespace.
 */
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadsInForce {

    @JsonPropertyDescription("Pods whose labels match. Absent: any labels.")
    private LabelSelector podSelector;

    @JsonPropertyDescription("ServiceAccounts a pod must run as. Absent: any; empty: no pod is admitted.")
    private List<String> serviceAccounts;

    public WorkloadsInForce() {}

    public WorkloadsInForce(LabelSelector podSelector, List<String> serviceAccounts) {
        this.podSelector = podSelector;
        this.serviceAccounts = serviceAccounts;
    }

    public LabelSelector getPodSelector() {
        return podSelector;
    }

    public void setPodSelector(LabelSelector podSelector) {
        this.podSelector = podSelector;
    }

    public List<String> getServiceAccounts() {
        return serviceAccounts;
    }

    public void setServiceAccounts(List<String> serviceAccounts) {
        this.serviceAccounts = serviceAccounts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkloadsInForce other
                && Objects.equals(podSelector, other.podSelector)
                && Objects.equals(serviceAccounts, other.serviceAccounts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(podSelector, serviceAccounts);
    }
}
