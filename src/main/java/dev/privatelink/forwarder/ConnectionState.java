package dev.privatelink.forwarder;

/** Where one forwarded connection is in its life. */
sealed interface ConnectionState {

    /** The client is accepted and not read yet; the upstreams are being dialled in turn. */
    record Connecting() implements ConnectionState {}

    /** Bytes flow both ways. */
    record Forwarding() implements ConnectionState {}

    /** One side shut its output (half-close); the other direction still flows until it finishes too. */
    record Draining(Side finished) implements ConnectionState {}

    /** Both channels are closed or closing. */
    record Closed(CloseReason reason) implements ConnectionState {}

    ConnectionState CONNECTING = new Connecting();
    ConnectionState FORWARDING = new Forwarding();

    enum Side {
        CLIENT,
        UPSTREAM
    }
}
