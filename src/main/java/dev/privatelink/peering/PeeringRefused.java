package dev.privatelink.peering;

/** A peering exchange the other side (or this side's checks) refused, for a {@link Refusal} reason. */
public class PeeringRefused extends PeeringException {
    private final Refusal reason;

    public PeeringRefused(Refusal reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PeeringRefused(Refusal reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Refusal reason() {
        return reason;
    }
}
