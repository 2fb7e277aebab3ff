package dev.privatelink.desired;

/** What the permissions of an endpoint service grant one consumer namespace. */
public enum Grant {
    /** Not permitted: the service looks as if it did not exist. */
    NONE,
    /** Permitted; each connection waits for the owner unless the service needs no acceptance. */
    MANUAL_ACCEPTANCE,
    /** Permitted, and a permission accepts its connections automatically. */
    AUTO_ACCEPT;

    public boolean permitted() {
        return this != NONE;
    }
}
