package dev.privatelink.desired;

import dev.privatelink.api.ConditionTypes;
import dev.privatelink.api.InterfaceEndpoint;
import java.util.Collection;
import java.util.Comparator;

/**
 * The endpoint quota of a namespace. Endpoints already admitted keep their place ahead of
 * newcomers (creation timestamps have one-second resolution, so age alone could let a newcomer
 * evict an endpoint that carries traffic); among equals the oldest, then the first by name, wins.
 */
public final class Quota {
    private Quota() {}

    private static final Comparator<InterfaceEndpoint> PRECEDENCE = Comparator.comparing(
                    (InterfaceEndpoint ep) -> !admitted(ep))
            .thenComparing(
                    ep -> ep.getMetadata().getCreationTimestamp(), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ep -> ep.getMetadata().getName());

    public static boolean within(
            InterfaceEndpoint endpoint, Collection<InterfaceEndpoint> namespaceEndpoints, int quota) {
        long ahead = namespaceEndpoints.stream()
                .filter(Resources::isLive)
                .filter(other -> !other.getMetadata()
                        .getName()
                        .equals(endpoint.getMetadata().getName()))
                .filter(other -> PRECEDENCE.compare(other, endpoint) < 0)
                .count();
        return ahead < quota;
    }

    static boolean admitted(InterfaceEndpoint ep) {
        return ep.getStatus() != null
                && ep.getStatus()
                        .condition(ConditionTypes.ACCEPTED)
                        .map(c -> c.isTrue())
                        .orElse(false);
    }
}
