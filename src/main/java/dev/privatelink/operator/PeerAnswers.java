package dev.privatelink.operator;

import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.peering.PeeringMessages.Answer;
import dev.privatelink.peering.PeeringMessages.EndpointAnswer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The consumer side's memory of what each provider cluster last answered for its endpoints. In
 * memory only: after a restart the endpoints keep the state in their status until the first
 * answer (see desired/RemoteConnection), so nothing here needs to survive.
 */
public final class PeerAnswers {

    // peer -> "namespace/name" -> answer
    private final Map<String, Map<String, EndpointAnswer>> answers = new ConcurrentHashMap<>();

    /** The provider's answer for this endpoint; none for another endpoint of the same name (a recreated one). */
    public Optional<EndpointAnswer> answerFor(String peer, InterfaceEndpoint ep) {
        var meta = ep.getMetadata();
        return Optional.ofNullable(answers.getOrDefault(peer, Map.of()).get(meta.getNamespace() + "/" + meta.getName()))
                .filter(a -> Objects.equals(a.uid(), meta.getUid()));
    }

    /** Keeps a peer's answer; returns the endpoints (namespace/name) whose answer changed. */
    public Set<String> record(String peer, Answer answer) {
        Map<String, EndpointAnswer> next = new HashMap<>();
        for (EndpointAnswer a : answer.endpoints()) {
            next.put(a.namespace() + "/" + a.name(), a);
        }
        Map<String, EndpointAnswer> before = answers.put(peer, Map.copyOf(next));
        Map<String, EndpointAnswer> previous = before == null ? Map.of() : before;
        Set<String> changed = new HashSet<>();
        for (var entry : next.entrySet()) {
            if (!entry.getValue().equals(previous.get(entry.getKey()))) {
                changed.add(entry.getKey());
            }
        }
        for (String key : previous.keySet()) {
            if (!next.containsKey(key)) {
                changed.add(key);
            }
        }
        return changed;
    }
}
