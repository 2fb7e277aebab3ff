package dev.privatelink.peering;

import dev.privatelink.api.ClusterPeerStatus;
import dev.privatelink.api.Condition;
import dev.privatelink.api.ConditionTypes;
import dev.privatelink.desired.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A ClusterPeer's conditions, pure. Each writer sets its own types and keeps the others':
 * {@code Enrolled} and {@code Ready} are the ClusterPeer reconciler's, {@code Connected} the
 * sync loop's ({@link #connected}), {@code CertificatesReady} the certificate keeper's.
 */
public final class PeerConditions {
    private PeerConditions() {}

    /** The peer's trust domain and roots are known: by invite, join or the static spec. */
    public static final String ENROLLED = "Enrolled";
    /** The last peering exchange with the peer succeeded. */
    public static final String CONNECTED = "Connected";

    public static final class Reasons {
        private Reasons() {}

        public static final String ENROLLED = "Enrolled";
        public static final String STATIC = "Static";
        /** Invite mode: the token is in its Secret, waiting for the peer to join. */
        public static final String INVITE_PENDING = "InvitePending";
        /** Invite mode: the operator has no gateway address to put into a token. */
        public static final String NO_GATEWAY_ADDRESSES = "NoGatewayAddresses";
        /** Join mode: the Secret with the token, or its key, is not there. */
        public static final String TOKEN_NOT_FOUND = "TokenNotFound";

        public static final String INVALID_BUNDLE = "InvalidBundle";
        public static final String INVALID_SPEC = ConditionTypes.Reasons.INVALID_SPEC;
        public static final String OBJECT_CONFLICT = ConditionTypes.Reasons.OBJECT_CONFLICT;
        public static final String SUSPENDED = "Suspended";
        public static final String NOT_ENROLLED = "NotEnrolled";
        public static final String READY = ConditionTypes.Reasons.READY;
        public static final String SYNCED = "Synced";
    }

    /** {@code status} with {@code condition} in place of its type's previous one, the transition time kept while unchanged. */
    public static ClusterPeerStatus with(ClusterPeerStatus status, Condition condition, Instant now) {
        List<Condition> previous = status.getConditions() == null ? List.of() : status.getConditions();
        List<Condition> next = new ArrayList<>();
        boolean placed = false;
        for (Condition c : previous) {
            if (c.getType().equals(condition.getType())) {
                next.addAll(Conditions.merge(previous, List.of(condition), now.toString()));
                placed = true;
            } else {
                next.add(c);
            }
        }
        if (!placed) {
            next.addAll(Conditions.merge(previous, List.of(condition), now.toString()));
        }
        status.setConditions(next);
        return status;
    }

    public static ClusterPeerStatus enrolled(
            ClusterPeerStatus status, boolean enrolled, String reason, String message, Long generation, Instant now) {
        return with(status, Conditions.of(ENROLLED, enrolled, reason, message, generation), now);
    }

    /** For the sync loop: the outcome of the latest exchange; {@code lastContact} moves on success. */
    public static ClusterPeerStatus connected(
            ClusterPeerStatus status, boolean connected, String reason, String message, Long generation, Instant now) {
        if (connected) {
            status.setLastContact(now.toString());
        }
        return with(status, Conditions.of(CONNECTED, connected, reason, message, generation), now);
    }

    /** Ready: enrolled and not suspended. */
    public static ClusterPeerStatus ready(ClusterPeerStatus status, boolean suspended, Long generation, Instant now) {
        boolean enrolled = isEnrolled(status);
        Condition ready = suspended
                ? Conditions.of(
                        ConditionTypes.READY,
                        false,
                        Reasons.SUSPENDED,
                        "spec.suspended: no connection from or to this peer passes and its peering exchanges are"
                                + " refused; trust is kept",
                        generation)
                : enrolled
                        ? Conditions.of(ConditionTypes.READY, true, Reasons.READY, "enrolled", generation)
                        : Conditions.of(
                                ConditionTypes.READY,
                                false,
                                Reasons.NOT_ENROLLED,
                                "not enrolled yet: see the Enrolled condition",
                                generation);
        return with(status, ready, now);
    }

    public static boolean isEnrolled(ClusterPeerStatus status) {
        return status != null
                && status.getTrustDomain() != null
                && status.condition(ENROLLED).map(Condition::isTrue).orElse(false);
    }

    /**
     * When to try an unreachable peer again: half the time it has been failing, between 5
     * seconds and 5 minutes, so a short outage is retried quickly and a long one does not hammer.
     */
    public static Duration retryDelay(Optional<Condition> enrolled, Instant now) {
        Duration failing = enrolled.filter(c -> !c.isTrue())
                .map(Condition::getLastTransitionTime)
                .map(Instant::parse)
                .map(since -> Duration.between(since, now))
                .orElse(Duration.ZERO);
        Duration half = failing.dividedBy(2);
        Duration min = Duration.ofSeconds(5);
        Duration max = Duration.ofMinutes(5);
        return half.compareTo(min) < 0 ? min : half.compareTo(max) > 0 ? max : half;
    }
}
