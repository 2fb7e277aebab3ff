package dev.privatelink.sandbox;

import com.sun.net.httpserver.HttpServer;
import dev.privatelink.config.Settings;
import dev.privatelink.desired.Labels;
import dev.privatelink.forwarder.ConfigMapSource;
import dev.privatelink.forwarder.ConsumerNamespacePods;
import dev.privatelink.forwarder.Forwarder;
import dev.privatelink.forwarder.ForwarderSettings;
import dev.privatelink.forwarder.GatewayClient;
import dev.privatelink.forwarder.SourcePolicy;
import dev.privatelink.forwarder.Transport;
import dev.privatelink.forwarder.UpstreamGuard;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.operator.ControlPlane;
import dev.privatelink.pki.CredentialWatch;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Stands in for the kubelet on the sandbox's one node, and for the ReplicaSets of the Deployments
 * in the operator's namespace: each Deployment gets {@code replicas} pods, each running in-process
 * what its container's first argument names, as the project's image does:
 *
 * <ul>
 *   <li>{@code forwarder}: the real forwarder on the pod's own loopback "pod IP", fed from the
 *       ConfigMap its arguments name, admitting only the pods of the namespace its
 *       {@code --consumer-namespace} names (as in a cluster; see {@link ClientPods});
 *   <li>{@code operator}: the operator ({@link ControlPlane}), with the settings its container's
 *       {@code PRIVATELINK_*} environment gives it.
 * </ul>
 *
 * Each is reported as a Pod (address, node, Ready once it serves), so that the operator lists
 * forwarder pods in the endpoints' EndpointSlices. Scaling a Deployment starts or stops pods;
 * deleting a pod stops what it runs (a forwarder first drains for up to {@link #DRAIN}) and starts
 * a replacement under a new name, with a new address.
 */
final class Kubelet implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Kubelet.class);

    static final String NODE = "sandbox-node";
    static final String ZONE = "sandbox-zone-a";
    /** How long a deleted forwarder pod lets its connections finish (a real pod has its drain timeout). */
    static final Duration DRAIN = Duration.ofSeconds(2);

    private static final String NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private final KubernetesClient client;
    private final String namespace;
    private final AddressPool podAddresses;
    private final Transport transport;
    private final EventLoopGroup group;
    private final Metrics operatorMetrics;
    private final SharedIndexInformer<Deployment> deployments;
    private final SharedIndexInformer<Pod> podObjects;
    // Deployments and pods are handled one at a time, off the informer threads: starting a pod
    // waits for binds, or for the operator's informers to sync.
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sandbox-kubelet");
        t.setDaemon(true);
        return t;
    });
    /** The pods running, by Deployment name; touched on the worker thread only. */
    private final Map<String, List<SandboxPod>> pods = new HashMap<>();

    private final Set<String> unknownRoles = new HashSet<>();
    /** Each running forwarder pod's meters, by pod name: a pod is a process of its own in a cluster. */
    private final Map<String, MeterRegistry> forwarderMeters = new ConcurrentHashMap<>();

    Kubelet(
            KubernetesClient client,
            String namespace,
            AddressPool podAddresses,
            Transport transport,
            EventLoopGroup group,
            Metrics operatorMetrics) {
        this.client = client;
        this.namespace = namespace;
        this.podAddresses = podAddresses;
        this.transport = transport;
        this.group = group;
        this.operatorMetrics = operatorMetrics;
        this.deployments = client.apps().deployments().inNamespace(namespace).runnableInformer(0);
        deployments.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment d) {
                submit(() -> scale(d.getMetadata().getName()));
            }

            @Override
            public void onUpdate(Deployment before, Deployment after) {
                submit(() -> scale(after.getMetadata().getName()));
            }

            @Override
            public void onDelete(Deployment d, boolean finalStateUnknown) {
                submit(() -> scale(d.getMetadata().getName()));
            }
        });
        this.podObjects = client.pods().inNamespace(namespace).runnableInformer(0);
        podObjects.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {}

            @Override
            public void onUpdate(Pod before, Pod after) {}

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                submit(() -> deleted(pod.getMetadata().getName()));
            }
        });
    }

    void start() {
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName(NODE)
                        .withLabels(Map.of(Labels.ZONE_NODE_LABEL, ZONE, Labels.HOSTNAME_NODE_LABEL, NODE))
                        .endMetadata()
                        .withNewStatus()
                        .addNewCondition()
                        .withType("Ready")
                        .withStatus("True")
                        .endCondition()
                        .endStatus()
                        .build())
                .createOr(n -> n.update());
        podObjects.start();
        deployments.start();
    }

    private void submit(Runnable task) {
        if (worker.isShutdown()) {
            return;
        }
        worker.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warnf(e, "kubelet: %s", e.toString());
            }
        });
    }

    /** Runs as many pods as the Deployment asks for now; none when it is gone. */
    private void scale(String name) {
        Deployment deployment = deployments.getStore().getByKey(namespace + "/" + name);
        Role role = deployment == null ? null : Role.of(deployment);
        if (deployment != null && role == null && unknownRoles.add(name)) {
            LOG.warnf(
                    "kubelet: Deployment %s/%s runs neither the forwarder nor the operator: no pods", namespace, name);
        }
        int wanted = role == null
                ? 0
                : deployment.getSpec().getReplicas() == null
                        ? 1
                        : deployment.getSpec().getReplicas();
        List<SandboxPod> running = pods.computeIfAbsent(name, n -> new ArrayList<>());
        while (running.size() > wanted) {
            running.remove(running.size() - 1).stop(true);
        }
        while (running.size() < wanted) {
            SandboxPod pod = new SandboxPod(podName(deployment), deployment, role);
            running.add(pod);
            pod.start();
        }
        if (running.isEmpty()) {
            pods.remove(name);
        }
        reportStatus(name);
    }

    /**
     * The Deployment's status as its controller keeps it (kubectl get shows READY, UP-TO-DATE and
     * AVAILABLE from it; kubectl wait --for=condition=Available reads it): written only when it
     * changes, since writing it is an update of the Deployment that brings us back here.
     */
    private void reportStatus(String name) {
        Deployment deployment = deployments.getStore().getByKey(namespace + "/" + name);
        if (deployment == null) {
            return;
        }
        List<SandboxPod> running = pods.getOrDefault(name, List.of());
        int replicas = running.size();
        int ready = (int) running.stream()
                .filter(p -> Boolean.TRUE.equals(p.reportedReady))
                .count();
        int wanted = deployment.getSpec().getReplicas() == null
                ? 1
                : deployment.getSpec().getReplicas();
        boolean available = ready >= wanted;
        DeploymentStatus now = deployment.getStatus();
        if (now != null
                && Objects.equals(
                        now.getObservedGeneration(), deployment.getMetadata().getGeneration())
                && Objects.equals(now.getReplicas(), replicas)
                && Objects.equals(now.getReadyReplicas(), ready)
                && now.getConditions() != null
                && now.getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Available")
                                && c.getStatus().equals(available ? "True" : "False"))) {
            return;
        }
        String at = Instant.now().toString();
        DeploymentStatus status = new DeploymentStatusBuilder()
                .withObservedGeneration(deployment.getMetadata().getGeneration())
                .withReplicas(replicas)
                .withUpdatedReplicas(replicas)
                .withReadyReplicas(ready)
                .withAvailableReplicas(ready)
                .withUnavailableReplicas(Math.max(0, wanted - ready))
                .addNewCondition()
                .withType("Available")
                .withStatus(available ? "True" : "False")
                .withReason(available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
                .withMessage(
                        available
                                ? "Deployment has minimum availability."
                                : "Deployment does not have minimum availability.")
                .withLastUpdateTime(at)
                .withLastTransitionTime(at)
                .endCondition()
                .build();
        try {
            client.apps().deployments().inNamespace(namespace).withName(name).editStatus(d -> {
                d.setStatus(status);
                return d;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** A pod deleted by someone else: stop what it ran, and start its replacement. */
    private void deleted(String podName) {
        for (Map.Entry<String, List<SandboxPod>> entry : pods.entrySet()) {
            for (SandboxPod pod : entry.getValue()) {
                if (pod.name.equals(podName)) {
                    LOG.infof("kubelet: pod %s/%s was deleted; starting a replacement", namespace, podName);
                    entry.getValue().remove(pod);
                    if (pod.role == Role.OPERATOR) {
                        // stopped first: the sandbox's operator elects no leader, two must not overlap
                        pod.stop(false);
                        scale(entry.getKey());
                    } else {
                        // the replacement starts while the deleted pod drains, as a ReplicaSet's would
                        scale(entry.getKey());
                        pod.stop(false);
                    }
                    return;
                }
            }
        }
        // one of ours that we deleted ourselves, or not one of ours
    }

    /** As a ReplicaSet names its pods: the Deployment's name, a hash of the template, five random characters. */
    private static String podName(Deployment deployment) {
        StringBuilder name = new StringBuilder(deployment.getMetadata().getName()).append('-');
        long hash = Integer.toUnsignedLong(deployment.getSpec().getTemplate().hashCode());
        for (int i = 0; i < 9; i++) {
            name.append(NAME_ALPHABET.charAt((int) (hash % NAME_ALPHABET.length())));
            hash /= NAME_ALPHABET.length();
        }
        name.append('-');
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 5; i++) {
            name.append(NAME_ALPHABET.charAt(random.nextInt(NAME_ALPHABET.length())));
        }
        return name.toString();
    }

    @Override
    public void close() {
        podObjects.stop();
        deployments.stop();
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the operator first, so that it does not react to its forwarders going
        pods.values().stream()
                .flatMap(List::stream)
                .filter(p -> p.role == Role.OPERATOR)
                .forEach(SandboxPod::closeQuietly);
        pods.values().stream()
                .flatMap(List::stream)
                .filter(p -> p.role != Role.OPERATOR)
                .forEach(SandboxPod::closeQuietly);
        pods.clear();
    }

    /** What a pod's container runs: the image's role, its first argument. */
    enum Role {
        FORWARDER,
        OPERATOR;

        static Role of(Deployment deployment) {
            Container container = container(deployment);
            List<String> args = container == null ? null : container.getArgs();
            if (args == null || args.isEmpty()) {
                return null;
            }
            return switch (args.get(0)) {
                case "forwarder" -> FORWARDER;
                case "operator" -> OPERATOR;
                default -> null;
            };
        }
    }

    /** The pod template's first container, or null when it has none. */
    private static Container container(Deployment deployment) {
        var spec = deployment.getSpec() == null || deployment.getSpec().getTemplate() == null
                ? null
                : deployment.getSpec().getTemplate().getSpec();
        return spec == null
                        || spec.getContainers() == null
                        || spec.getContainers().isEmpty()
                ? null
                : spec.getContainers().get(0);
    }

    /** The value following {@code option} in the container's arguments. */
    private static String argument(Deployment deployment, String option) {
        return optionalArgument(deployment, option)
                .orElseThrow(() -> new IllegalArgumentException("the container's arguments have no " + option + ": "
                        + container(deployment).getArgs()));
    }

    private static Optional<String> optionalArgument(Deployment deployment, String option) {
        List<String> args = container(deployment).getArgs();
        int at = args.indexOf(option);
        return at < 0 || at + 1 >= args.size() ? Optional.empty() : Optional.of(args.get(at + 1));
    }

    /** What runs in a pod: started once; told to stop as a pod deletion does, or at once. */
    private interface Workload {
        void start(Consumer<Boolean> ready);

        void terminate();

        void close();

        /** The port it serves /q/metrics on, when that differs from what its container declares. */
        default Optional<Integer> metricsPort() {
            return Optional.empty();
        }
    }

    /** The port the pod template names {@code http}, where the image serves /q/metrics. */
    static int metricsPort(Deployment deployment) {
        return metricsPort(deployment.getSpec().getTemplate().getSpec());
    }

    static int metricsPort(PodSpec pod) {
        return pod.getContainers().stream()
                .flatMap(c -> c.getPorts() == null ? Stream.<ContainerPort>empty() : c.getPorts().stream())
                .filter(p -> "http".equals(p.getName()) && p.getContainerPort() != null)
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElse(8080);
    }

    /** The meters of the forwarder pods running now, each its own registry. */
    Collection<MeterRegistry> forwarderMeters() {
        return List.copyOf(forwarderMeters.values());
    }

    /**
     * The forwarder on the pod's address, fed from the ConfigMap its arguments name; with
     * {@code --consumer-namespace}, as the operator's Deployments pass it, it admits only that
     * namespace's pods, which it watches through the sandbox's API server.
     */
    private final class ForwarderWorkload implements Workload {
        private final String pod;
        private final Forwarder forwarder;
        private final ConfigMapSource<ForwarderConfig> source;
        private final ConsumerNamespacePods sourceCheck;
        private final Optional<HttpServer> metricsServer;
        // with a peer: its client credential for the peers' gateways, from the Secret its volume names
        private final Optional<CredentialWatch> gatewayCredentials;
        private Consumer<Boolean> ready;

        ForwarderWorkload(String pod, String ip, Deployment deployment) {
            this.pod = pod;
            Optional<String> consumerNamespace = optionalArgument(deployment, "--consumer-namespace");
            this.sourceCheck = consumerNamespace
                    .map(ns -> new ConsumerNamespacePods(client, ns))
                    .orElse(null);
            // a registry per pod, as each pod is its own process in a cluster, served on the
            // pod's address as the image serves it (/q/metrics on the container's port http)
            PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            forwarderMeters.put(pod, meters);
            this.metricsServer = MetricsEndpoint.serve(pod, ip, Kubelet.metricsPort(deployment), meters);
            this.forwarder = new Forwarder(
                    ForwarderSettings.defaults()
                            .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                            .withBindAddress(ip)
                            .withConnectTimeout(Duration.ofSeconds(2)),
                    meters,
                    transport,
                    group,
                    sourceCheck == null ? SourcePolicy.ALLOW_ALL : sourceCheck,
                    consumerNamespace.orElse(null));
            this.source = ConfigMapSource.forwarder(
                    client, argument(deployment, "--namespace"), argument(deployment, "--config-map"), this::apply);
            this.gatewayCredentials = optionalArgument(deployment, "--gateway-credentials")
                    .map(path -> new CredentialWatch(
                            "forwarder",
                            SecretFiles.of(client, namespace, secretMountedAt(deployment, path)),
                            held -> forwarder.useGatewayClient(
                                    new GatewayClient(held.credential(), held.peerRoots(), Clock.systemUTC())),
                            meters,
                            Clock.systemUTC()));
        }

        @Override
        public void start(Consumer<Boolean> ready) {
            this.ready = ready;
            if (sourceCheck != null) {
                sourceCheck.start();
            }
            gatewayCredentials.ifPresent(watch -> {
                watch.poll();
                watch.start(Duration.ofSeconds(1));
            });
            source.start();
        }

        private void apply(ForwarderConfig config) {
            Forwarder.Applied applied = forwarder.apply(config);
            if (!applied.complete()) {
                LOG.warnf("forwarder pod %s: %s", pod, String.join("; ", applied.failures()));
            }
            ready.accept(forwarder.isServing());
        }

        @Override
        public Optional<Integer> metricsPort() {
            return metricsServer.map(server -> server.getAddress().getPort());
        }

        @Override
        public void terminate() {
            source.close();
            forwarder.drain(DRAIN);
            close();
        }

        @Override
        public void close() {
            source.close();
            gatewayCredentials.ifPresent(CredentialWatch::close);
            forwarder.close();
            if (sourceCheck != null) {
                sourceCheck.close();
            }
            metricsServer.ifPresent(server -> server.stop(0));
            forwarderMeters.remove(pod);
        }
    }

    /** The operator, with the settings of its container's environment. */
    private final class OperatorWorkload implements Workload {
        private final String pod;
        private final Map<String, String> environment;
        // its own registry, served on the pod's address as the image serves /q/metrics (the
        // ServiceMonitor's target), so Prometheus scrapes the operator's series in the sandbox
        private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        private final Optional<HttpServer> metricsServer;
        private ControlPlane controlPlane;

        OperatorWorkload(String pod, String ip, Deployment deployment) {
            this.pod = pod;
            this.environment = environment(container(deployment), pod, ip);
            this.metricsServer = MetricsEndpoint.serve(pod, ip, Kubelet.metricsPort(deployment), meters);
        }

        @Override
        public void start(Consumer<Boolean> ready) {
            try {
                // with a peering port, as the two-cluster sandbox sets it: a peer, under its cluster's own trust
                controlPlane = ControlPlane.start(
                        client,
                        Settings.ofEnvironment(environment),
                        operatorMetrics,
                        meters,
                        environment.containsKey("PRIVATELINK_PEERING_PORT")
                                ? new ControlPlane.Peering(null, null, Clock.systemUTC())
                                : null);
                ready.accept(true);
            } catch (RuntimeException e) {
                LOG.errorf(e, "operator pod %s/%s failed to start", namespace, pod);
            }
        }

        @Override
        public Optional<Integer> metricsPort() {
            return metricsServer.map(server -> server.getAddress().getPort());
        }

        @Override
        public void terminate() {
            close();
        }

        @Override
        public void close() {
            if (controlPlane != null) {
                controlPlane.close();
                controlPlane = null;
            }
            metricsServer.ifPresent(server -> server.stop(0));
            meters.close();
        }
    }

    /** The Secret of the volume the Deployment's container mounts at {@code path}. */
    private static String secretMountedAt(Deployment deployment, String path) {
        String volume = container(deployment).getVolumeMounts().stream()
                .filter(m -> path.equals(m.getMountPath()))
                .map(m -> m.getName())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no volume is mounted at " + path));
        return deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> volume.equals(v.getName()) && v.getSecret() != null)
                .map(v -> v.getSecret().getSecretName())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("volume " + volume + " is no Secret's"));
    }

    /** The container's environment: plain values, and the pod fields the downward API gives. */
    private Map<String, String> environment(Container container, String pod, String ip) {
        Map<String, String> env = new HashMap<>();
        for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
            if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            } else if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
                String value = switch (var.getValueFrom().getFieldRef().getFieldPath()) {
                    case "metadata.namespace" -> namespace;
                    case "metadata.name" -> pod;
                    case "status.podIP" -> ip;
                    case "spec.nodeName" -> NODE;
                    default -> null;
                };
                if (value != null) {
                    env.put(var.getName(), value);
                }
            }
        }
        return env;
    }

    /** One pod: what it runs, on its own address, and the Pod object that reports it. */
    private final class SandboxPod {
        private final String name;
        private final Deployment deployment;
        private final Role role;
        private final String ip;
        private final Workload workload;
        private final Instant started = Instant.now();
        private volatile Boolean reportedReady;
        private boolean stopped;

        SandboxPod(String name, Deployment deployment, Role role) {
            this.name = name;
            this.deployment = deployment;
            this.role = role;
            this.ip = podAddresses.allocate(namespace + "/" + name);
            this.workload = role == Role.FORWARDER
                    ? new ForwarderWorkload(name, ip, deployment)
                    : new OperatorWorkload(name, ip, deployment);
        }

        void start() {
            LOG.infof("starting %s pod %s/%s at %s", role.name().toLowerCase(), namespace, name, ip);
            report(false);
            workload.start(this::report);
        }

        /**
         * The pod template's containers, with the port named http where the workload really
         * serves its metrics: on a pod's loopback address, 8080 may be another process's (a
         * sandbox's own HTTP binds every address), so a forwarder pod takes a free port and
         * reports it, as a Prometheus PodMonitor and the operator read it from the pod.
         */
        private List<Container> containers() {
            List<Container> containers =
                    deployment.getSpec().getTemplate().getSpec().getContainers();
            Optional<Integer> port = workload.metricsPort();
            if (port.isEmpty()) {
                return containers;
            }
            return containers.stream()
                    .map(c -> new ContainerBuilder(c)
                            .withPorts(
                                    c.getPorts() == null
                                            ? List.of()
                                            : c.getPorts().stream()
                                                    .map(p -> "http".equals(p.getName())
                                                            ? new ContainerPortBuilder(p)
                                                                    .withContainerPort(port.get())
                                                                    .build()
                                                            : p)
                                                    .toList())
                            .build())
                    .toList();
        }

        private synchronized void report(boolean ready) {
            if (stopped || Boolean.valueOf(ready).equals(reportedReady)) {
                return;
            }
            Map<String, String> labels = new HashMap<>();
            if (deployment.getSpec().getTemplate().getMetadata() != null
                    && deployment.getSpec().getTemplate().getMetadata().getLabels() != null) {
                labels.putAll(deployment.getSpec().getTemplate().getMetadata().getLabels());
            }
            Pod pod = new PodBuilder()
                    .withNewMetadata()
                    .withNamespace(namespace)
                    .withName(name)
                    .withLabels(labels)
                    .endMetadata()
                    .withNewSpec()
                    .withNodeName(NODE)
                    .withContainers(containers())
                    .endSpec()
                    .withNewStatus()
                    .withPhase("Running")
                    .withPodIP(ip)
                    .addNewPodIP()
                    .withIp(ip)
                    .endPodIP()
                    .withHostIP("127.0.0.1")
                    .withStartTime(Instant.now().toString())
                    .withContainerStatuses(containerStatuses(ready))
                    .addNewCondition()
                    .withType("Ready")
                    .withStatus(ready ? "True" : "False")
                    .endCondition()
                    .endStatus()
                    .build();
            try {
                if (reportedReady == null) {
                    client.pods().resource(pod).create();
                } else if (client.pods().resource(pod).get() != null) {
                    client.pods().resource(pod).update();
                } else {
                    return; // deleted meanwhile: the kubelet hears of it and stops this pod
                }
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return; // deleted meanwhile, as above
                }
                throw e;
            }
            reportedReady = ready;
            submit(() -> reportStatus(deployment.getMetadata().getName()));
            LOG.infof(
                    "%s pod %s/%s at %s is %s",
                    role.name().toLowerCase(), namespace, name, ip, ready ? "ready" : "not ready");
        }

        /** Each container of the template, running since the pod started, ready when the pod is. */
        private List<ContainerStatus> containerStatuses(boolean ready) {
            List<ContainerStatus> statuses = new ArrayList<>();
            for (Container c : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                statuses.add(new ContainerStatusBuilder()
                        .withName(c.getName())
                        .withImage(c.getImage())
                        .withReady(ready)
                        .withStarted(true)
                        .withRestartCount(0)
                        .withNewState()
                        .withNewRunning()
                        .withStartedAt(started.toString())
                        .endRunning()
                        .endState()
                        .build());
            }
            return statuses;
        }

        /**
         * Stops what the pod runs, as a pod deletion does; {@code delete}: the kubelet is the one
         * removing it (a scale down), so it deletes the Pod object too.
         */
        void stop(boolean delete) {
            synchronized (this) {
                stopped = true; // no report from now on
            }
            LOG.infof("stopping %s pod %s/%s", role.name().toLowerCase(), namespace, name);
            if (delete) {
                deletePodObject();
            }
            workload.terminate();
            podAddresses.release(namespace + "/" + name);
        }

        private void deletePodObject() {
            client.pods()
                    .inNamespace(namespace)
                    .withName(name)
                    .withGracePeriod(0)
                    .delete();
        }

        void closeQuietly() {
            synchronized (this) {
                stopped = true;
            }
            try {
                workload.close();
            } catch (RuntimeException e) {
                LOG.debugf("closing pod %s: %s", name, e.toString());
            }
            podAddresses.release(namespace + "/" + name);
        }
    }
}
