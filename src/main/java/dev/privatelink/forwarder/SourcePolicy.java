package dev.privatelink.forwarder;

import dev.privatelink.forwarder.config.WorkloadAdmission;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Who may connect to a forwarder's listeners, asked for every accepted connection before the
 * upstream is dialled, with the workloads the connection's route admits (its endpoint policy;
 * null: every pod the policy knows). Called from event loops: {@link #known} must answer at once,
 * without I/O and (for the common case) without allocating; {@link #decide} may take its time off
 * the event loop.
 */
public interface SourcePolicy {

    /** Admits everyone: standalone mode, a forwarder without {@code --consumer-namespace}, tests. */
    SourcePolicy ALLOW_ALL = new SourcePolicy() {
        @Override
        public Decision known(InetAddress source, WorkloadAdmission allowed) {
            return Decision.ALLOW;
        }

        @Override
        public CompletionStage<Decision> decide(InetAddress source, WorkloadAdmission allowed) {
            return CompletableFuture.completedStage(Decision.ALLOW);
        }

        @Override
        public String toString() {
            return "allow-all";
        }
    };

    /**
     * The decision for {@code source} on a route that admits {@code allowed} if it is known now;
     * {@code null} if only {@link #decide} can tell.
     */
    Decision known(InetAddress source, WorkloadAdmission allowed);

    /** The decision for {@code source} on a route that admits {@code allowed}, looked up where needed; may complete on any thread. */
    CompletionStage<Decision> decide(InetAddress source, WorkloadAdmission allowed);

    /** {@link #known(InetAddress, WorkloadAdmission)} on a route without endpoint policy. */
    default Decision known(InetAddress source) {
        return known(source, null);
    }

    /** {@link #decide(InetAddress, WorkloadAdmission)} on a route without endpoint policy. */
    default CompletionStage<Decision> decide(InetAddress source) {
        return decide(source, null);
    }

    /** Admit, or refuse with a reason; one instance per outcome, so deciding allocates nothing. */
    final class Decision {
        static final Decision ALLOW = new Decision(null);
        private static final Decision[] REFUSALS = new Decision[RefusalReason.values().length];

        static {
            for (RefusalReason reason : RefusalReason.values()) {
                REFUSALS[reason.ordinal()] = new Decision(reason);
            }
        }

        private final RefusalReason refusal;

        private Decision(RefusalReason refusal) {
            this.refusal = refusal;
        }

        static Decision refuse(RefusalReason reason) {
            return REFUSALS[reason.ordinal()];
        }

        boolean allows() {
            return refusal == null;
        }

        /** Why the connection is refused; {@code null} when it is admitted. */
        RefusalReason refusal() {
            return refusal;
        }

        @Override
        public String toString() {
            return refusal == null ? "allow" : "refuse(" + refusal.tag() + ")";
        }
    }
}
