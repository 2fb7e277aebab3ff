package dev.privatelink.gateway;

import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the gateway holds a config and a credential, so that its Service sends it no
 * connection it would have to refuse. Also in the health group {@code gateway}
 * ({@code /q/health/group/gateway}), which a gateway pod probes, as a forwarder pod probes its own.
 * Up in every other role: it has nothing to say there.
 */
@Readiness
@HealthGroup(GatewayReadiness.GROUP)
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {

    public static final String GROUP = "gateway";

    @Inject
    GatewayRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        boolean role = runtime.gatewayRole();
        return HealthCheckResponse.named("gateway")
                .status(!role || runtime.ready())
                .withData("role", role)
                .build();
    }
}
