package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * The endpoint policy: which workloads of the consumer namespace may use an endpoint. A pod must
 * meet every part that is given; the owner's ServicePermission may narrow it further.
 */
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "has(self.podSelector) || has(self.serviceAccounts)",
        message =
                "name podSelector, serviceAccounts or both; omit allowedWorkloads to admit every pod of the namespace")
public class AllowedWorkloads {

    /**
     * Few, because the policy in force is in the forwarder's configuration for every endpoint,
     * and that has to fit in a ConfigMap (SEC-03).
     */
    public static final int MAX_SERVICE_ACCOUNTS = 16;

    /** A DNS-1123 subdomain, as Kubernetes names ServiceAccounts. */
    static final String SERVICE_ACCOUNT_NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    @JsonPropertyDescription("Pods whose labels match. Default: any labels.")
    private PodSelector podSelector;

    @JsonPropertyDescription(
            "Pods that run as one of these ServiceAccounts (spec.serviceAccountName) of the namespace. Default: any.")
    @Size(min = 1, max = MAX_SERVICE_ACCOUNTS)
    @ValidationRule(
            value = "self.all(n, self.exists_one(m, m == n))",
            message = "each ServiceAccount may be listed once")
    private List<@Pattern(SERVICE_ACCOUNT_NAME) @Size(max = 253) String> serviceAccounts;

    public AllowedWorkloads() {}

    public static AllowedWorkloads of(PodSelector podSelector, List<String> serviceAccounts) {
        AllowedWorkloads w = new AllowedWorkloads();
        w.podSelector = podSelector;
        w.serviceAccounts = serviceAccounts;
        return w;
    }

    public PodSelector getPodSelector() {
        return podSelector;
    }

    public void setPodSelector(PodSelector podSelector) {
        this.podSelector = podSelector;
    }

    public List<String> getServiceAccounts() {
        return serviceAccounts;
    }

    public void setServiceAccounts(List<String> serviceAccounts) {
        this.serviceAccounts = serviceAccounts;
    }
}
