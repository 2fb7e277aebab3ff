package dev.privatelink;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.awaitility.core.ConditionFactory;

/** How long the tests wait for the operator or the sandbox to act, and how often they look. */
public final class Awaits {
    private Awaits() {}

    public static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50));
    }
}
