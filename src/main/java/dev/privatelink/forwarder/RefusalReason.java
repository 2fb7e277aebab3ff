package dev.privatelink.forwarder;

import java.util.Locale;

/**
 * Why a forwarder reset a connection as soon as it was accepted (before dialling any upstream),
 * or on its first bytes ({@link #CLIENT_PROXY_HEADER}); a tag of the refused counter.
 */
public enum RefusalReason {
    /** The route is being removed or suspended. */
    ROUTE_CLOSING,
    /** The route has as many connections as it may. */
    ROUTE_LIMIT,
    /** This client address has as many connections as one source may. */
    SOURCE_LIMIT,
    /** This client address opens connections faster than one source may. */
    SOURCE_RATE,
    /** The forwarder has as many connections as its memory allows. */
    FORWARDER_LIMIT,
    /** The source address is no pod of the forwarder's consumer namespace (nor was it when looked up). */
    NOT_CONSUMER_NAMESPACE,
    /**
     * The source is a pod of the consumer namespace that the route's endpoint policy does not
     * admit (its labels or its ServiceAccount).
     */
    NOT_ALLOWED_WORKLOAD,
    /**
     * The source address is not known and could not be checked: the API server did not answer in
     * time, or too many checks were pending. The forwarder fails closed.
     */
    SOURCE_UNVERIFIED,
    /**
     * The client's first bytes were a PROXY protocol header (v1 or v2) of its own, which would
     * forge the endpoint ID and source the owner reads (SEC-11); counted besides the connection.
     */
    CLIENT_PROXY_HEADER;

    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
