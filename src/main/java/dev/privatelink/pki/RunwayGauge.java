package dev.privatelink.pki;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * {@code privatelink_certificate_runway_seconds{component}}: the {@link Runway} of what a component
 * holds now, so that an alert fires days before its data plane would stop on an expired
 * certificate (0 while it holds none, negative once one has expired).
 */
public final class RunwayGauge {

    public static final String NAME = "privatelink.certificate.runway";

    private RunwayGauge() {}

    /** @param held the certificates held now: own chain and the roots checked against; asked at every scrape */
    public static void register(
            MeterRegistry registry, String component, Supplier<Collection<X509Certificate>> held, Clock clock) {
        Gauge.builder(NAME, () -> Runway.until(clock, held.get()).toMillis() / 1000.0)
                .baseUnit("seconds")
                .description("Time until the earliest expiry among the certificates and roots held")
                .tag("component", component)
                .register(registry);
    }
}
