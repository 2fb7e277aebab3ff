package dev.privatelink.desired;

import static dev.privatelink.api.ConditionTypes.RESOLVED_REFS;

import dev.privatelink.api.Condition;
import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.EndpointService;
import dev.privatelink.peering.PeeringMessages.EndpointAnswer;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What an endpoint found when it looked up the service it names. */
public sealed interface ServiceLookup {

    /** No live endpoint service has that name. */
    record NotFound() implements ServiceLookup {}

    /**
     * @param service            the endpoint service, for the Events its owner reads
     * @param grant              what the service's permissions grant the consumer namespace
     * @param acceptanceRequired the service's setting
     * @param decision           the owner's decision for this connection, if any
     * @param readyPorts         the ports the service offers, once its load balancers resolved
     * @param ownerServiceAccounts the ServiceAccounts of the consumer namespace the owner's
     *                           permissions restrict it to; empty: no restriction
     */
    record Found(
            EndpointService service,
            Grant grant,
            boolean acceptanceRequired,
            Optional<Decision> decision,
            Optional<List<Integer>> readyPorts,
            Optional<Set<String>> ownerServiceAccounts)
            implements ServiceLookup {

        /** A service whose owner restricts no ServiceAccounts. */
        public Found(
                EndpointService service,
                Grant grant,
                boolean acceptanceRequired,
                Optional<Decision> decision,
                Optional<List<Integer>> readyPorts) {
            this(service, grant, acceptanceRequired, decision, readyPorts, Optional.empty());
        }
    }

    /**
     * The service is another cluster's ({@code spec.serviceCluster}): the peer as this cluster
     * knows it, and the provider's last answer for the endpoint, if any since this operator started.
     */
    record Remote(PeerView peer, Optional<EndpointAnswer> answer) implements ServiceLookup {}

    ServiceLookup NOT_FOUND = new NotFound();

    /** Reads from a live endpoint service what one connection to it depends on. */
    static Found found(
            EndpointService service,
            Grant grant,
            Optional<Set<String>> ownerServiceAccounts,
            String endpointId,
            String consumer) {
        var spec = service.getSpec();
        return new Found(
                service,
                grant,
                spec == null || spec.acceptanceRequired(),
                spec == null ? Optional.empty() : Decisions.find(spec.getConnections(), endpointId, consumer),
                readyPorts(service),
                ownerServiceAccounts);
    }

    /**
     * The offered ports, once the owner side has resolved the load balancers. A status older than
     * the spec still counts: the owner's most frequent edit is a decision, which changes no port,
     * and waiting for the status to catch up would take every connection of the service through
     * Pending, with no addresses, on each decision. The status catches up within a reconcile, and
     * the endpoints follow it.
     */
    static Optional<List<Integer>> readyPorts(EndpointService service) {
        var status = service.getStatus();
        boolean resolved = status != null
                && status.getPorts() != null
                && status.condition(RESOLVED_REFS).map(Condition::isTrue).orElse(false);
        return resolved ? Optional.of(List.copyOf(status.getPorts())) : Optional.empty();
    }
}
