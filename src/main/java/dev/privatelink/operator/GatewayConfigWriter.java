package dev.privatelink.operator;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.desired.GatewayConfigs;
import dev.privatelink.desired.Labels;
import dev.privatelink.desired.RemoteRecords;
import dev.privatelink.desired.Resources;
import dev.privatelink.gateway.config.GatewayConfig;
import dev.privatelink.ids.Ids;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Keeps the gateway's ConfigMap equal to {@link GatewayConfigs#of}: recomputed on any change of a
 * ClusterPeer, a peer's endpoint record or an endpoint service, and written when it differs. The
 * gateway watches that ConfigMap, so an owner's suspension reaches it in one write and one watch
 * event. Written only once the cluster has a ClusterPeer (a single-cluster install gets none).
 */
public final class GatewayConfigWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GatewayConfigWriter.class);
    private static final long RETRY_SECONDS = 5;

    private final KubernetesClient client;
    private final String namespace;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private ScheduledExecutorService executor;
    private SharedIndexInformer<ClusterPeer> peers;
    private SharedIndexInformer<InterfaceEndpoint> records;
    private SharedIndexInformer<EndpointService> services;
    // the last pass found no ClusterPeer and no ConfigMap: while there are still no peers, there is
    // nothing to write or clear, and no reason to read the ConfigMap again (a single-cluster
    // install would otherwise GET a missing ConfigMap after every burst of endpoint changes).
    // Only the executor's one thread reads and writes it.
    private boolean absentWithoutPeers;

    public GatewayConfigWriter(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gateway-config");
            t.setDaemon(true);
            return t;
        });
        peers = client.resources(ClusterPeer.class).inform(onAnyChange());
        records = client.resources(InterfaceEndpoint.class)
                .inAnyNamespace()
                .withLabel(RemoteRecords.PEER)
                .inform(onAnyChange());
        services = client.resources(EndpointService.class).inAnyNamespace().inform(onAnyChange());
        schedule(0);
    }

    private <T extends HasMetadata> ResourceEventHandler<T> onAnyChange() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                schedule(0);
            }

            @Override
            public void onUpdate(T before, T after) {
                schedule(0);
            }

            @Override
            public void onDelete(T obj, boolean finalStateUnknown) {
                schedule(0);
            }
        };
    }

    /** Many events in a burst make one write: a pass already scheduled covers them. */
    private void schedule(long delaySeconds) {
        if (scheduled.compareAndSet(false, true)) {
            executor.schedule(this::write, delaySeconds, TimeUnit.SECONDS);
        }
    }

    private void write() {
        scheduled.set(false);
        try {
            List<ClusterPeer> clusterPeers = peers.getStore().list();
            if (clusterPeers.isEmpty() && absentWithoutPeers) {
                return;
            }
            ConfigMap current = client.configMaps()
                    .inNamespace(namespace)
                    .withName(GatewayConfig.CONFIG_MAP)
                    .get();
            absentWithoutPeers = clusterPeers.isEmpty() && current == null;
            if (absentWithoutPeers) {
                return;
            }
            Map<String, EndpointService> byServiceName = services.getStore().list().stream()
                    .filter(Resources::isLive)
                    .collect(Collectors.toMap(
                            es -> Ids.serviceName(es.getMetadata().getUid()), Function.identity(), (a, b) -> a));
            GatewayConfig config = GatewayConfigs.of(
                    clusterPeers, records.getStore().list(), name -> Optional.ofNullable(byServiceName.get(name)));
            String json = config.toJson();
            if (current != null && Objects.equals(current.getData(), Map.of(GatewayConfig.KEY, json))) {
                return;
            }
            ConfigMap desired = new ConfigMapBuilder()
                    .withNewMetadata()
                    .withNamespace(namespace)
                    .withName(GatewayConfig.CONFIG_MAP)
                    .withLabels(Labels.managed(Labels.COMPONENT_GATEWAY_CONFIG))
                    .endMetadata()
                    .withData(Map.of(GatewayConfig.KEY, json))
                    .build();
            if (current == null) {
                client.configMaps().inNamespace(namespace).resource(desired).create();
            } else {
                // an update at the version read: a concurrent writer makes it fail, and the retry reads again
                current.setData(desired.getData());
                current.getMetadata().setLabels(desired.getMetadata().getLabels());
                client.configMaps().inNamespace(namespace).resource(current).update();
            }
        } catch (KubernetesClientException | IllegalStateException e) {
            LOG.warnf("gateway config not written, retrying in %ds: %s", RETRY_SECONDS, e.getMessage());
            schedule(RETRY_SECONDS);
        }
    }

    @Override
    public synchronized void close() {
        if (peers != null) {
            peers.close();
            records.close();
            services.close();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
