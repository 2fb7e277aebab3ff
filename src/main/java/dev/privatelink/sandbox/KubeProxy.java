package dev.privatelink.sandbox;

import dev.privatelink.desired.Labels;
import dev.privatelink.forwarder.Forwarder;
import dev.privatelink.forwarder.ForwarderSettings;
import dev.privatelink.forwarder.Transport;
import dev.privatelink.forwarder.UpstreamGuard;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Stands in for kube-proxy: gives every Service a loopback ClusterIP and serves each of its TCP
 * ports there, forwarding to the ready endpoints of its EndpointSlices. It is the project's own
 * {@link Forwarder}, one per Service, with a route per port: a port whose slices have no ready
 * endpoint has no listener, so a connection to it is refused, as kube-proxy rejects it. As
 * kube-proxy does, it keeps the client's address: it connects on from that address (every
 * {@code 127.*} address is local), so a forwarder pod sees which pod called.
 */
final class KubeProxy implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KubeProxy.class);

    private final KubernetesClient client;
    private final AddressPool serviceAddresses;
    private final Transport transport;
    private final EventLoopGroup group;
    private final MeterRegistry registry;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<EndpointSlice> slices;
    // Services are synced one at a time, off the informer threads: applying waits for binds.
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sandbox-kube-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Forwarder> proxies = new HashMap<>();

    KubeProxy(
            KubernetesClient client,
            AddressPool serviceAddresses,
            Transport transport,
            EventLoopGroup group,
            MeterRegistry registry) {
        this.client = client;
        this.serviceAddresses = serviceAddresses;
        this.transport = transport;
        this.group = group;
        this.registry = registry;
        this.services = client.services().inAnyNamespace().runnableInformer(0);
        this.slices = client.resources(EndpointSlice.class).inAnyNamespace().runnableInformer(0);
        services.addEventHandler(
                handler(s -> key(s.getMetadata().getNamespace(), s.getMetadata().getName())));
        slices.addEventHandler(handler(s -> s.getMetadata().getLabels() == null
                ? null
                : key(
                        s.getMetadata().getNamespace(),
                        s.getMetadata().getLabels().get(Labels.SLICE_SERVICE_NAME))));
    }

    private <T> ResourceEventHandler<T> handler(Function<T, String> serviceKey) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                schedule(serviceKey.apply(obj));
            }

            @Override
            public void onUpdate(T before, T after) {
                schedule(serviceKey.apply(after));
            }

            @Override
            public void onDelete(T obj, boolean finalStateUnknown) {
                schedule(serviceKey.apply(obj));
            }
        };
    }

    private void schedule(String serviceKey) {
        if (serviceKey != null && !worker.isShutdown()) {
            worker.execute(() -> {
                try {
                    sync(serviceKey);
                } catch (RuntimeException e) {
                    LOG.warnf("kube-proxy: syncing Service %s failed: %s", serviceKey, e.toString());
                }
            });
        }
    }

    void start() {
        services.start();
        slices.start();
    }

    private static String key(String namespace, String name) {
        return name == null ? null : namespace + "/" + name;
    }

    private void sync(String serviceKey) {
        Service service = services.getStore().getByKey(serviceKey);
        if (service == null
                || "ExternalName".equals(service.getSpec().getType())
                || "None".equals(service.getSpec().getClusterIP())) {
            Forwarder gone = proxies.remove(serviceKey);
            if (gone != null) {
                LOG.infof("kube-proxy: Service %s is gone", serviceKey);
                gone.close();
            }
            serviceAddresses.release(serviceKey);
            return;
        }
        String clusterIp = serviceAddresses.allocate(serviceKey);
        if (!clusterIp.equals(service.getSpec().getClusterIP())) {
            assignClusterIp(service, clusterIp);
            return; // the update comes back through the informer
        }
        Forwarder proxy = proxies.computeIfAbsent(
                serviceKey,
                k -> new Forwarder(
                        ForwarderSettings.defaults()
                                .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                                .withBindAddress(clusterIp)
                                .withConnectTimeout(Duration.ofSeconds(2))
                                .withDialFromClientAddress(true)
                                // a Service passes on whatever the client sends; the forwarder judges it
                                .withClientProxyHeadersRefused(false),
                        registry,
                        transport,
                        group));
        Forwarder.Applied applied = proxy.apply(new ForwarderConfig(routes(service)));
        if (!applied.complete()) {
            LOG.warnf("kube-proxy: Service %s: %s", serviceKey, String.join("; ", applied.failures()));
        }
    }

    /** Per TCP port of the Service, its ready endpoints on the matching slice port. */
    private List<Route> routes(Service service) {
        String namespace = service.getMetadata().getNamespace();
        String name = service.getMetadata().getName();
        List<EndpointSlice> ofService = slices.getStore().list().stream()
                .filter(s -> namespace.equals(s.getMetadata().getNamespace()))
                .filter(s -> s.getMetadata().getLabels() != null
                        && name.equals(s.getMetadata().getLabels().get(Labels.SLICE_SERVICE_NAME)))
                .toList();
        List<Route> routes = new ArrayList<>();
        for (ServicePort port : service.getSpec().getPorts() == null
                ? List.<ServicePort>of()
                : service.getSpec().getPorts()) {
            if (port.getProtocol() != null && !"TCP".equals(port.getProtocol())) {
                continue;
            }
            List<Upstream> upstreams = new ArrayList<>();
            for (EndpointSlice slice : ofService) {
                for (EndpointPort slicePort : slice.getPorts() == null ? List.<EndpointPort>of() : slice.getPorts()) {
                    if (!Objects.equals(emptyToNull(slicePort.getName()), emptyToNull(port.getName()))
                            || slicePort.getPort() == null) {
                        continue;
                    }
                    for (Endpoint endpoint :
                            slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
                        boolean ready = endpoint.getConditions() == null
                                || endpoint.getConditions().getReady() == null
                                || endpoint.getConditions().getReady();
                        if (ready) {
                            endpoint.getAddresses()
                                    .forEach(a -> upstreams.add(new Upstream(a, slicePort.getPort(), 1)));
                        }
                    }
                }
            }
            routes.add(new Route(
                    "service/" + namespace + "/" + name,
                    port.getPort(),
                    port.getPort(),
                    upstreams,
                    ProxyProtocol.NONE,
                    upstreams.isEmpty() ? RouteState.SUSPENDED : RouteState.ACTIVE));
        }
        return routes;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** As the API server allocates a ClusterIP on create: read, set, update, retried on conflict. */
    private void assignClusterIp(Service cached, String clusterIp) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Service current = client.services()
                    .inNamespace(cached.getMetadata().getNamespace())
                    .withName(cached.getMetadata().getName())
                    .get();
            if (current == null) {
                return;
            }
            if (clusterIp.equals(current.getSpec().getClusterIP())) {
                return;
            }
            current.getSpec().setClusterIP(clusterIp);
            current.getSpec().setClusterIPs(List.of(clusterIp));
            try {
                client.resource(current).update();
                LOG.infof(
                        "kube-proxy: Service %s/%s has ClusterIP %s",
                        current.getMetadata().getNamespace(),
                        current.getMetadata().getName(),
                        clusterIp);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void close() {
        services.stop();
        slices.stop();
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        proxies.values().forEach(Forwarder::close);
        proxies.clear();
    }
}
