package dev.privatelink.desired;

import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.ConnectionState;
import java.util.List;
import java.util.Optional;

/**
 * Everything the state of one endpoint connection depends on.
 *
 * @param previous           the state in the endpoint's status, if any
 * @param previousReason     the reason of the endpoint's Ready condition, if any
 * @param withinQuota        whether the consumer namespace is within its endpoint quota with this endpoint
 * @param serviceFound       whether an endpoint service of that name exists
 * @param permitted          whether a permission of the service grants the consumer namespace
 * @param autoAccept         whether such a permission accepts automatically
 * @param acceptanceRequired the service's setting
 * @param decision           the owner's decision for this connection, if any
 * @param missingPorts       requested ports the service does not offer
 * @param serviceReady       whether the service's load balancers are resolved
 */
public record ConnectionInputs(
        ConnectionState previous,
        String previousReason,
        boolean withinQuota,
        boolean serviceFound,
        boolean permitted,
        boolean autoAccept,
        boolean acceptanceRequired,
        Optional<Decision> decision,
        List<Integer> missingPorts,
        boolean serviceReady) {}
