package dev.privatelink.forwarder;

/** Why a connection ended; decides whether the peers get a FIN or a reset. */
enum CloseReason {
    /** Both directions finished (each side shut its output), or a side closed normally. */
    COMPLETED(false),
    /** No bytes either way for the idle timeout. */
    IDLE_TIMEOUT(false),
    /** A side reset the connection or failed; the other side gets a reset too. */
    RESET(true),
    /** No upstream accepted the connection. */
    UPSTREAM_UNAVAILABLE(true),
    /** The route was suspended, removed or replaced. */
    ROUTE_CLOSED(true),
    /** The route's endpoint policy changed and no longer admits the client. */
    NOT_ALLOWED_ANY_MORE(true),
    /** The forwarder shut down and the drain grace period ran out. */
    SHUTDOWN(true);

    private final boolean resets;

    CloseReason(boolean resets) {
        this.resets = resets;
    }

    /** Whether both sides are closed with a reset (SO_LINGER 0), so neither takes a cut stream for a whole one. */
    boolean resets() {
        return resets;
    }
}
