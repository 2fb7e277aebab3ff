package dev.privatelink.operator;

import dev.privatelink.desired.Labels;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a ReplicaSet and a kubelet would do for the operator's forwarder Deployments in an
 * operator test: one Ready pod per consumer namespace that has none yet (a test that manages its
 * forwarder pods itself creates them before its first endpoint). No forwarder process runs.
 */
final class KubeletStandIn implements AutoCloseable {
    private final AtomicInteger lastPod = new AtomicInteger(100);
    private final SharedIndexInformer<Deployment> informer;

    KubeletStandIn(KubernetesClient client, String operatorNamespace) {
        World world = new World(client);
        informer = client.apps()
                .deployments()
                .inNamespace(operatorNamespace)
                .withLabel(Labels.COMPONENT, Labels.COMPONENT_FORWARDER)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Deployment deployment) {
                        String consumer = Labels.consumerNamespace(deployment);
                        boolean hasPod = !client.pods()
                                .inNamespace(operatorNamespace)
                                .withLabel(Labels.CONSUMER_NAMESPACE, consumer)
                                .list()
                                .getItems()
                                .isEmpty();
                        if (consumer != null && !hasPod) {
                            world.forwarderPod(
                                    operatorNamespace,
                                    consumer,
                                    deployment.getMetadata().getName() + "-0",
                                    podAddress(lastPod.incrementAndGet()),
                                    "node-a",
                                    true);
                        }
                    }

                    @Override
                    public void onUpdate(Deployment before, Deployment after) {}

                    @Override
                    public void onDelete(Deployment deployment, boolean unknownFinalStateUnknown) {}
                });
    }

    @Override
    public void close() {
        informer.close();
    }

    /** The n-th pod's address in 10.244.0.0/16 (10.244.9.1 onwards), valid beyond 255 pods. */
    static String podAddress(int n) {
        int host = 9 * 256 + n;
        return "10.244." + (host / 256) + "." + (host % 256);
    }
}
