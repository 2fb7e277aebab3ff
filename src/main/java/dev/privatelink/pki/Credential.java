package dev.privatelink.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A private key and its certificate chain, leaf first, up to but not including the root (which the
 * peer holds in its trust bundle): what a component presents in a TLS handshake.
 */
public record Credential(PrivateKey key, List<X509Certificate> chain) {

    public Credential {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a credential needs at least its own certificate");
        }
        chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** How long until the first certificate of the chain expires; negative once one has. */
    public Duration runway(Clock clock) {
        return Runway.until(clock, chain);
    }
}
