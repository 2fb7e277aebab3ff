package dev.privatelink.sandbox;

import static org.awaitility.Awaitility.await;

import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointSpec;
import dev.privatelink.desired.Labels;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak check, not a test: a sandbox under churn for {@code soak.duration} (ISO-8601, default
 * PT30M) — every 2 s an endpoint created (the oldest of five deleted) or a decision toggled on
 * one, a forwarder pod deleted every {@code soak.podDeleteSeconds} (60), the operator's pod every
 * {@code soak.operatorRestartSeconds} (600) — while clients send {@code soak.rate} (20) requests
 * a second, a new connection each, through three endpoints that stay Available. Prints the errors
 * the clients met and the action that preceded them, latencies, reconcile failures and warnings
 * from the logs, how long the churn took to converge, and the heap after GC, the threads and the
 * Events recorded every minute (Events are dropped once counted: they are the API server's data). {@code -Dsoak.decisions=false} leaves decisions alone. Loopback only (127.251.x.x).
 *
 * <p>Run: {@code mvn -B test -Dtest=SoakBenchmark -DexcludedGroups=none -Dsoak.duration=PT30M};
 * the report is also written to {@code target/soak-report.txt}.
 */
@Tag("benchmark")
class SoakBenchmark {

    static final Duration DURATION = Duration.parse(System.getProperty("soak.duration", "PT30M"));
    /** Requests per second to each stable endpoint, one connection per request. */
    static final int RATE = Integer.getInteger("soak.rate", 20);

    static final Duration CHURN_EVERY = Duration.ofSeconds(2);
    static final Duration POD_DELETE_EVERY = Duration.ofSeconds(Long.getLong("soak.podDeleteSeconds", 60));
    static final Duration OPERATOR_RESTART_EVERY = Duration.ofSeconds(Long.getLong("soak.operatorRestartSeconds", 600));
    static final Duration SAMPLE_EVERY = Duration.ofMinutes(1);
    /** Whether the churn toggles decisions on its endpoints (false: a run without them, to compare). */
    static final boolean DECISIONS = Boolean.parseBoolean(System.getProperty("soak.decisions", "true"));
    /** An error this soon after an action counts as following it. */
    static final Duration NEAR = Duration.ofSeconds(10);

    static final String NS = SandboxOptions.CONSUMER_NAMESPACE;
    static final List<String> STABLE = List.of(SandboxOptions.ENDPOINT, "stable-1", "stable-2");
    static final int CHURN_MAX = 5;
    static final int FORWARDER_REPLICAS = 2;

    @TempDir
    Path dir;

    Sandbox sandbox;
    KubernetesClient client;
    String serviceName;
    final long started = System.nanoTime();

    // what the clients saw
    final Map<String, Map<Outcome, AtomicLong>> outcomes = new ConcurrentHashMap<>();
    final Map<String, Samples> latencies = new ConcurrentHashMap<>();
    final List<long[]> errorTimes = new ArrayList<>(); // {millis since start, outcome ordinal}
    final Map<String, AtomicLong> wrongAnswers = new ConcurrentHashMap<>();
    volatile String clientAddress;
    // what was done (millis since start, kind), and how long it took to converge
    final List<Map.Entry<Long, String>> events = new ArrayList<>();
    final Map<String, Samples> convergence = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> actions = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    final Map<String, String> firstFailure = new ConcurrentHashMap<>();
    // the operator
    final Map<String, AtomicLong> reconciles = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> reconcileFailures = new ConcurrentHashMap<>();
    final Map<String, String> firstReconcileFailure = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> warnings = new ConcurrentHashMap<>();
    final Map<String, String> firstWarning = new ConcurrentHashMap<>();
    final List<String> minutes = new ArrayList<>();
    final List<Long> heapSamples = new ArrayList<>();
    final List<Map<String, Integer>> threadSamples = new ArrayList<>();

    // churn state, touched by the churn thread only
    final Map<String, String> alive = new LinkedHashMap<>(); // name -> endpoint ID
    final Map<String, Boolean> suspended = new LinkedHashMap<>();
    int churnStep;
    int churnSeq;

    enum Outcome {
        OK,
        REFUSED,
        RESET,
        TIMEOUT,
        NO_ANSWER,
        WRONG_ANSWER
    }

    @Test
    void churnWhileTrafficFlows() throws Exception {
        Handler logCounter = countWarnings();
        Logger.getLogger("").addHandler(logCounter);
        SimpleMeterRegistry kubeProxyMetrics = new SimpleMeterRegistry();
        int servicePort;
        try (ServerSocket s = new ServerSocket(0)) {
            servicePort = s.getLocalPort();
        }
        SandboxOptions options = SandboxOptions.defaults()
                .withApiPort(0)
                .withNet(251) // out of the tests' ranges (100–249): a test run elsewhere does not collide
                .withServicePort(servicePort)
                .withForwarderReplicas(FORWARDER_REPLICAS)
                .withKubeconfig(dir.resolve("kubeconfig"));
        sandbox = Sandbox.start(options, kubeProxyMetrics, countingMetrics());
        client = sandbox.client();
        ScheduledExecutorService clients = Executors.newScheduledThreadPool(STABLE.size(), daemon("soak-client"));
        ScheduledExecutorService churn = Executors.newScheduledThreadPool(3, daemon("soak-churn"));
        StringBuilder report = new StringBuilder();
        try {
            InterfaceEndpoint sample = sandbox.awaitEndpoint(Duration.ofSeconds(60));
            clientAddress = sandbox.clientAddress(NS, Duration.ofSeconds(60));
            serviceName = sample.getSpec().getServiceName();
            for (String name : STABLE.subList(1, STABLE.size())) {
                createEndpoint(name);
            }
            Map<String, InterfaceEndpoint> stable = new LinkedHashMap<>();
            for (String name : STABLE) {
                stable.put(name, awaitState(name, ConnectionState.Available, Duration.ofSeconds(60)));
                sandbox.awaitServing(stable.get(name), Duration.ofSeconds(60));
            }
            long[] operatorShareAtStart = operatorShare();
            log(
                    "setup done: %d stable endpoints; operator's share at start: %d MiB heap, %d threads",
                    STABLE.size(), operatorShareAtStart[0] >> 20, operatorShareAtStart[1]);

            long start = System.nanoTime();
            for (InterfaceEndpoint ep : stable.values()) {
                String name = ep.getMetadata().getName();
                outcomes.put(name, new EnumMap<>(Outcome.class));
                for (Outcome o : Outcome.values()) {
                    outcomes.get(name).put(o, new AtomicLong());
                }
                latencies.put(name, new Samples());
                clients.scheduleAtFixedRate(
                        () -> request(ep), 0, TimeUnit.SECONDS.toMicros(1) / RATE, TimeUnit.MICROSECONDS);
            }
            churn.scheduleWithFixedDelay(
                    guarded("churn", this::churnStep), 0, CHURN_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            churn.scheduleWithFixedDelay(
                    guarded("forwarder pod deletion", this::deleteForwarderPod),
                    POD_DELETE_EVERY.toMillis(),
                    POD_DELETE_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
            churn.scheduleWithFixedDelay(
                    guarded("operator restart", this::restartOperator),
                    OPERATOR_RESTART_EVERY.toMillis() / 2,
                    OPERATOR_RESTART_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
            churn.scheduleAtFixedRate(
                    guarded("sample", () -> sample(start)), 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            CountDownLatch done = new CountDownLatch(1);
            churn.schedule(done::countDown, DURATION.toMillis(), TimeUnit.MILLISECONDS);
            done.await(DURATION.toMillis() + TimeUnit.MINUTES.toMillis(5), TimeUnit.MILLISECONDS);
            long elapsed = System.nanoTime() - start;

            clients.shutdown();
            churn.shutdown();
            clients.awaitTermination(30, TimeUnit.SECONDS);
            churn.awaitTermination(120, TimeUnit.SECONDS);
            sample(start);
            long[] operatorShareAtEnd = operatorShare();

            report(report, Duration.ofNanos(elapsed), operatorShareAtStart, operatorShareAtEnd, kubeProxyMetrics);
        } finally {
            clients.shutdownNow();
            churn.shutdownNow();
            Logger.getLogger("").removeHandler(logCounter);
            sandbox.close();
        }
        System.out.println(report);
        Path out = Path.of("target", "soak-report.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
    }

    // ---- client traffic

    private void request(InterfaceEndpoint ep) {
        String name = ep.getMetadata().getName();
        String expected = "endpoint=" + ep.getStatus().getEndpointId();
        long t0 = System.nanoTime();
        Outcome outcome;
        try (Socket socket = new Socket()) {
            // from the consumer namespace's client pod: the forwarders admit only its pods
            socket.bind(new InetSocketAddress(clientAddress, 0));
            socket.connect(
                    new InetSocketAddress(
                            ep.getStatus().getAddress(), sandbox.options().servicePort()),
                    2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: payments\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            in.transferTo(body);
            String response = body.toString(StandardCharsets.UTF_8);
            outcome = response.isEmpty()
                    ? Outcome.NO_ANSWER
                    : response.contains(expected) ? Outcome.OK : Outcome.WRONG_ANSWER;
            if (outcome == Outcome.WRONG_ANSWER) {
                int at = response.indexOf("endpoint=");
                String got = at < 0
                        ? response.lines().findFirst().orElse("")
                        : response.substring(at).trim();
                count(wrongAnswers, name + " answered with " + got);
            }
        } catch (ConnectException e) {
            outcome = Outcome.REFUSED;
        } catch (SocketTimeoutException e) {
            outcome = Outcome.TIMEOUT;
        } catch (SocketException e) {
            outcome = String.valueOf(e.getMessage()).contains("reset") ? Outcome.RESET : Outcome.NO_ANSWER;
        } catch (IOException e) {
            outcome = Outcome.NO_ANSWER;
        }
        long micros = (System.nanoTime() - t0) / 1000;
        outcomes.get(name).get(outcome).incrementAndGet();
        if (outcome == Outcome.OK) {
            latencies.get(name).add(micros);
        } else {
            synchronized (errorTimes) {
                errorTimes.add(new long[] {sinceStart(), outcome.ordinal()});
            }
        }
    }

    // ---- churn

    private void churnStep() {
        churnStep++;
        if (churnStep % 3 == 0 || alive.isEmpty() || !DECISIONS) {
            if (alive.size() >= CHURN_MAX) {
                deleteOldestChurnEndpoint();
            }
            String name = "churn-" + (++churnSeq);
            long t0 = System.nanoTime();
            event("endpoint created");
            createEndpoint(name);
            count(actions, "endpoint created");
            InterfaceEndpoint ep = awaitState(name, ConnectionState.Available, Duration.ofSeconds(60));
            convergence("endpoint created -> Available", t0);
            alive.put(name, ep.getStatus().getEndpointId());
        } else {
            List<String> names = new ArrayList<>(alive.keySet());
            String name = names.get(ThreadLocalRandom.current().nextInt(names.size()));
            boolean suspend = !suspended.getOrDefault(name, false);
            if (suspend) {
                suspended.put(name, true);
            } else {
                suspended.remove(name);
            }
            long t0 = System.nanoTime();
            event("decision changed");
            decide();
            count(actions, suspend ? "decision Suspend" : "decision removed (resume)");
            awaitState(name, suspend ? ConnectionState.Suspended : ConnectionState.Available, Duration.ofSeconds(60));
            convergence(suspend ? "Suspend -> Suspended" : "resume -> Available", t0);
        }
    }

    private void deleteOldestChurnEndpoint() {
        String oldest = alive.keySet().iterator().next();
        alive.remove(oldest);
        event("endpoint deleted");
        if (suspended.remove(oldest) != null) {
            decide();
        }
        client.resources(InterfaceEndpoint.class)
                .inNamespace(NS)
                .withName(oldest)
                .delete();
        count(actions, "endpoint deleted");
    }

    private void decide() {
        sandbox.decide(suspended.keySet().stream()
                .map(n -> new ConnectionDecision(alive.get(n), null, ConnectionDecision.Decision.Suspend))
                .toArray(ConnectionDecision[]::new));
    }

    private void deleteForwarderPod() {
        List<Pod> pods = forwarderPods();
        if (pods.isEmpty()) {
            return;
        }
        Pod oldest = pods.stream()
                .min(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
                .orElseThrow();
        long t0 = System.nanoTime();
        event("forwarder pod deleted");
        client.resource(oldest).withGracePeriod(0).delete();
        count(actions, "forwarder pod deleted");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> forwarderPods().stream()
                                .filter(p -> !p.getMetadata()
                                        .getName()
                                        .equals(oldest.getMetadata().getName()))
                                .filter(SoakBenchmark::ready)
                                .count()
                        == FORWARDER_REPLICAS);
        convergence("forwarder pod deleted -> replacement Ready", t0);
    }

    private void restartOperator() {
        List<Pod> before = operatorPods();
        long t0 = System.nanoTime();
        event("operator pod deleted");
        before.forEach(p -> client.resource(p).withGracePeriod(0).delete());
        count(actions, "operator pod deleted");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> operatorPods().stream()
                        .anyMatch(p -> ready(p)
                                && before.stream()
                                        .noneMatch(b -> b.getMetadata()
                                                .getName()
                                                .equals(p.getMetadata().getName()))));
        convergence("operator pod deleted -> replacement Ready", t0);
    }

    // ---- measurements

    private void sample(long start) {
        // Events are the API server's data, kept an hour: counted, then dropped, so that the heap
        // says what the operator and the forwarders hold
        List<Event> recorded = client.v1().events().inAnyNamespace().list().getItems();
        recorded.forEach(e -> client.resource(e).withGracePeriod(0).delete());
        long eventCount = countEvents(recorded.size());
        long heap = heapAfterGc();
        long minute = Math.round((System.nanoTime() - start) / 60e9);
        long ok = total(Outcome.OK);
        long errors = outcomes.values().stream()
                .flatMap(m -> m.entrySet().stream())
                .filter(e -> e.getKey() != Outcome.OK)
                .mapToLong(e -> e.getValue().get())
                .sum();
        String line = String.format(
                "%3d min  heap after GC %4d MiB  netty pools %3d MiB  threads %4d  requests ok %8d  errors %5d"
                        + "  reconciles %7d (failed %d)  Events %6d  objects: pods %d, services %d, slices %d, endpoints %d",
                minute,
                heap >> 20,
                nettyPooled() >> 20,
                ManagementFactory.getThreadMXBean().getThreadCount(),
                ok,
                errors,
                sum(reconciles),
                sum(reconcileFailures),
                eventCount,
                client.pods().inAnyNamespace().list().getItems().size(),
                client.services().inAnyNamespace().list().getItems().size(),
                client.discovery()
                        .v1()
                        .endpointSlices()
                        .inAnyNamespace()
                        .list()
                        .getItems()
                        .size(),
                client.resources(InterfaceEndpoint.class)
                        .inAnyNamespace()
                        .list()
                        .getItems()
                        .size());
        synchronized (minutes) {
            minutes.add(line);
            heapSamples.add(heap);
            threadSamples.add(threadsByName());
        }
        log("%s", line);
    }

    /** Live threads by name, digits taken out ({@code sandbox-net-3-1} counts as {@code sandbox-net-#-#}). */
    private static Map<String, Integer> threadsByName() {
        Map<String, Integer> threads = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            threads.merge(t.getName().replaceAll("[0-9]+", "#"), 1, Integer::sum);
        }
        return threads;
    }

    private final AtomicLong eventsRecorded = new AtomicLong();

    /** Events recorded so far, with {@code more} just counted. */
    private long countEvents(int more) {
        return eventsRecorded.addAndGet(more);
    }

    private void event(String kind) {
        synchronized (events) {
            events.add(Map.entry(sinceStart(), kind));
        }
    }

    /** Heap after GC and live threads with the operator running, minus the same with it scaled to 0. */
    private long[] operatorShare() {
        long heapWith = heapAfterGc();
        int threadsWith = ManagementFactory.getThreadMXBean().getThreadCount();
        scaleOperator(0);
        await().atMost(Duration.ofSeconds(60)).until(() -> operatorPods().isEmpty());
        long heapWithout = heapAfterGc();
        int threadsWithout = ManagementFactory.getThreadMXBean().getThreadCount();
        scaleOperator(1);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> operatorPods().stream().anyMatch(SoakBenchmark::ready));
        return new long[] {heapWith - heapWithout, threadsWith - threadsWithout};
    }

    private void scaleOperator(int replicas) {
        client.apps()
                .deployments()
                .inNamespace(sandbox.options().operatorNamespace())
                .withName(SandboxOptions.OPERATOR_DEPLOYMENT)
                .edit(d -> {
                    d.getSpec().setReplicas(replicas);
                    return d;
                });
    }

    /** What Netty's pooled allocator (the forwarders' and the kube-proxy stand-in's buffers) holds, direct and heap. */
    private static long nettyPooled() {
        PooledByteBufAllocatorMetric metric = PooledByteBufAllocator.DEFAULT.metric();
        return metric.usedDirectMemory() + metric.usedHeapMemory();
    }

    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private Metrics countingMetrics() {
        return new Metrics() {
            @Override
            public void reconciliationStarted(HasMetadata resource, Map<String, Object> metadata) {
                count(reconciles, resource.getKind());
            }

            @Override
            public void reconciliationFailed(
                    HasMetadata resource, RetryInfo retry, Exception exception, Map<String, Object> metadata) {
                String what = resource.getKind() + ": " + failureKind(exception);
                count(reconcileFailures, what);
                firstReconcileFailure.putIfAbsent(what, String.valueOf(exception));
            }
        };
    }

    /** "409 PUT services", "404 PATCH interfaceendpoints/status", or the exception's class. */
    private static String failureKind(Exception e) {
        if (e instanceof KubernetesClientException k) {
            Matcher m = Pattern.compile("executing: (\\w+) at: \\S+/namespaces/[^/]+/([a-z]+)(/[^/.]+)?(/status)?")
                    .matcher(String.valueOf(k.getMessage()));
            return k.getCode()
                    + (m.find() ? " " + m.group(1) + " " + m.group(2) + (m.group(4) == null ? "" : "/status") : "");
        }
        return e.getClass().getSimpleName();
    }

    private Handler countWarnings() {
        return new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    String category = record.getLoggerName() + " " + record.getLevel();
                    count(warnings, category);
                    String message = record.getMessage();
                    if (record.getParameters() != null && message != null) {
                        try {
                            message = String.format(message, record.getParameters());
                        } catch (RuntimeException e) {
                            // a pattern of another kind: the raw message will do
                        }
                    }
                    firstWarning.putIfAbsent(category, String.valueOf(message));
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
    }

    // ---- the report

    private void report(
            StringBuilder out,
            Duration elapsed,
            long[] operatorAtStart,
            long[] operatorAtEnd,
            SimpleMeterRegistry kubeProxyMetrics) {
        StringWriter buffer = new StringWriter();
        PrintWriter p = new PrintWriter(buffer);
        long seconds = Math.max(1, elapsed.toSeconds());
        p.printf(
                "%n== soak: %s of churn, %d stable endpoints at %d requests/s each (a new connection per request)%n",
                elapsed.truncatedTo(ChronoUnit.SECONDS), STABLE.size(), RATE);
        p.printf(
                "machine: %d CPUs, Java %s; sandbox in this JVM: API server, operator, %d forwarder pods per"
                        + " consumer namespace, kube-proxy stand-in, provider, clients%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), FORWARDER_REPLICAS);

        p.printf("%n-- traffic through the stable endpoints%n");
        long okAll = 0;
        long errAll = 0;
        Map<Outcome, Long> byOutcome = new EnumMap<>(Outcome.class);
        for (String name : STABLE) {
            long ok = outcomes.get(name).get(Outcome.OK).get();
            long errors = 0;
            StringBuilder kinds = new StringBuilder();
            for (Outcome o : Outcome.values()) {
                long n = outcomes.get(name).get(o).get();
                byOutcome.merge(o, n, Long::sum);
                if (o != Outcome.OK && n > 0) {
                    errors += n;
                    kinds.append(' ').append(o).append('=').append(n);
                }
            }
            okAll += ok;
            errAll += errors;
            long[] l = latencies.get(name).sorted();
            p.printf(
                    "%-10s requests %8d  ok %8d  errors %5d (%.4f %%)%s  latency µs p50 %d p90 %d p99 %d p99.9 %d max %d%n",
                    name,
                    ok + errors,
                    ok,
                    errors,
                    100.0 * errors / Math.max(1, ok + errors),
                    kinds,
                    pct(l, 0.50),
                    pct(l, 0.90),
                    pct(l, 0.99),
                    pct(l, 0.999),
                    l.length == 0 ? 0 : l[l.length - 1]);
        }
        Map<String, Long> after = new TreeMap<>();
        synchronized (events) {
            synchronized (errorTimes) {
                for (long[] e : errorTimes) {
                    String cause = "nothing within " + NEAR.toSeconds() + " s before";
                    for (int i = events.size() - 1; i >= 0; i--) {
                        long t = events.get(i).getKey();
                        if (t <= e[0]) {
                            if (e[0] - t <= NEAR.toMillis()) {
                                cause = events.get(i).getValue();
                            }
                            break;
                        }
                    }
                    after.merge(cause, 1L, Long::sum);
                }
            }
        }
        p.printf(
                "all stable: %d requests (%.1f/s), %d errors = %.4f %% (%.2f per hour)%n",
                okAll + errAll,
                (okAll + errAll) / (double) seconds,
                errAll,
                100.0 * errAll / Math.max(1, okAll + errAll),
                errAll * 3600.0 / seconds);
        p.printf("errors by the last action before them (within %d s): %s%n", NEAR.toSeconds(), after);
        p.printf("errors by kind: %s%n", byOutcome);
        new TreeMap<>(wrongAnswers).forEach((k, v) -> p.printf("  wrong answer: %s  x%d%n", k, v.get()));
        p.printf(
                "kube-proxy stand-in: failed connects to a forwarder pod (each failed over to the next): %.0f%n",
                kubeProxyMetrics.find("privatelink.forwarder.upstream.connect.failures").counters().stream()
                        .mapToDouble(Counter::count)
                        .sum());

        p.printf("%n-- churn (actions, and time to converge in ms: p50 / p90 / max, count)%n");
        new TreeMap<>(actions).forEach((k, v) -> p.printf("%-40s %6d%n", k, v.get()));
        new TreeMap<>(convergence).forEach((k, v) -> {
            long[] s = v.sorted();
            p.printf(
                    "%-45s %6d / %6d / %6d  (n=%d)%n",
                    k, pct(s, 0.5) / 1000, pct(s, 0.9) / 1000, s.length == 0 ? 0 : s[s.length - 1] / 1000, s.length);
        });
        new TreeMap<>(failures)
                .forEach((k, v) -> p.printf("failed %s: %d (first: %s)%n", k, v.get(), firstFailure.get(k)));

        p.printf("%n-- operator%n");
        p.printf("reconciles: %s%n", new TreeMap<>(asLongs(reconciles)));
        p.printf(
                "reconcile failures: %d %s%n",
                sum(reconcileFailures), reconcileFailures.isEmpty() ? "" : new TreeMap<>(asLongs(reconcileFailures)));
        new TreeMap<>(firstReconcileFailure)
                .forEach((k, v) -> p.printf("  first %s: %s%n", k, v.length() > 300 ? v.substring(0, 300) + "…" : v));
        p.printf("warnings and errors in the logs: %d%n", sum(warnings));
        new TreeMap<>(warnings)
                .forEach((k, v) -> p.printf("  %-70s %5d  first: %s%n", k, v.get(), firstWarning.get(k)));

        p.printf("%n-- memory (heap used after System.gc(), whole JVM), every minute%n");
        synchronized (minutes) {
            minutes.forEach(p::println);
            if (heapSamples.size() >= 4) {
                long[] h = heapSamples.stream().mapToLong(Long::longValue).toArray();
                long[] firstHalf = Arrays.copyOfRange(h, 1, h.length / 2 + 1);
                long[] secondHalf = Arrays.copyOfRange(h, h.length / 2, h.length);
                Arrays.sort(firstHalf);
                Arrays.sort(secondHalf);
                p.printf(
                        "heap after GC: min %d, median %d, max %d MiB; median of the first half %d, of the second half %d MiB%n",
                        Arrays.stream(h).min().orElse(0) >> 20,
                        median(h) >> 20,
                        Arrays.stream(h).max().orElse(0) >> 20,
                        firstHalf[firstHalf.length / 2] >> 20,
                        secondHalf[secondHalf.length / 2] >> 20);
            }
        }
        synchronized (minutes) {
            if (threadSamples.size() >= 2) {
                Map<String, Integer> first = threadSamples.get(0);
                Map<String, Integer> last = threadSamples.get(threadSamples.size() - 1);
                Map<String, String> grew = new TreeMap<>();
                for (String name : new TreeSet<>(last.keySet())) {
                    int before = first.getOrDefault(name, 0);
                    if (last.get(name) != before) {
                        grew.put(name, before + " -> " + last.get(name));
                    }
                }
                first.keySet().stream()
                        .filter(n -> !last.containsKey(n))
                        .forEach(n -> grew.put(n, first.get(n) + " -> 0"));
                p.printf("threads that changed from the first sample to the last: %s%n", grew);
            }
        }
        p.printf(
                "the operator's share (heap after GC and threads, running minus scaled to 0): at start %d MiB and %d"
                        + " threads, at the end %d MiB and %d threads%n",
                operatorAtStart[0] >> 20, operatorAtStart[1], operatorAtEnd[0] >> 20, operatorAtEnd[1]);
        p.flush();
        out.append(buffer);
    }

    // ---- helpers

    private void createEndpoint(String name) {
        InterfaceEndpointSpec spec = new InterfaceEndpointSpec();
        spec.setServiceName(serviceName);
        InterfaceEndpoint ep = new InterfaceEndpoint();
        ep.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
        ep.setSpec(spec);
        client.resource(ep).create();
    }

    private InterfaceEndpoint awaitState(String name, ConnectionState state, Duration timeout) {
        return await().atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> Optional.ofNullable(client.resources(InterfaceEndpoint.class)
                                        .inNamespace(NS)
                                        .withName(name)
                                        .get())
                                .filter(ep -> ep.getStatus() != null
                                        && ep.getStatus().getState() == state
                                        && ep.getStatus().getEndpointId() != null
                                        && ep.getStatus().getAddress() != null)
                                .orElse(null),
                        ep -> ep != null);
    }

    private List<Pod> forwarderPods() {
        return client.pods()
                .inNamespace(sandbox.options().operatorNamespace())
                .withLabel(Labels.COMPONENT, Labels.COMPONENT_FORWARDER)
                .withLabel(Labels.CONSUMER_NAMESPACE, NS)
                .list()
                .getItems();
    }

    private List<Pod> operatorPods() {
        return client.pods()
                .inNamespace(sandbox.options().operatorNamespace())
                .withLabel(Labels.COMPONENT, "operator")
                .list()
                .getItems();
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private Runnable guarded(String what, Runnable action) {
        return () -> {
            try {
                action.run();
            } catch (RuntimeException | AssertionError e) {
                count(failures, what);
                firstFailure.putIfAbsent(what, e.toString());
                log("%s failed: %s", what, e);
            }
        };
    }

    private void convergence(String what, long t0) {
        convergence.computeIfAbsent(what, k -> new Samples()).add((System.nanoTime() - t0) / 1000);
    }

    private static void count(Map<String, AtomicLong> counters, String key) {
        counters.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    private static long sum(Map<String, AtomicLong> counters) {
        return counters.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private static Map<String, Long> asLongs(Map<String, AtomicLong> counters) {
        Map<String, Long> m = new LinkedHashMap<>();
        counters.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    private long total(Outcome outcome) {
        return outcomes.values().stream().mapToLong(m -> m.get(outcome).get()).sum();
    }

    private long sinceStart() {
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static long pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static long median(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy[copy.length / 2];
    }

    private static void log(String format, Object... args) {
        System.out.printf("[soak %s] %s%n", Instant.now().truncatedTo(ChronoUnit.SECONDS), String.format(format, args));
    }

    private static ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Samples of a duration in µs; sorted on demand. */
    static final class Samples {
        private long[] values = new long[1024];
        private int size;

        synchronized void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        synchronized long[] sorted() {
            long[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }
    }
}
