package dev.privatelink.forwarder;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.annotations.CommandLineArguments;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The forwarder role's running forwarder within Quarkus: what readiness reports, and the
 * graceful drain when the process is asked to stop (SIGTERM runs Quarkus' shutdown, which fires
 * {@link ShutdownEvent} and waits for its observers).
 */
@ApplicationScoped
public class ForwarderRuntime {

    private static final Logger LOG = Logger.getLogger(ForwarderRuntime.class);

    /** Where the role is, as readiness reports it. */
    public enum Phase {
        /** This process runs another role; the forwarder check has nothing to say. */
        OTHER_ROLE,
        /** No config applied yet. */
        STARTING,
        /** Some active routes have no listener (their port could not be bound). */
        INCOMPLETE,
        SERVING,
        /** Stop requested: listeners closed, live connections finishing. */
        DRAINING,
        /** Every connection closed. */
        STOPPED
    }

    private final boolean forwarderRole;
    private volatile Forwarder forwarder;
    private volatile Duration drainTimeout = Duration.ZERO;
    private volatile List<AutoCloseable> sources = List.of();

    @Inject
    public ForwarderRuntime(@CommandLineArguments String[] args) {
        this.forwarderRole = "forwarder".equals(role(args));
    }

    /** The role is the first argument that is not an option. */
    public static String role(String[] args) {
        return Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
    }

    /**
     * Takes charge of a running forwarder and of what feeds it.
     *
     * @param sources closed when stopping, before the drain, so no new config arrives during it
     */
    public void serve(Forwarder forwarder, Duration drainTimeout, List<AutoCloseable> sources) {
        this.drainTimeout = drainTimeout;
        this.sources = List.copyOf(sources);
        this.forwarder = forwarder;
    }

    /** Derived from the forwarder's state; the role decides only while there is no forwarder. */
    public Phase phase() {
        Forwarder current = forwarder;
        if (current == null) {
            return forwarderRole ? Phase.STARTING : Phase.OTHER_ROLE;
        }
        return switch (current.state()) {
            case AWAITING_CONFIG -> Phase.STARTING;
            case SERVING_INCOMPLETELY -> Phase.INCOMPLETE;
            case SERVING -> Phase.SERVING;
            case DRAINING -> Phase.DRAINING;
            case STOPPED -> Phase.STOPPED;
        };
    }

    void onShutdown(@Observes ShutdownEvent event) {
        // the sources first, so that no new config arrives during the drain
        for (AutoCloseable source : sources) {
            try {
                source.close();
            } catch (Exception e) {
                LOG.warnf("closing %s: %s", source, e.toString());
            }
        }
        Forwarder current = forwarder;
        if (current != null) {
            boolean drained = current.drain(drainTimeout);
            LOG.infof("forwarder stopped (%s)", drained ? "all connections finished" : "drain grace period ran out");
            current.close();
        }
    }
}
