package dev.privatelink.forwarder;

import java.util.Locale;

/** Why a forwarder reset a connection as soon as it was accepted; a tag of the refused counter. */
enum RefusalReason {
    /** The route is being removed or suspended. */
    ROUTE_CLOSING,
    /** The route has as many connections as it may. */
    ROUTE_LIMIT,
    /** This client address has as many connections as one source may. */
    SOURCE_LIMIT,
    /** The forwarder has as many connections as its memory allows. */
    FORWARDER_LIMIT;

    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
