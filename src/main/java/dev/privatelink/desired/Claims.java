package dev.privatelink.desired;

import dev.privatelink.api.EndpointService;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** A Service backs at most one endpoint service: the oldest claim wins, ties broken by name. */
public final class Claims {
    private Claims() {}

    static final Comparator<EndpointService> OLDEST_FIRST = Comparator.comparing(
                    (EndpointService es) -> es.getMetadata().getCreationTimestamp(),
                    Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(es -> es.getMetadata().getName());

    /** The endpoint service that owns a load balancer, among all that name it. */
    public static Optional<EndpointService> owner(Collection<EndpointService> claimants) {
        return claimants.stream().filter(Resources::isLive).min(OLDEST_FIRST);
    }
}
