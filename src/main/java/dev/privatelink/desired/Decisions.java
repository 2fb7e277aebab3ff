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
        Optional<Decision> byId = decisions.stream()
                .filter(d -> endpointId.equals(d.getEndpointId()))
                .map(ConnectionDecision::getDecision)
                .findFirst();
        return byId.or(() -> decisions.stream()
                .filter(d -> consumer.equals(d.getConsumer()))
                .map(ConnectionDecision::getDecision)
                .findFirst());
    }
}
