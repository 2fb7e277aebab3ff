package dev.privatelink.gateway;

import java.util.Locale;

/**
 * Why the gateway reset a connection; a tag of its refused and cut counters. The consumer learns
 * none of this: every denial is the same reset with no message, so an endpoint it may not use
 * looks like one that does not exist.
 */
public enum Denial {
    /** The TLS handshake failed: no client certificate, one from no peer, or no TLS 1.3. */
    HANDSHAKE,
    /** What followed the handshake was not a PROXY v2 preamble naming an endpoint ID and a TCP port. */
    BAD_PREAMBLE,
    /** No complete preamble in time. */
    PREAMBLE_TIMEOUT,
    /** The certificate is not a consumer namespace's (an operator's or a gateway's, say). */
    NOT_A_CONSUMER,
    /** The certificate's trust domain is no peer's, or the peer's roots no longer sign it. */
    UNKNOWN_PEER,
    /** The peer is suspended. */
    PEER_SUSPENDED,
    /** No endpoint has that ID. */
    UNKNOWN_ENDPOINT,
    /** The endpoint belongs to another peer, or another namespace of this one. */
    NOT_THE_CONSUMER,
    /** The endpoint is suspended (or not accepted). */
    ENDPOINT_SUSPENDED,
    /** The service offers no such port. */
    PORT_NOT_OFFERED,
    /** The gateway has as many connections as it may hold (before the handshake). */
    GATEWAY_LIMIT,
    /** This source address opens connections faster than one source may (before the handshake). */
    SOURCE_RATE,
    /** The gateway has no usable certificate yet: nothing to handshake with. */
    NO_CREDENTIAL;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
