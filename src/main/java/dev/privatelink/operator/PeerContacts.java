package dev.privatelink.operator;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * When each peer was last heard from: this cluster's syncs to it (consumer side) and its syncs to
 * this cluster (provider side). In memory: a restarted operator says Unknown until the next
 * exchange, a few seconds later. The ClusterPeer reconciler turns it into the Connected condition.
 */
public final class PeerContacts {

    /**
     * @param lastSuccess when an exchange with the peer last succeeded; null if none has
     * @param error       why the latest exchange failed; null when it succeeded
     * @param errorSince  since when exchanges fail
     */
    public record Contact(Instant lastSuccess, String error, Instant errorSince) {
        public boolean reachable() {
            return error == null && lastSuccess != null;
        }
    }

    private final Map<String, Contact> contacts = new ConcurrentHashMap<>();
    private volatile Consumer<String> onChange = peer -> {};

    /** Called with a peer's name when it becomes reachable or unreachable. */
    void onChange(Consumer<String> listener) {
        this.onChange = listener;
    }

    public Optional<Contact> contact(String peer) {
        return Optional.ofNullable(contacts.get(peer));
    }

    public void succeeded(String peer, Instant now) {
        Contact before = contacts.put(peer, new Contact(now, null, null));
        if (before == null || !before.reachable()) {
            onChange.accept(peer);
        }
    }

    public void failed(String peer, String error, Instant now) {
        Contact before = contacts.get(peer);
        contacts.put(
                peer,
                new Contact(
                        before == null ? null : before.lastSuccess(),
                        error,
                        before != null && before.errorSince() != null ? before.errorSince() : now));
        if (before == null || before.reachable()) {
            onChange.accept(peer);
        }
    }
}
