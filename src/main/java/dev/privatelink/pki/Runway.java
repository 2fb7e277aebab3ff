package dev.privatelink.pki;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * The certificate runway: how long a component can keep working with what it holds, i.e. the time
 * until the earliest expiry among its certificates (its own chain and the trust bundles it checks
 * peers against). With the control plane away nothing renews them, so this is how long the data
 * plane stays up on its own; it is the figure to alert on.
 */
public final class Runway {

    private Runway() {}

    /** Negative once a certificate has expired; {@link Duration#ZERO} for none at all (nothing to go on). */
    public static Duration until(Clock clock, Collection<X509Certificate> certificates) {
        if (certificates.isEmpty()) {
            return Duration.ZERO;
        }
        Instant earliest = certificates.stream()
                .map(c -> c.getNotAfter().toInstant())
                .min(Instant::compareTo)
                .orElseThrow();
        return Duration.between(clock.instant(), earliest);
    }
}
