package dev.privatelink.gateway;

import dev.privatelink.forwarder.ForwarderRuntime;
import io.quarkus.runtime.annotations.CommandLineArguments;
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

    private final boolean gatewayRole;
    private volatile Gateway gateway;

    @Inject
    public GatewayReadiness(@CommandLineArguments String[] args) {
        this.gatewayRole = GROUP.equals(ForwarderRuntime.role(args));
    }

    /** The running gateway, whose readiness this reports from now on. */
    void serve(Gateway running) {
        this.gateway = running;
    }

    @Override
    public HealthCheckResponse call() {
        Gateway current = gateway;
        boolean ready = !gatewayRole || (current != null && current.isReady());
        return HealthCheckResponse.named("gateway")
                .status(ready)
                .withData("role", gatewayRole)
                .build();
    }
}
