package dev.privatelink.sandbox;

import dev.privatelink.desired.Labels;
import dev.privatelink.forwarder.ConfigMapSource;
import dev.privatelink.forwarder.Forwarder;
import dev.privatelink.forwarder.ForwarderSettings;
import dev.privatelink.forwarder.Transport;
import dev.privatelink.forwarder.UpstreamGuard;
import dev.privatelink.forwarder.config.ForwarderConfig;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Stands in for the kubelet on the sandbox's one node: for every forwarder Deployment the
 * operator creates it runs {@code replicas} in-process forwarders, each on its own loopback
 * "pod IP" and fed from the Deployment's ConfigMap the way the real pod is, and reports each as
 * a Pod (address, node, Ready once the forwarder serves its config) so that the operator lists
 * it in the endpoints' EndpointSlices.
 */
final class Kubelet implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Kubelet.class);

    static final String NODE = "sandbox-node";
    static final String ZONE = "sandbox-zone-a";

    private final KubernetesClient client;
    private final String namespace;
    private final AddressPool podAddresses;
    private final Transport transport;
    private final EventLoopGroup group;
    private final SharedIndexInformer<Deployment> deployments;
    // Deployments are handled one at a time, off the informer thread: starting a pod waits for binds.
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sandbox-kubelet");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, List<SandboxPod>> pods = new HashMap<>();

    Kubelet(
            KubernetesClient client,
            String namespace,
            AddressPool podAddresses,
            Transport transport,
            EventLoopGroup group) {
        this.client = client;
        this.namespace = namespace;
        this.podAddresses = podAddresses;
        this.transport = transport;
        this.group = group;
        this.deployments = client.apps()
                .deployments()
                .inNamespace(namespace)
                .withLabel(Labels.COMPONENT, Labels.COMPONENT_FORWARDER)
                .runnableInformer(0);
        deployments.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment d) {
                worker.execute(() -> scale(d.getMetadata().getName(), d));
            }

            @Override
            public void onUpdate(Deployment before, Deployment after) {
                worker.execute(() -> scale(after.getMetadata().getName(), after));
            }

            @Override
            public void onDelete(Deployment d, boolean finalStateUnknown) {
                worker.execute(() -> scale(d.getMetadata().getName(), null));
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
        deployments.start();
    }

    /** Runs as many pods as {@code deployment} asks for; none when it is gone. */
    private void scale(String name, Deployment deployment) {
        int wanted = deployment == null
                ? 0
                : deployment.getSpec().getReplicas() == null
                        ? 1
                        : deployment.getSpec().getReplicas();
        List<SandboxPod> running = pods.computeIfAbsent(name, n -> new ArrayList<>());
        while (running.size() > wanted) {
            running.remove(running.size() - 1).stop();
        }
        while (running.size() < wanted) {
            SandboxPod pod = new SandboxPod(name + "-sandbox-" + running.size(), deployment);
            running.add(pod);
            pod.start();
        }
        if (running.isEmpty()) {
            pods.remove(name);
        }
    }

    @Override
    public void close() {
        deployments.stop();
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pods.values().forEach(list -> list.forEach(SandboxPod::closeQuietly));
        pods.clear();
    }

    /** One forwarder pod: a forwarder on its own address, its config watch, and the Pod object that reports it. */
    private final class SandboxPod {
        private final String name;
        private final Deployment deployment;
        private final String ip;
        private final Forwarder forwarder;
        private final ConfigMapSource source;
        private volatile Boolean reportedReady;

        SandboxPod(String name, Deployment deployment) {
            this.name = name;
            this.deployment = deployment;
            this.ip = podAddresses.allocate(namespace + "/" + name);
            // a registry per pod, as each pod is its own process in a cluster
            this.forwarder = new Forwarder(
                    ForwarderSettings.defaults()
                            .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                            .withBindAddress(ip)
                            .withConnectTimeout(Duration.ofSeconds(2)),
                    new SimpleMeterRegistry(),
                    transport,
                    group);
            // the ConfigMap has the Deployment's name, as the container's arguments say
            this.source = new ConfigMapSource(
                    client, namespace, deployment.getMetadata().getName(), this::apply);
        }

        void start() {
            LOG.infof("starting forwarder pod %s/%s at %s", namespace, name, ip);
            report(false);
            source.start();
        }

        private void apply(ForwarderConfig config) {
            Forwarder.Applied applied = forwarder.apply(config);
            if (!applied.complete()) {
                LOG.warnf("forwarder pod %s: %s", name, String.join("; ", applied.failures()));
            }
            report(forwarder.isServing());
        }

        private synchronized void report(boolean ready) {
            if (Boolean.valueOf(ready).equals(reportedReady)) {
                return;
            }
            Map<String, String> labels = new HashMap<>(
                    deployment.getSpec().getTemplate().getMetadata().getLabels());
            Pod pod = new PodBuilder()
                    .withNewMetadata()
                    .withNamespace(namespace)
                    .withName(name)
                    .withLabels(labels)
                    .endMetadata()
                    .withNewSpec()
                    .withNodeName(NODE)
                    .withContainers(deployment.getSpec().getTemplate().getSpec().getContainers())
                    .endSpec()
                    .withNewStatus()
                    .withPhase("Running")
                    .withPodIP(ip)
                    .addNewPodIP()
                    .withIp(ip)
                    .endPodIP()
                    .withHostIP("127.0.0.1")
                    .withStartTime(Instant.now().toString())
                    .addNewCondition()
                    .withType("Ready")
                    .withStatus(ready ? "True" : "False")
                    .endCondition()
                    .endStatus()
                    .build();
            client.pods().resource(pod).createOr(p -> p.update());
            reportedReady = ready;
            LOG.infof("forwarder pod %s/%s at %s is %s", namespace, name, ip, ready ? "ready" : "not ready");
        }

        void stop() {
            LOG.infof("stopping forwarder pod %s/%s", namespace, name);
            client.pods()
                    .inNamespace(namespace)
                    .withName(name)
                    .withGracePeriod(0)
                    .delete();
            closeQuietly();
        }

        void closeQuietly() {
            source.close();
            forwarder.close();
            podAddresses.release(namespace + "/" + name);
        }
    }
}
