package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class ServicePermissionSpec {

    @JsonPropertyDescription("Name of the EndpointService in this namespace that the permission is for.")
    @Required
    @Size(min = 1, max = 253)
    @Pattern("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$")
    private String endpointService;

    @JsonPropertyDescription("The principals granted access.")
    @Required
    @Size(min = 1, max = 100)
    private List<Principal> principals = new ArrayList<>();

    @JsonPropertyDescription("Accept connections from these principals without the owner's decision. Default false.")
    @Default("false")
    private Boolean autoAccept = false;

    public String getEndpointService() {
        return endpointService;
    }

    public void setEndpointService(String endpointService) {
        this.endpointService = endpointService;
    }

    public List<Principal> getPrincipals() {
        return principals;
    }

    public void setPrincipals(List<Principal> principals) {
        this.principals = principals;
    }

    public Boolean getAutoAccept() {
        return autoAccept;
    }

    public void setAutoAccept(Boolean autoAccept) {
        this.autoAccept = autoAccept;
    }

    public boolean autoAccept() {
        return autoAccept != null && autoAccept;
    }
}
