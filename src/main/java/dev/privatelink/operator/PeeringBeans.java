package dev.privatelink.operator;

import dev.privatelink.peering.PeerLink;
import dev.privatelink.peering.PeeringClient;
import dev.privatelink.pki.LocalTrust;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The peering beans: the {@link PeerLink} over the peering protocol, and a stand-in for this
 * cluster's trust (until a Secret-backed {@link LocalTrust} exists, one held in memory, which a
 * restart replaces: peers enrolled under it stop trusting this cluster). Each is replaced by any
 * other bean of its type.
 */
@ApplicationScoped
public class PeeringBeans {

    /** The trust domain when no setting names one. */
    static final String DEFAULT_TRUST_DOMAIN = "cluster.local";

    static LocalTrust inMemoryTrust() {
        String trustDomain = ConfigProvider.getConfig()
                .getOptionalValue("privatelink.trust-domain", String.class)
                .orElse(DEFAULT_TRUST_DOMAIN);
        return LocalTrust.inMemory(trustDomain, Clock.systemUTC());
    }

    @Produces
    @DefaultBean
    @Singleton
    LocalTrust localTrust() {
        return inMemoryTrust();
    }

    /** The consumer side of sync: dials the peer's gateway as this cluster's operator. */
    @Produces
    @DefaultBean
    @Singleton
    PeerLink peerLink(LocalTrust trust) {
        return new PeeringClient(trust, Clock.systemUTC());
    }
}
