package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * How this cluster comes to trust the peer: by an invite it hands out (the peer joins with its
 * token), by joining the peer's invite, or statically (bundle and addresses given, for GitOps).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "[has(self.invite), has(self.join), has(self.static)].filter(x, x).size() == 1",
        message = "set exactly one enrolment mode: invite, join or static")
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class ClusterPeerSpec {

    @JsonPropertyDescription("Invite the peer: the operator writes a one-time token into a Secret (status.inviteSecret)"
            + " for the peer's admin to join with.")
    private Invite invite;

    @JsonPropertyDescription("Join the peer's invite with the token it handed out.")
    private Join join;

    @JsonProperty("static")
    @JsonPropertyDescription("Trust the peer from what is written here, without a token (GitOps).")
    private Static staticPeer;

    @JsonPropertyDescription("Cut the peer: no connection from or to it passes, live ones are reset. Trust is kept.")
    private Boolean suspended;

    @JsonPropertyDescription("Which of this cluster's namespaces may create endpoints to services of the peer."
            + " Default: every namespace.")
    private NamespaceSelector consumerNamespaces;

    public static final class Invite {
        @JsonPropertyDescription("How long the token may be used, as a Go duration (default 24h, at most 168h).")
        @Pattern("^([0-9]+h)?([0-9]+m)?([0-9]+s)?$")
        @Size(max = 16)
        private String expiresAfter;

        public String getExpiresAfter() {
            return expiresAfter;
        }

        public void setExpiresAfter(String expiresAfter) {
            this.expiresAfter = expiresAfter;
        }
    }

    public static final class Join {
        @JsonPropertyDescription("The Secret, in the operator's namespace, that holds the peer's token.")
        @Required
        private SecretKeyRef tokenSecretRef;

        public SecretKeyRef getTokenSecretRef() {
            return tokenSecretRef;
        }

        public void setTokenSecretRef(SecretKeyRef tokenSecretRef) {
            this.tokenSecretRef = tokenSecretRef;
        }
    }

    public static final class SecretKeyRef {
        @Required
        @Size(max = 253)
        @Pattern("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$")
        private String name;

        @JsonPropertyDescription("Default: token.")
        @Size(max = 253)
        @Pattern("^[-._a-zA-Z0-9]+$")
        private String key;

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
    }

    public static final class Static {
        @JsonPropertyDescription("The peer's trust domain (its operator's trustDomain setting).")
        @Required
        @Size(max = 255)
        @Pattern("^[a-z0-9._-]+$")
        private String trustDomain;

        @JsonPropertyDescription("PEM: the peer's root certificates.")
        @Required
        @Size(max = 65536)
        private String trustBundle;

        @JsonPropertyDescription("The peer gateway's addresses (host:port), when this cluster consumes the peer's"
                + " services. Empty when the peer only consumes from this cluster.")
        @Size(max = 16)
        private List<@Size(max = 261) String> gatewayAddresses;

        public String getTrustDomain() {
            return trustDomain;
        }

        public void setTrustDomain(String trustDomain) {
            this.trustDomain = trustDomain;
        }

        public String getTrustBundle() {
            return trustBundle;
        }

        public void setTrustBundle(String trustBundle) {
            this.trustBundle = trustBundle;
        }

        public List<String> getGatewayAddresses() {
            return gatewayAddresses;
        }

        public void setGatewayAddresses(List<String> gatewayAddresses) {
            this.gatewayAddresses = gatewayAddresses;
        }
    }

    public Invite getInvite() {
        return invite;
    }

    public void setInvite(Invite invite) {
        this.invite = invite;
    }

    public Join getJoin() {
        return join;
    }

    public void setJoin(Join join) {
        this.join = join;
    }

    public Static getStaticPeer() {
        return staticPeer;
    }

    public void setStaticPeer(Static staticPeer) {
        this.staticPeer = staticPeer;
    }

    public Boolean getSuspended() {
        return suspended;
    }

    public void setSuspended(Boolean suspended) {
        this.suspended = suspended;
    }

    public boolean suspended() {
        return Boolean.TRUE.equals(suspended);
    }

    public NamespaceSelector getConsumerNamespaces() {
        return consumerNamespaces;
    }

    public void setConsumerNamespaces(NamespaceSelector consumerNamespaces) {
        this.consumerNamespaces = consumerNamespaces;
    }
}
