package dev.privatelink.operator;

import dev.privatelink.config.OperatorSettings;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * Two operator replicas run; one reconciles, holding a Lease in the operator's namespace. The
 * SDK activates it in the prod profile only (quarkus.operator-sdk.activate-leader-election-for-profiles).
 */
@ApplicationScoped
public class LeaderElection {

    static final String LEASE = "kube-privatelink-operator";

    @Produces
    LeaderElectionConfiguration leaderElection(OperatorSettings settings) {
        return new LeaderElectionConfiguration(LEASE, settings.namespace());
    }
}
