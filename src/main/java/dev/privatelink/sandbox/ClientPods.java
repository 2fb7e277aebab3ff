package dev.privatelink.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Stands in for the kubelet for every pod outside the operator's namespace: such a pod (the
 * sandbox's own client pod of each namespace, or one a user or a test creates) is given a
 * loopback address of its own, {@code 127.<net>.4.N}, as its pod IP, is Running and Ready, and
 * carries the address in the annotation {@value #CLIENT_ADDRESS}. Nothing runs in it: a process
 * of the host that connects from that address ({@code curl --interface ADDRESS}) is that pod, as
 * far as the forwarders' source check can tell.
 *
 * <p>Every namespace but the operator's (the platform's) gets such a pod, {@value #CLIENT_POD},
 * put back if deleted, and its address in the same annotation on the Namespace, to look up.
 */
final class ClientPods implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClientPods.class);

    /** On a client pod and on its Namespace: the address that pod connects from. */
    static final String CLIENT_ADDRESS = "sandbox.privatelink.dev/client-address";
    /** Each namespace's client pod. */
    static final String CLIENT_POD = "sandbox-client";

    private final KubernetesClient client;
    private final String operatorNamespace;
    private final AddressPool addresses;
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<Pod> pods;
    // one change at a time, off the informer threads
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sandbox-client-pods");
        t.setDaemon(true);
        return t;
    });

    ClientPods(KubernetesClient client, String operatorNamespace, AddressPool addresses) {
        this.client = client;
        this.operatorNamespace = operatorNamespace;
        this.addresses = addresses;
        this.namespaces = client.namespaces().runnableInformer(0);
        this.pods = client.pods().inAnyNamespace().runnableInformer(0);
        namespaces.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                submit(() -> ensureClientPod(ns.getMetadata().getName()));
            }

            @Override
            public void onUpdate(Namespace before, Namespace after) {
                submit(() -> ensureClientPod(after.getMetadata().getName()));
            }

            @Override
            public void onDelete(Namespace ns, boolean finalStateUnknown) {
                // the mock API server deletes nothing with its namespace
                submit(() -> client.pods()
                        .inNamespace(ns.getMetadata().getName())
                        .withName(CLIENT_POD)
                        .delete());
            }
        });
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                submit(() -> run(pod));
            }

            @Override
            public void onUpdate(Pod before, Pod after) {
                submit(() -> run(after));
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                submit(() -> deleted(pod));
            }
        });
    }

    void start() {
        pods.start();
        namespaces.start();
    }

    private void submit(Runnable task) {
        if (worker.isShutdown()) {
            return;
        }
        worker.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warnf("client pods: %s", e.toString());
            }
        });
    }

    private boolean ours(String namespace) {
        return !operatorNamespace.equals(namespace) && !Sandbox.KUBE_SYSTEM.equals(namespace);
    }

    /** The namespace's client pod exists, and the Namespace names its address once it has one. */
    private void ensureClientPod(String namespace) {
        if (!ours(namespace)) {
            return;
        }
        Namespace ns = client.namespaces().withName(namespace).get();
        if (ns == null || ns.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        Pod pod = client.pods().inNamespace(namespace).withName(CLIENT_POD).get();
        if (pod == null) {
            try {
                client.pods()
                        .resource(new PodBuilder()
                                .withNewMetadata()
                                .withNamespace(namespace)
                                .withName(CLIENT_POD)
                                .withLabels(Map.of("app.kubernetes.io/name", CLIENT_POD))
                                .endMetadata()
                                .withNewSpec()
                                .addNewContainer()
                                .withName("client")
                                .withImage("curl --interface")
                                .endContainer()
                                .endSpec()
                                .build())
                        .create(); // its address follows, from the pod informer
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
            return;
        }
        String address = annotation(pod);
        if (address != null && !address.equals(annotation(ns))) {
            client.namespaces().withName(namespace).edit(n -> {
                Map<String, String> annotations = new HashMap<>();
                if (n.getMetadata().getAnnotations() != null) {
                    annotations.putAll(n.getMetadata().getAnnotations());
                }
                annotations.put(CLIENT_ADDRESS, address);
                n.getMetadata().setAnnotations(annotations);
                return n;
            });
            LOG.infof("namespace %s: client pod %s at %s", namespace, CLIENT_POD, address);
        }
    }

    /** Gives a pod that has no address yet its own, Running and Ready. */
    private void run(Pod seen) {
        String namespace = seen.getMetadata().getNamespace();
        String name = seen.getMetadata().getName();
        if (!ours(namespace)) {
            return;
        }
        if (seen.getStatus() != null && seen.getStatus().getPodIP() != null) {
            if (CLIENT_POD.equals(name)) {
                ensureClientPod(namespace);
            }
            return;
        }
        String address = addresses.allocate(namespace + "/" + name);
        for (int attempt = 0; attempt < 5; attempt++) {
            Pod pod = client.pods().inNamespace(namespace).withName(name).get();
            if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
                addresses.release(namespace + "/" + name);
                return;
            }
            Map<String, String> annotations = new HashMap<>();
            if (pod.getMetadata().getAnnotations() != null) {
                annotations.putAll(pod.getMetadata().getAnnotations());
            }
            annotations.put(CLIENT_ADDRESS, address);
            Pod running = new PodBuilder(pod)
                    .editMetadata()
                    .withAnnotations(annotations)
                    .endMetadata()
                    .editSpec()
                    .withNodeName(Kubelet.NODE)
                    .endSpec()
                    .withNewStatus()
                    .withPhase("Running")
                    .withPodIP(address)
                    .addNewPodIP()
                    .withIp(address)
                    .endPodIP()
                    .withHostIP("127.0.0.1")
                    .withStartTime(Instant.now().toString())
                    .addNewCondition()
                    .withType("Ready")
                    .withStatus("True")
                    .endCondition()
                    .endStatus()
                    .build();
            try {
                client.pods().resource(running).update();
                LOG.infof("client pod %s/%s at %s", namespace, name, address);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
    }

    private void deleted(Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        if (!ours(namespace)) {
            return;
        }
        addresses.release(namespace + "/" + pod.getMetadata().getName());
        if (CLIENT_POD.equals(pod.getMetadata().getName())) {
            ensureClientPod(namespace); // put back while its namespace lives
        }
    }

    private static String annotation(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(CLIENT_ADDRESS);
    }

    @Override
    public void close() {
        pods.stop();
        namespaces.stop();
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
