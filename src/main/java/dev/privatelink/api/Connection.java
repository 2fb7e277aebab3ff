package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One endpoint connection as the owner sees it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class Connection {
    private String endpointId;
    private String consumer;
    private ConnectionState state;

    @JsonPropertyDescription("Bytes each way since a time, as the connection's forwarders counted them.")
    private ConnectionUsage usage;

    public Connection() {}

    public Connection(String endpointId, String consumer, ConnectionState state) {
        this.endpointId = endpointId;
        this.consumer = consumer;
        this.state = state;
    }

    public String getEndpointId() {
        return endpointId;
    }

    public void setEndpointId(String endpointId) {
        this.endpointId = endpointId;
    }

    public String getConsumer() {
        return consumer;
    }

    public void setConsumer(String consumer) {
        this.consumer = consumer;
    }

    public ConnectionState getState() {
        return state;
    }

    public void setState(ConnectionState state) {
        this.state = state;
    }

    public ConnectionUsage getUsage() {
        return usage;
    }

    public void setUsage(ConnectionUsage usage) {
        this.usage = usage;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Connection c
                && Objects.equals(endpointId, c.endpointId)
                && Objects.equals(consumer, c.consumer)
                && state == c.state
                && Objects.equals(usage, c.usage);
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpointId, consumer, state, usage);
    }
}
