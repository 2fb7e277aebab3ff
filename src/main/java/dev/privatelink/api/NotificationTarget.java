package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** Where an owner hears of every change of a connection to its service: CloudEvents over HTTP. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class NotificationTarget {

    @JsonPropertyDescription("The HTTP(S) URL that receives each connection change as a CloudEvent (structured JSON,"
            + " POST); any 2xx answer acknowledges it.")
    @Required
    @Size(max = 2048)
    @Pattern("^https?://\\S+$")
    private String url;

    @JsonPropertyDescription("A header authenticating the operator to the receiver, its value read from a Secret of"
            + " this namespace at delivery time; never logged nor shown in the status.")
    private SecretHeader secretHeader;

    public NotificationTarget() {}

    public NotificationTarget(String url) {
        this.url = url;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public SecretHeader getSecretHeader() {
        return secretHeader;
    }

    public void setSecretHeader(SecretHeader secretHeader) {
        this.secretHeader = secretHeader;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NotificationTarget t
                && Objects.equals(url, t.url)
                && Objects.equals(secretHeader, t.secretHeader);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, secretHeader);
    }
}
