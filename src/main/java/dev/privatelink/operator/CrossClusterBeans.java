package dev.privatelink.operator;

import dev.privatelink.config.OperatorSettings;
import dev.privatelink.peering.PeerLink;
import dev.privatelink.peering.PeeringService;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The operator's cross-cluster parts as CDI beans, for the operator role (tests and the sandbox use ControlPlane). */
public class CrossClusterBeans {

    @Produces
    @Singleton
    PeerAnswers peerAnswers() {
        return new PeerAnswers();
    }

    @Produces
    @Singleton
    PeerContacts peerContacts() {
        return new PeerContacts();
    }

    @Produces
    @Singleton
    PeerSync peerSync(PeerLink link, PeerAnswers answers, PeerContacts contacts) {
        return new PeerSync(link, answers, contacts, Clock.systemUTC(), PeerSync.DEFAULT_INTERVAL);
    }

    @Produces
    @Singleton
    GatewayConfigWriter gatewayConfigWriter(KubernetesClient client, OperatorSettings settings) {
        return new GatewayConfigWriter(client, settings.namespace());
    }

    @Produces
    @Singleton
    PeeringService peeringService(KubernetesClient client, PeerContacts contacts) {
        return new PeerEndpointRecords(client, contacts, Clock.systemUTC());
    }
}
