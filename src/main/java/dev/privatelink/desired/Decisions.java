package dev.privatelink.desired;

import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionDecision.Decision;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Finds the owner's decision for one connection. */
public final class Decisions {
    private Decisions() {}

    /** Most restrictive first: when entries disagree, the one that lets less through wins. */
    private static final List<Decision> PRECEDENCE =
            List.of(Decision.Terminate, Decision.Reject, Decision.Suspend, Decision.Accept);

    /**
     * The owner's decision for one connection: of every entry that names it, by endpoint ID or by
     * consumer, the most restrictive (deny overrides; list order never matters).
     */
    public static Optional<Decision> find(List<ConnectionDecision> decisions, String endpointId, String consumer) {
        if (decisions == null) {
            return Optional.empty();
        }
        // An entry whose decision this operator does not know is ignored (and reported on the service).
        return decisions.stream()
                .filter(d -> d != null && d.getDecision() != null)
                .filter(d -> endpointId.equals(d.getEndpointId()) || consumer.equals(d.getConsumer()))
                .map(ConnectionDecision::getDecision)
                .min(Comparator.comparingInt(PRECEDENCE::indexOf));
    }
}
