package dev.privatelink.desired;

import dev.privatelink.api.ConnectionState;

/** The state of a connection and why, in words for the endpoint's Ready condition. */
public record ConnectionOutcome(ConnectionState state, String reason, String message) {}
