package dev.privatelink.forwarder;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Who may connect to a forwarder's listeners, asked for every accepted connection before the
 * upstream is dialled. Called from event loops: {@link #known} must answer at once, without I/O
 * and (for the common case) without allocating; {@link #decide} may take its time off the event
 * loop.
 */
public interface SourcePolicy {

    /** Admits everyone: standalone mode, a forwarder without {@code --consumer-namespace}, tests. */
    SourcePolicy ALLOW_ALL = new SourcePolicy() {
        @Override
        public Decision known(InetAddress source) {
            return Decision.ALLOW;
        }

        @Override
        public CompletionStage<Decision> decide(InetAddress source) {
            return CompletableFuture.completedStage(Decision.ALLOW);
        }

        @Override
        public String toString() {
            return "allow-all";
        }
    };

    /** The decision for {@code source} if it is known now; {@code null} if only {@link #decide} can tell. */
    Decision known(InetAddress source);

    /** The decision for {@code source}, looked up where needed; may complete on any thread. */
    CompletionStage<Decision> decide(InetAddress source);

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
