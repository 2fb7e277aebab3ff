package dev.privatelink.operator;

/**
 * Every reconciler also runs a full pass this often (the reconcilers' maxReconciliationInterval):
 * it repairs what a lost watch event would leave stale.
 */
final class Resync {
    private Resync() {}

    static final int INTERVAL_MINUTES = 5;
}
