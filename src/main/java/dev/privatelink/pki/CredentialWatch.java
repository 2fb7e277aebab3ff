package dev.privatelink.pki;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Keeps a component on the credential its mounted Secret holds. The kubelet updates a Secret volume
 * by writing a new directory and swapping a symlink to it, which no file event reliably reports, so
 * the files are read every few seconds and compared with what was last seen. A changed set is parsed
 * as a whole ({@link HeldCredentials}) and handed to the sink, which uses it for new handshakes; a
 * set that is unreadable, half-written or invalid leaves the last good one in force, is logged once
 * and counted ({@code privatelink_certificate_reload_failures_total}).
 */
public final class CredentialWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CredentialWatch.class);

    /** The current texts of the files, by name. */
    @FunctionalInterface
    public interface Source {
        Map<String, String> read() throws IOException;
    }

    private final String component;
    private final Source source;
    private final Consumer<HeldCredentials> sink;
    private final Clock clock;
    private final Counter failures;
    private final ScheduledExecutorService poller;
    // what was last seen (applied or refused), to act on changes only; guarded by this
    private Map<String, String> lastSeen;
    private String lastError;
    private volatile HeldCredentials current;

    /** @param component the {@code component} tag of the metrics: {@code forwarder}, {@code gateway} */
    public CredentialWatch(
            String component, Source source, Consumer<HeldCredentials> sink, MeterRegistry registry, Clock clock) {
        this.component = component;
        this.source = source;
        this.sink = sink;
        this.clock = clock;
        this.failures = Counter.builder("privatelink.certificate.reload.failures")
                .description("Credential files that could not be used (the last good credential stays in force)")
                .tag("component", component)
                .register(registry);
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, component + "-credential-watch");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * A Secret's volume: {@link HeldCredentials#CHAIN}, {@link HeldCredentials#KEY} and the peer
     * files of {@code directory}, read through the kubelet's symlinks; its {@code ..data}-style
     * entries are skipped.
     */
    public static Source directory(Path directory) {
        return () -> {
            Map<String, String> texts = new TreeMap<>();
            try (Stream<Path> entries = Files.list(directory)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    String name = entry.getFileName().toString();
                    boolean ours = name.equals(HeldCredentials.CHAIN)
                            || name.equals(HeldCredentials.KEY)
                            || (name.startsWith(HeldCredentials.PEER_PREFIX)
                                    && name.endsWith(HeldCredentials.PEER_SUFFIX));
                    if (ours && Files.isRegularFile(entry)) {
                        texts.put(name, Files.readString(entry, StandardCharsets.US_ASCII));
                    }
                }
            }
            return texts;
        };
    }

    /** A certificate chain and a private key in two files of any name (the gateway's flags). */
    public static Source chainAndKey(Path chain, Path key) {
        return () -> Map.of(
                HeldCredentials.CHAIN, Files.readString(chain, StandardCharsets.US_ASCII),
                HeldCredentials.KEY, Files.readString(key, StandardCharsets.US_ASCII));
    }

    /** Reads the files now, then every {@code interval}. */
    public void start(Duration interval) {
        poller.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The credential in force, if one was ever loaded. */
    public Optional<HeldCredentials> current() {
        return Optional.ofNullable(current);
    }

    /** One look at the files; true when they held a new, usable set, now in force. */
    public synchronized boolean poll() {
        Map<String, String> texts;
        try {
            texts = source.read();
            // read twice: a set caught while being written differs, and is looked at again next time
            if (!texts.equals(source.read())) {
                return false;
            }
        } catch (IOException | RuntimeException e) {
            refused("cannot read the credential files: " + e);
            return false;
        }
        if (texts.equals(lastSeen)) {
            return false;
        }
        lastSeen = texts;
        HeldCredentials held;
        try {
            held = HeldCredentials.parse(texts, clock);
            sink.accept(held);
        } catch (RuntimeException e) {
            refused("the credential files are not usable: " + e.getMessage());
            return false;
        }
        current = held;
        lastError = null;
        LOG.infof(
                "%s: using certificate %s (serial %x), runway %s, %d peer trust domains",
                component,
                ChainVerifier.identity(held.credential().certificate())
                        .map(SpiffeId::uri)
                        .orElse("(no SPIFFE ID)"),
                held.credential().certificate().getSerialNumber(),
                held.runway(clock),
                held.peerRoots().size());
        return true;
    }

    /** Logs a failure once (until something else happens), counts every one. */
    private void refused(String problem) {
        if (Objects.equals(problem, lastError)) {
            return;
        }
        lastError = problem;
        failures.increment();
        LOG.errorf(
                "%s: %s; %s",
                component, problem, current == null ? "no credential yet" : "keeping the last good credential");
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
