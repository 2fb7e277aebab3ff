package dev.privatelink.gateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Feeds a gateway from a JSON file, read again every {@code interval}: in a pod, the operator's
 * ConfigMap mounted as a volume (the kubelet swaps it in atomically), so the gateway needs no API
 * access at all. Nothing here takes a config away: a file that is missing, unreadable or not a
 * valid config leaves the gateway on its last good one (static stability).
 */
public final class GatewayConfigFile implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GatewayConfigFile.class);

    private final Path path;
    private final Consumer<GatewayConfig> sink;
    private final ScheduledExecutorService poller;
    // the text last applied or refused, to act on changes only; used from the poller's thread alone
    private String lastText;

    public GatewayConfigFile(Path path, Consumer<GatewayConfig> sink) {
        this.path = path;
        this.sink = sink;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "gateway-config-file");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Reads the file now, then every {@code interval}. */
    public void start(Duration interval) {
        poller.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One look at the file; true when it held a new config that was applied. */
    boolean poll() {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            if (lastText != null) {
                LOG.warnf("cannot read %s (%s); keeping the last config", path, e.toString());
                lastText = null;
            }
            return false;
        }
        if (text.equals(lastText)) {
            return false;
        }
        lastText = text;
        GatewayConfig config;
        try {
            config = GatewayConfig.fromJson(text);
        } catch (IllegalArgumentException e) {
            LOG.errorf("%s is not usable, keeping the last config: %s", path, e.getMessage());
            return false;
        }
        try {
            sink.accept(config);
        } catch (RuntimeException e) {
            LOG.errorf(e, "applying %s failed; keeping the last config", path);
            return false;
        }
        LOG.infof(
                "applied %s: %d peers, %d endpoints",
                path, config.peers().size(), config.endpoints().size());
        return true;
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
