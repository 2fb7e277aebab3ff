package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** The owner's decision on one connection, keyed by endpoint ID or by consumer namespace/name. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "has(self.endpointId) != has(self.consumer)",
        message = "set exactly one of endpointId and consumer")
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class ConnectionDecision {

    @JsonPropertyDescription("The endpoint ID (vpce-...) the decision applies to.")
    @Pattern("^vpce-[0-9a-f]{17}$")
    private String endpointId;

    @JsonPropertyDescription("The consumer endpoint as namespace/name, or peer/namespace/name for one in a peer"
            + " cluster (the peer's ClusterPeer name here); applies to whichever endpoint has that name.")
    @Pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$")
    private String consumer;

    @JsonPropertyDescription("Accept (also resumes a suspended connection), Reject, Suspend or Terminate (final).")
    @Required
    private Decision decision;

    public enum Decision {
        Accept,
        Reject,
        Suspend,
        Terminate;

        /** A value this operator does not know reads as null (see {@link LenientEnum}). */
        @JsonCreator
        public static Decision of(String value) {
            return LenientEnum.parse(Decision.class, value);
        }
    }

    public ConnectionDecision() {}

    public ConnectionDecision(String endpointId, String consumer, Decision decision) {
        this.endpointId = endpointId;
        this.consumer = consumer;
        this.decision = decision;
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

    public Decision getDecision() {
        return decision;
    }

    public void setDecision(Decision decision) {
        this.decision = decision;
    }
}
