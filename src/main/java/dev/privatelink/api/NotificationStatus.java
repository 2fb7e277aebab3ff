package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** How delivery to the notification target goes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class NotificationStatus {
    @JsonPropertyDescription("Events delivered (acknowledged with a 2xx) so far.")
    private Long delivered;

    @JsonPropertyDescription("Events waiting for delivery, oldest first; they are retried with backoff.")
    private Integer pending;

    @JsonPropertyDescription("When the last event was delivered (RFC 3339).")
    private String lastDeliveredTime;

    @JsonPropertyDescription("Why the last attempt failed, while an event waits; absent once delivery succeeds.")
    private String lastError;

    public Long getDelivered() {
        return delivered;
    }

    public void setDelivered(Long delivered) {
        this.delivered = delivered;
    }

    public Integer getPending() {
        return pending;
    }

    public void setPending(Integer pending) {
        this.pending = pending;
    }

    public String getLastDeliveredTime() {
        return lastDeliveredTime;
    }

    public void setLastDeliveredTime(String lastDeliveredTime) {
        this.lastDeliveredTime = lastDeliveredTime;
    }

    public String getLastError() {
        return lastError;
    }

    public void setLastError(String lastError) {
        this.lastError = lastError;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NotificationStatus s
                && Objects.equals(delivered, s.delivered)
                && Objects.equals(pending, s.pending)
                && Objects.equals(lastDeliveredTime, s.lastDeliveredTime)
                && Objects.equals(lastError, s.lastError);
    }

    @Override
    public int hashCode() {
        return Objects.hash(delivered, pending, lastDeliveredTime, lastError);
    }
}
