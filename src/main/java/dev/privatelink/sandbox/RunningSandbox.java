package dev.privatelink.sandbox;

import dev.privatelink.api.InterfaceEndpoint;
import java.time.Duration;

/** A started sandbox, of one cluster or two: what {@code bin/sandbox} waits for and then prints. */
interface RunningSandbox extends AutoCloseable {

    /** Waits until the sample endpoint is Available and has its address. */
    InterfaceEndpoint awaitEndpoint(Duration timeout);

    /** Waits until the sample endpoint's address takes connections. */
    void awaitServing(InterfaceEndpoint endpoint, Duration timeout);

    /** How to try it with curl and kubectl. */
    String guide(InterfaceEndpoint endpoint);

    @Override
    void close();
}
