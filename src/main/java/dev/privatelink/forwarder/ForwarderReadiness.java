package dev.privatelink.forwarder;

import dev.privatelink.forwarder.ForwarderRuntime.Phase;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the forwarder serves every active route of its config, so that the
 * endpoint's EndpointSlices list this pod only then; not ready from the moment it drains.
 *
 * <p>Also in the health group {@code forwarder} ({@code /q/health/group/forwarder}): the image
 * carries the operator's readiness check too, which is DOWN in every role but the operator's,
 * so a forwarder pod probes this group, or runs with that check disabled.
 */
@Readiness
@HealthGroup(ForwarderReadiness.GROUP)
@ApplicationScoped
public class ForwarderReadiness implements HealthCheck {

    public static final String GROUP = "forwarder";

    @Inject
    ForwarderRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        Phase phase = runtime.phase();
        return HealthCheckResponse.named("forwarder")
                .status(phase == Phase.SERVING || phase == Phase.OTHER_ROLE)
                .withData("phase", phase.name())
                .build();
    }
}
