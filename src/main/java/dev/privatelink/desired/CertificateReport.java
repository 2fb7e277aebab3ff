package dev.privatelink.desired;

import dev.privatelink.api.ClusterPeerStatus;
import dev.privatelink.api.Condition;
import dev.privatelink.api.ConditionTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a pass of certificate rotation tells each ClusterPeer: when the earliest certificate the
 * operator issued expires (the data plane's runway without the control plane), and whether
 * rotation works. Only these fields of the status are the operator's certificate side's: the
 * rest (enrolment, connectivity) is left as it is.
 *
 * @param expires the earliest expiry among the issued certificates; empty when none is issued
 * @param blockedReason empty while rotation works; else one CamelCase word
 * @param message for a person: what was issued, or what blocks rotation and what to do
 */
public record CertificateReport(Optional<Instant> expires, Optional<String> blockedReason, String message) {

    public static CertificateReport issued(Optional<Instant> expires, String message) {
        return new CertificateReport(expires, Optional.empty(), message);
    }

    public static CertificateReport blocked(Optional<Instant> expires, String reason, String message) {
        return new CertificateReport(expires, Optional.of(reason), message);
    }

    public boolean isBlocked() {
        return blockedReason.isPresent();
    }

    /**
     * {@code current} with this report's fields set (runway, certificatesExpire and the
     * CertificatesReady condition, which keeps its transition time while its status holds) and
     * everything else as it was.
     */
    public ClusterPeerStatus applyTo(ClusterPeerStatus current, Instant now) {
        ClusterPeerStatus status = current == null ? new ClusterPeerStatus() : current;
        status.setRunway(expires.map(t -> runway(Duration.between(now, t))).orElse(null));
        status.setCertificatesExpire(expires.map(Instant::toString).orElse(null));
        Condition desired = Conditions.of(
                ConditionTypes.CERTIFICATES_READY,
                !isBlocked(),
                blockedReason.orElse(ConditionTypes.Reasons.CERTIFICATES_ISSUED),
                message,
                null);
        List<Condition> previous = status.getConditions() == null ? List.of() : status.getConditions();
        Condition merged =
                Conditions.merge(previous, List.of(desired), now.toString()).get(0);
        List<Condition> conditions = new ArrayList<>();
        boolean replaced = false;
        for (Condition c : previous) {
            if (ConditionTypes.CERTIFICATES_READY.equals(c.getType())) {
                conditions.add(merged);
                replaced = true;
            } else {
                conditions.add(c);
            }
        }
        if (!replaced) {
            conditions.add(merged);
        }
        status.setConditions(conditions);
        return status;
    }

    /**
     * A runway for a person, to the hour while it is days and to the minute below a day:
     * {@code 2d17h}, {@code 5h12m}, {@code 40m}; {@code expired} once it has.
     */
    public static String runway(Duration left) {
        if (left.isNegative() || left.isZero()) {
            return "expired";
        }
        long days = left.toDays();
        long hours = left.toHoursPart();
        long minutes = left.toMinutesPart();
        if (days > 0) {
            return days + "d" + hours + "h";
        }
        if (hours > 0) {
            return hours + "h" + minutes + "m";
        }
        return Math.max(minutes, 1) + "m";
    }
}
