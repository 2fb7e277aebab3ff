package dev.privatelink.desired;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** An Event a decision asks to record, on the object a person will look at. */
public record EventNote(HasMetadata regarding, Type type, String reason, String message) {
    public enum Type {
        Normal,
        Warning
    }
}
