package dev.privatelink.forwarder;

import dev.privatelink.cache.LeanItemStore;
import dev.privatelink.forwarder.config.WorkloadAdmission;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Admits only the pods of one namespace, the forwarder's consumer namespace, whatever the CNI
 * does: it watches that namespace's pods and knows their addresses ({@code status.podIPs}, IPv4
 * and IPv6). A known address is admitted by one lookup in a concurrent map. An address it does
 * not know is looked up once through the API before it is refused, so that a pod's first
 * connection is not lost to the watch's lag (by the primary address, {@code status.podIP}, then
 * by a list of the namespace for a secondary one); lookups of one address are shared, run on a small
 * pool of their own, and a refused address is remembered for {@link #REFUSAL_MEMORY} (unless the
 * watch sees it arrive), so a hostile source cannot turn its connections into API requests.
 *
 * <p>A route with an endpoint policy ({@link WorkloadAdmission}) admits, of those pods, the ones
 * whose labels and ServiceAccount it names, as the watch (or the lookup) last saw them; an address
 * held by several pods at once (a watch that has not seen the old one go yet) is admitted only if
 * each of them is. A pod without {@code spec.serviceAccountName} runs as {@code default}, as the
 * API server's ServiceAccount admission makes it.
 *
 * <p>Not admitted: pods that are gone, pods that finished ({@code Succeeded}, {@code Failed}:
 * their addresses are free for others), and {@code hostNetwork} pods, whose address is their
 * node's and so also every other host-network process's there. An address that another
 * namespace's pod takes over stops being admitted once the watch has seen it leave this
 * namespace. While the API server is unreachable, the last known pods stay admitted.
 */
public final class ConsumerNamespacePods implements SourcePolicy, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ConsumerNamespacePods.class);

    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REFUSAL_MEMORY = Duration.ofSeconds(5);
    private static final int MAX_PENDING_LOOKUPS = 256;
    private static final int MAX_REMEMBERED_REFUSALS = 10_000;
    private static final Decision REFUSED = Decision.refuse(RefusalReason.NOT_CONSUMER_NAMESPACE);
    private static final Decision NOT_ALLOWED = Decision.refuse(RefusalReason.NOT_ALLOWED_WORKLOAD);
    private static final Decision UNVERIFIED = Decision.refuse(RefusalReason.SOURCE_UNVERIFIED);

    /** What a route's endpoint policy asks of a pod, as the watch or a lookup saw it. */
    record Workload(String uid, Map<String, String> labels, String serviceAccount) {
        static Workload of(Pod pod) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            String serviceAccount = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
            return new Workload(
                    pod.getMetadata().getUid(),
                    labels == null ? Map.of() : Map.copyOf(labels),
                    serviceAccount == null || serviceAccount.isEmpty() ? "default" : serviceAccount);
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final SharedIndexInformer<Pod> informer;
    // the hot path's map: address -> the pods of the namespace that hold it (more than one while
    // the watch has not seen an old holder go); immutable lists, replaced under this object's lock
    private final Map<InetAddress, List<Workload>> admitted = new ConcurrentHashMap<>();
    // pod UID -> its admitted addresses; under this object's lock
    private final Map<String, Set<InetAddress>> byPod = new HashMap<>();
    // address -> the pods of the namespace a lookup found there (empty: none; null: unverified)
    private final Map<InetAddress, CompletableFuture<List<Workload>>> lookups = new ConcurrentHashMap<>();
    // address -> System.nanoTime() until which it is refused without a lookup
    private final Map<InetAddress, Long> refusedUntil = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor lookupPool;

    public ConsumerNamespacePods(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        this.lookupPool = new ThreadPoolExecutor(
                2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_PENDING_LOOKUPS), runnable -> {
                    Thread thread = new Thread(runnable, "source-lookup-" + namespace);
                    thread.setDaemon(true);
                    return thread;
                });
        lookupPool.allowCoreThreadTimeOut(true);
        this.informer = client.pods().inNamespace(namespace).runnableInformer(0);
        // pods carry large managedFields the check never reads (SEC-10)
        informer.itemStore(new LeanItemStore<>());
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                index(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod after) {
                index(after);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                forget(pod.getMetadata().getUid());
            }
        });
        informer.exceptionHandler((started, error) -> {
            LOG.warnf(
                    "watching the pods of %s failed (%s); admitting the pods last seen and trying again",
                    namespace, error.toString());
            return true;
        });
    }

    /** Starts watching; returns at once, also when the API server cannot be reached yet. */
    public void start() {
        informer.start();
    }

    @Override
    public Decision known(InetAddress source, WorkloadAdmission allowed) {
        List<Workload> holders = admitted.get(source);
        if (holders != null) {
            return admits(holders, allowed);
        }
        Long until = refusedUntil.get(source);
        if (until != null) {
            if (System.nanoTime() - until < 0) {
                return REFUSED;
            }
            refusedUntil.remove(source, until);
        }
        return null;
    }

    /** Allows when every pod holding the address is one the route admits (no policy: any pod). */
    private static Decision admits(List<Workload> holders, WorkloadAdmission allowed) {
        if (allowed == null) {
            return Decision.ALLOW;
        }
        for (int i = 0; i < holders.size(); i++) {
            Workload w = holders.get(i);
            if (!allowed.admits(w.labels(), w.serviceAccount())) {
                return NOT_ALLOWED;
            }
        }
        return Decision.ALLOW;
    }

    @Override
    public CompletionStage<Decision> decide(InetAddress source, WorkloadAdmission allowed) {
        Decision known = known(source, allowed);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        return holdersOf(source).thenApply(found -> {
            if (found == null) {
                return UNVERIFIED;
            }
            return found.isEmpty() ? REFUSED : admits(found, allowed);
        });
    }

    /** The pods of the namespace that hold {@code source}, looked up once however many ask. */
    private CompletableFuture<List<Workload>> holdersOf(InetAddress source) {
        CompletableFuture<List<Workload>> mine = new CompletableFuture<>();
        CompletableFuture<List<Workload>> shared = lookups.putIfAbsent(source, mine);
        if (shared != null) {
            return shared;
        }
        try {
            lookupPool.execute(() -> {
                try {
                    mine.complete(lookUp(source));
                } catch (RuntimeException e) {
                    LOG.warnf("looking up %s in %s failed: %s", source.getHostAddress(), namespace, e.toString());
                    mine.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            mine.complete(null);
        }
        mine.completeOnTimeout(null, LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        mine.whenComplete((found, error) -> lookups.remove(source, mine));
        return mine;
    }

    /** Asks the API server which pods of the namespace hold {@code source} now; none: remembered as refused. */
    private List<Workload> lookUp(InetAddress source) {
        String address = source.getHostAddress();
        // the API server selects by the primary address (status.podIP); a secondary one (the other
        // family of a dual-stack pod) only shows in a list of the namespace, the second request
        List<Workload> found = holding(
                source,
                client.pods()
                        .inNamespace(namespace)
                        .withField("status.podIP", address)
                        .list()
                        .getItems());
        if (found.isEmpty()) {
            found = holding(source, client.pods().inNamespace(namespace).list().getItems());
        }
        if (found.isEmpty()) {
            found = admitted.getOrDefault(source, List.of()); // the watch saw it meanwhile
        }
        if (!found.isEmpty()) {
            LOG.debugf("%s: a pod of %s the watch has not shown yet", address, namespace);
            return found;
        }
        remember(source);
        return List.of();
    }

    private static List<Workload> holding(InetAddress source, List<Pod> pods) {
        List<Workload> found = new ArrayList<>();
        for (Pod pod : pods) {
            if (addressesOf(pod).contains(source)) {
                found.add(Workload.of(pod));
            }
        }
        return found;
    }

    private void remember(InetAddress source) {
        if (refusedUntil.size() >= MAX_REMEMBERED_REFUSALS) {
            long now = System.nanoTime();
            refusedUntil.values().removeIf(until -> now - until >= 0);
        }
        if (refusedUntil.size() < MAX_REMEMBERED_REFUSALS) {
            refusedUntil.put(source, System.nanoTime() + REFUSAL_MEMORY.toNanos());
        }
    }

    private synchronized void index(Pod pod) {
        Workload workload = Workload.of(pod);
        String uid = workload.uid();
        Set<InetAddress> now = addressesOf(pod);
        Set<InetAddress> before = byPod.getOrDefault(uid, Set.of());
        for (InetAddress gone : before) {
            if (!now.contains(gone)) {
                release(gone, uid);
            }
        }
        for (InetAddress added : now) {
            // replaced, not changed: the event loops read these lists without a lock
            admitted.compute(added, (a, holders) -> {
                List<Workload> next = new ArrayList<>();
                if (holders != null) {
                    holders.stream().filter(w -> !w.uid().equals(uid)).forEach(next::add);
                }
                next.add(workload);
                return List.copyOf(next);
            });
            refusedUntil.remove(added);
        }
        if (now.isEmpty()) {
            byPod.remove(uid);
        } else {
            byPod.put(uid, now);
        }
    }

    private synchronized void forget(String uid) {
        Set<InetAddress> gone = byPod.remove(uid);
        if (gone != null) {
            gone.forEach(address -> release(address, uid));
        }
    }

    private void release(InetAddress address, String uid) {
        admitted.computeIfPresent(address, (a, holders) -> {
            List<Workload> rest =
                    holders.stream().filter(w -> !w.uid().equals(uid)).toList();
            return rest.isEmpty() ? null : rest;
        });
    }

    /** The addresses a pod may connect from: none for a finished or host-network pod. */
    static Set<InetAddress> addressesOf(Pod pod) {
        if (pod.getStatus() == null
                || "Succeeded".equals(pod.getStatus().getPhase())
                || "Failed".equals(pod.getStatus().getPhase())
                || (pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork()))) {
            return Set.of();
        }
        Set<InetAddress> addresses = new HashSet<>();
        add(addresses, pod.getStatus().getPodIP());
        if (pod.getStatus().getPodIPs() != null) {
            for (PodIP ip : pod.getStatus().getPodIPs()) {
                add(addresses, ip.getIp());
            }
        }
        return Set.copyOf(addresses);
    }

    private static void add(Set<InetAddress> addresses, String literal) {
        InetAddress address = literal == null ? null : NetUtil.createInetAddressFromIpAddressString(literal);
        if (address != null) {
            addresses.add(address);
        }
    }

    /** Addresses admitted now, for tests. */
    Set<InetAddress> admitted() {
        return Set.copyOf(admitted.keySet());
    }

    boolean hasSynced() {
        return informer.hasSynced();
    }

    @Override
    public void close() {
        informer.stop();
        lookupPool.shutdownNow();
    }

    @Override
    public String toString() {
        return "pods of namespace " + namespace;
    }
}
