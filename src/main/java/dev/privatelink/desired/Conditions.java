package dev.privatelink.desired;

import dev.privatelink.api.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds and merges status conditions the way Kubernetes expects them. */
public final class Conditions {
    private Conditions() {}

    public static Condition of(String type, boolean status, String reason, String message, Long generation) {
        return new Condition(type, status ? Condition.TRUE : Condition.FALSE, reason, message, generation, null);
    }

    /**
     * The desired conditions, each keeping the previous lastTransitionTime while its status is
     * unchanged, so that an unchanged status serializes byte for byte the same.
     */
    public static List<Condition> merge(List<Condition> previous, List<Condition> desired, String now) {
        List<Condition> merged = new ArrayList<>();
        for (Condition d : desired) {
            Optional<Condition> old = previous == null
                    ? Optional.empty()
                    : previous.stream()
                            .filter(c -> c.getType().equals(d.getType()))
                            .findFirst();
            String since = old.filter(o -> o.getStatus().equals(d.getStatus()))
                    .map(Condition::getLastTransitionTime)
                    .orElse(now);
            merged.add(new Condition(
                    d.getType(), d.getStatus(), d.getReason(), d.getMessage(), d.getObservedGeneration(), since));
        }
        return merged;
    }
}
