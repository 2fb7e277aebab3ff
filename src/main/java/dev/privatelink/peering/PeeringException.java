package dev.privatelink.peering;

/** A peering exchange that did not complete: unreachable, not trusted, or refused (the message says which). */
public class PeeringException extends Exception {
    public PeeringException(String message) {
        super(message);
    }

    public PeeringException(String message, Throwable cause) {
        super(message, cause);
    }
}
