package dev.privatelink.forwarder;

import dev.privatelink.forwarder.config.ForwarderConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Feeds a forwarder from the one ConfigMap the operator writes for it, through a watch, so a
 * change applies as soon as the API server sends it. The informer also hands the ConfigMap
 * over again every {@link #RESYNC}, which applies it again: a no-op for a forwarder that serves
 * it, and a retry for one whose listener could not bind. Nothing here ever takes a config away:
 * while the API server is unreachable (the informer lists and watches again by itself), and
 * when the ConfigMap is missing, deleted or holds JSON that does not parse, the forwarder keeps
 * serving its last good config (static stability: the data plane outlives the control plane).
 */
public final class ConfigMapSource<T> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ConfigMapSource.class);

    static final Duration RESYNC = Duration.ofSeconds(30);

    private final String description;
    private final Function<ConfigMap, T> parse;
    private final Consumer<T> sink;
    private final SharedIndexInformer<ConfigMap> informer;
    // the last config applied, to log changes only; used from the informer's event thread alone
    private T last;

    /** A forwarder's: its routes. */
    public static ConfigMapSource<ForwarderConfig> forwarder(
            KubernetesClient client, String namespace, String name, Consumer<ForwarderConfig> sink) {
        return new ConfigMapSource<>(client, namespace, name, ForwarderConfig::from, sink, RESYNC);
    }

    /**
     * @param parse reads the config out of the ConfigMap; throws IllegalArgumentException for one
     *              that is not usable, which is then not applied
     */
    public ConfigMapSource(
            KubernetesClient client, String namespace, String name, Function<ConfigMap, T> parse, Consumer<T> sink) {
        this(client, namespace, name, parse, sink, RESYNC);
    }

    ConfigMapSource(
            KubernetesClient client,
            String namespace,
            String name,
            Function<ConfigMap, T> parse,
            Consumer<T> sink,
            Duration resync) {
        this.description = "ConfigMap " + namespace + "/" + name;
        this.parse = parse;
        this.sink = sink;
        this.informer =
                client.configMaps().inNamespace(namespace).withName(name).runnableInformer(resync.toMillis());
        informer.addEventHandlerWithResyncPeriod(
                new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ConfigMap configMap) {
                        offer(configMap);
                    }

                    @Override
                    public void onUpdate(ConfigMap before, ConfigMap after) {
                        offer(after);
                    }

                    @Override
                    public void onDelete(ConfigMap configMap, boolean finalStateUnknown) {
                        LOG.warnf("%s was deleted; serving the last config until it is back", description);
                    }
                },
                resync.toMillis());
        informer.exceptionHandler((started, error) -> {
            LOG.warnf(
                    "watching %s failed (%s); serving the last config and trying again", description, error.toString());
            return true;
        });
    }

    /** Starts watching; returns at once, also when the API server cannot be reached yet. */
    public void start() {
        informer.start();
    }

    private void offer(ConfigMap configMap) {
        T config;
        try {
            config = parse.apply(configMap);
        } catch (IllegalArgumentException e) {
            LOG.errorf(
                    "%s (resourceVersion %s) is not usable, keeping the last config: %s",
                    description, configMap.getMetadata().getResourceVersion(), e.getMessage());
            return;
        }
        if (!config.equals(last)) {
            LOG.infof(
                    "applying %s (resourceVersion %s)",
                    description, configMap.getMetadata().getResourceVersion());
        }
        sink.accept(config);
        last = config;
    }

    @Override
    public void close() {
        informer.stop();
    }
}
