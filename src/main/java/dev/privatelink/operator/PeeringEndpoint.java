package dev.privatelink.operator;

import dev.privatelink.config.OperatorSettings;
import dev.privatelink.peering.PeeringServer;
import dev.privatelink.peering.PeeringService;
import dev.privatelink.pki.LocalTrust;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;

/** The operator's peering server and what answers its requests, started and stopped together. */
record PeeringEndpoint(PeeringServer server, PeeringRequests requests) implements AutoCloseable {

    /** Every operator replica serves peering: enrolments are decided on the API server's state, not the leader's. */
    static PeeringEndpoint start(
            KubernetesClient client, OperatorSettings settings, LocalTrust trust, Clock clock, PeeringService service) {
        PeeringRequests requests = new PeeringRequests(client, settings, trust, clock, service);
        try {
            return new PeeringEndpoint(
                    new PeeringServer("0.0.0.0", settings.peering().port(), trust, clock, requests), requests);
        } catch (RuntimeException e) {
            requests.close();
            throw e;
        }
    }

    @Override
    public void close() {
        server.close();
        requests.close();
    }
}
