package dev.privatelink.desired;

import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionDecision.Decision;
import java.util.List;
import java.util.Optional;

/** Finds the owner's decision for one connection: an entry by endpoint ID wins over one by consumer. */
public final class Decisions {
    private Decisions() {}

    public static Optional<Decision> find(List<ConnectionDecision> decisions, String endpointId, String consumer) {
        if (decisions == null) {
            return Optional.empty();
        }
        // An entry whose decision this operator does not know is ignored (and reported on the service).
        List<ConnectionDecision> known = decisions.stream()
                .filter(d -> d != null && d.getDecision() != null)
                .toList();
        Optional<Decision> byId = known.stream()
                .filter(d -> endpointId.equals(d.getEndpointId()))
                .map(ConnectionDecision::getDecision)
                .findFirst();
        return byId.or(() -> known.stream()
                .filter(d -> consumer.equals(d.getConsumer()))
                .map(ConnectionDecision::getDecision)
                .findFirst());
    }
}
