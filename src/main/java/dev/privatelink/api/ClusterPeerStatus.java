package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * What this cluster knows of the peer once enrolled: its trust domain, roots and gateway
 * addresses. For invite and join this is the only record of the enrolment (nothing else can
 * rebuild it), so backups must keep status, as Velero does.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class ClusterPeerStatus extends ConditionedStatus {

    @JsonPropertyDescription("The peer's trust domain: the authority of its SPIFFE IDs.")
    private String trustDomain;

    @JsonPropertyDescription("The peer cluster's UID (its kube-system namespace's UID), as it stated it at enrolment.")
    private String clusterUid;

    @JsonPropertyDescription("PEM: the peer's root certificates, which its gateway's and consumers' chains end in.")
    private String trustBundle;

    @JsonPropertyDescription(
            "The peer gateway's addresses (host:port); empty when this cluster does not consume" + " from the peer.")
    private List<String> gatewayAddresses;

    @JsonPropertyDescription("The Secret, in the operator's namespace, holding the invite token (invite mode).")
    private String inviteSecret;

    @JsonPropertyDescription("When the invite token expires (invite mode, until used).")
    private String inviteExpires;

    @JsonPropertyDescription("SHA-256 (hex) of what enrols this peer: invite mode, of the invite's one-time code"
            + " (the code itself is only in the invite Secret); join mode, of the token last presented.")
    private String tokenHash;

    @JsonPropertyDescription("When the peering exchange last succeeded.")
    private String lastContact;

    @JsonPropertyDescription("How long the data plane can run on the certificates it holds now, without the control"
            + " plane (the earliest expiry among them), e.g. 2d17h.")
    private String runway;

    @JsonPropertyDescription("When the earliest of those certificates expires.")
    private String certificatesExpire;

    public String getTrustDomain() {
        return trustDomain;
    }

    public void setTrustDomain(String trustDomain) {
        this.trustDomain = trustDomain;
    }

    public String getClusterUid() {
        return clusterUid;
    }

    public void setClusterUid(String clusterUid) {
        this.clusterUid = clusterUid;
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

    public String getInviteSecret() {
        return inviteSecret;
    }

    public void setInviteSecret(String inviteSecret) {
        this.inviteSecret = inviteSecret;
    }

    public String getInviteExpires() {
        return inviteExpires;
    }

    public void setInviteExpires(String inviteExpires) {
        this.inviteExpires = inviteExpires;
    }

    public String getTokenHash() {
        return tokenHash;
    }

    public void setTokenHash(String tokenHash) {
        this.tokenHash = tokenHash;
    }

    public String getLastContact() {
        return lastContact;
    }

    public void setLastContact(String lastContact) {
        this.lastContact = lastContact;
    }

    public String getRunway() {
        return runway;
    }

    public void setRunway(String runway) {
        this.runway = runway;
    }

    public String getCertificatesExpire() {
        return certificatesExpire;
    }

    public void setCertificatesExpire(String certificatesExpire) {
        this.certificatesExpire = certificatesExpire;
    }
}
