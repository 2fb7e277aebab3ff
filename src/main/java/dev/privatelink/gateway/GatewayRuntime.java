package dev.privatelink.gateway;

import dev.privatelink.forwarder.ForwarderRuntime;
import io.quarkus.runtime.annotations.CommandLineArguments;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The gateway role's running gateway within Quarkus, for readiness. */
@ApplicationScoped
public class GatewayRuntime {

    private final boolean gatewayRole;
    private volatile Gateway gateway;

    @Inject
    public GatewayRuntime(@CommandLineArguments String[] args) {
        this.gatewayRole = "gateway".equals(ForwarderRuntime.role(args));
    }

    /** The running gateway, whose readiness is reported from now on. */
    void serve(Gateway running) {
        this.gateway = running;
    }

    /** Whether this process runs the gateway role at all. */
    boolean gatewayRole() {
        return gatewayRole;
    }

    /** Running, with a config and a credential. */
    boolean ready() {
        Gateway current = gateway;
        return current != null && current.isReady();
    }
}
