package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * What one connection carried, as its forwarders counted it: bytes each way since {@code since}.
 * The operator reads the forwarders' counters now and then (see the README's Observability
 * section), so these lag by up to that interval and may undercount what passed while no operator
 * was reading; they never count a byte twice.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ConnectionUsage {
    @JsonPropertyDescription("Bytes the consumer's clients sent to the service.")
    private Long bytesFromConsumer;

    @JsonPropertyDescription("Bytes the service sent back to the consumer's clients.")
    private Long bytesToConsumer;

    @JsonPropertyDescription("When counting began for this connection (RFC 3339).")
    private String since;

    public ConnectionUsage() {}

    public ConnectionUsage(long bytesFromConsumer, long bytesToConsumer, String since) {
        this.bytesFromConsumer = bytesFromConsumer;
        this.bytesToConsumer = bytesToConsumer;
        this.since = since;
    }

    public Long getBytesFromConsumer() {
        return bytesFromConsumer;
    }

    public void setBytesFromConsumer(Long bytesFromConsumer) {
        this.bytesFromConsumer = bytesFromConsumer;
    }

    public Long getBytesToConsumer() {
        return bytesToConsumer;
    }

    public void setBytesToConsumer(Long bytesToConsumer) {
        this.bytesToConsumer = bytesToConsumer;
    }

    public String getSince() {
        return since;
    }

    public void setSince(String since) {
        this.since = since;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectionUsage u
                && Objects.equals(bytesFromConsumer, u.bytesFromConsumer)
                && Objects.equals(bytesToConsumer, u.bytesToConsumer)
                && Objects.equals(since, u.since);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bytesFromConsumer, bytesToConsumer, since);
    }

    @Override
    public String toString() {
        return bytesFromConsumer + " bytes from the consumer, " + bytesToConsumer + " to it, since " + since;
    }
}
