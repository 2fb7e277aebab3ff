package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.Map;

/** Peer clusters by the labels of their ClusterPeers (labels this cluster's admin set, not the peer). */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class PeerSelector {

    @JsonPropertyDescription("Labels a ClusterPeer must all carry, with these values.")
    @Size(min = 1, max = 16)
    private Map<String, String> matchLabels;

    public PeerSelector() {}

    public static PeerSelector matchLabels(Map<String, String> labels) {
        PeerSelector s = new PeerSelector();
        s.matchLabels = labels;
        return s;
    }

    public Map<String, String> getMatchLabels() {
        return matchLabels;
    }

    public void setMatchLabels(Map<String, String> matchLabels) {
        this.matchLabels = matchLabels;
    }

    /** Whether a ClusterPeer with these labels is selected; an empty selector selects none. */
    public boolean matches(Map<String, String> labels) {
        if (matchLabels == null || matchLabels.isEmpty()) {
            return false;
        }
        Map<String, String> have = labels == null ? Map.of() : labels;
        return matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())));
    }
}
