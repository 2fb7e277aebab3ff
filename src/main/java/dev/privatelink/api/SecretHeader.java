package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * An HTTP header sent with each notification, its value a key of a Secret in the owner's
 * namespace: the operator GETs that one Secret at delivery time, where the owner has let it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class SecretHeader {

    @JsonPropertyDescription("The Secret, in the EndpointService's namespace, holding the header's value. The operator"
            + " reads it only where the namespace binds the chart's ClusterRole"
            + " <release>-notification-secret-reader to the operator's service account.")
    @Required
    @Size(max = 253)
    @Pattern("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$")
    private String name;

    @JsonPropertyDescription("The key of the Secret whose value is sent.")
    @Required
    @Size(max = 253)
    @Pattern("^[-._a-zA-Z0-9]+$")
    private String key;

    @JsonPropertyDescription("The HTTP header's name, for instance Authorization or X-Hook-Token.")
    @Required
    @Size(max = 128)
    @Pattern("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
    private String header;

    public SecretHeader() {}

    public SecretHeader(String name, String key, String header) {
        this.name = name;
        this.key = key;
        this.header = header;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public String getHeader() {
        return header;
    }

    public void setHeader(String header) {
        this.header = header;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretHeader h
                && Objects.equals(name, h.name)
                && Objects.equals(key, h.key)
                && Objects.equals(header, h.header);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, key, header);
    }
}
