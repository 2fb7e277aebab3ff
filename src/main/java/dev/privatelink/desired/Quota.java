package dev.privatelink.desired;

import dev.privatelink.api.InterfaceEndpoint;
import java.util.Collection;
import java.util.Comparator;

/** The endpoint quota of a namespace: the oldest endpoints fit, the ones past the limit do not. */
public final class Quota {
    private Quota() {
    }

    private static final Comparator<InterfaceEndpoint> OLDEST_FIRST = Comparator
            .comparing((InterfaceEndpoint ep) -> ep.getMetadata().getCreationTimestamp(),
                    Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ep -> ep.getMetadata().getName());

    public static boolean within(InterfaceEndpoint endpoint, Collection<InterfaceEndpoint> namespaceEndpoints,
            int quota) {
        long older = namespaceEndpoints.stream()
                .filter(other -> other.getMetadata().getDeletionTimestamp() == null)
                .filter(other -> OLDEST_FIRST.compare(other, endpoint) < 0)
                .count();
        return older < quota;
    }
}
