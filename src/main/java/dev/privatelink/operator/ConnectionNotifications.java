package dev.privatelink.operator;

import dev.privatelink.config.OperatorSettings;
import dev.privatelink.notify.NotificationDispatcher;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.function.BiConsumer;

/**
 * The operator's connection notifications: the dispatcher that empties the outboxes the
 * EndpointService reconciles fill. One per operator process; it delivers once {@link #start}
 * is called (the operator role only).
 */
@ApplicationScoped
public class ConnectionNotifications implements AutoCloseable {

    private volatile BiConsumer<String, String> changed = (namespace, name) -> {};
    private NotificationDispatcher dispatcher;

    /** Who is told which EndpointService's outbox changed (its reconciler, which writes the status). */
    void onChange(BiConsumer<String, String> listener) {
        this.changed = listener;
    }

    /** An outbox with new events: deliver soon. */
    synchronized void wake(String outbox) {
        if (dispatcher != null) {
            dispatcher.wake(outbox);
        }
    }

    public synchronized void start(KubernetesClient client, OperatorSettings settings) {
        if (dispatcher == null) {
            dispatcher = new NotificationDispatcher(
                            client, settings.namespace(), (ns, name) -> changed.accept(ns, name), Clock.systemUTC())
                    .start();
        }
    }

    @Override
    public synchronized void close() {
        if (dispatcher != null) {
            dispatcher.close();
            dispatcher = null;
        }
    }
}
