package dev.privatelink.forwarder;

/**
 * Where one forwarded connection is in its life: connecting → forwarding → half-closed → closed,
 * or closed from any phase. The transitions are the methods below, each of which rejects what
 * cannot follow the current phase; a {@link ProxiedConnection} changes its phase only through them.
 */
public sealed interface ConnectionPhase {

    /** The client is accepted and not read yet; the upstreams are being dialled in turn. */
    record Connecting() implements ConnectionPhase {}

    /** Bytes flow both ways. */
    record Forwarding() implements ConnectionPhase {}

    /** The {@code finished} side's FIN was passed on to the other side; the other direction still flows. */
    record HalfClosed(Side finished) implements ConnectionPhase {}

    /** Both channels are closed or closing. */
    record Closed(CloseReason reason) implements ConnectionPhase {}

    ConnectionPhase CONNECTING = new Connecting();
    ConnectionPhase FORWARDING = new Forwarding();

    enum Side {
        CLIENT,
        UPSTREAM
    }

    /** An upstream accepted the connection. */
    default ConnectionPhase upstreamConnected() {
        if (this instanceof Connecting) {
            return FORWARDING;
        }
        throw illegal("upstream connected");
    }

    /**
     * {@code side} shut its output and its FIN reached the other side: that direction is done.
     * The second direction to finish completes the connection.
     */
    default ConnectionPhase finPassedOn(Side side) {
        if (this instanceof Forwarding) {
            return new HalfClosed(side);
        }
        if (this instanceof HalfClosed halfClosed && halfClosed.finished() != side) {
            return new Closed(CloseReason.COMPLETED);
        }
        throw illegal(side + " FIN passed on");
    }

    /** Ends the connection; it ends once. */
    default ConnectionPhase close(CloseReason reason) {
        if (this instanceof Closed) {
            throw illegal("close (" + reason + ")");
        }
        return new Closed(reason);
    }

    private IllegalStateException illegal(String transition) {
        return new IllegalStateException("connection " + this + ": illegal transition: " + transition);
    }
}
