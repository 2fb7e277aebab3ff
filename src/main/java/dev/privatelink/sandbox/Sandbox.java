package dev.privatelink.sandbox;

import static dev.privatelink.sandbox.SandboxOptions.CONSUMER_NAMESPACE;
import static dev.privatelink.sandbox.SandboxOptions.ENDPOINT;
import static dev.privatelink.sandbox.SandboxOptions.ENDPOINT_SERVICE;
import static dev.privatelink.sandbox.SandboxOptions.OPERATOR_DEPLOYMENT;
import static dev.privatelink.sandbox.SandboxOptions.PROVIDER_NAMESPACE;
import static dev.privatelink.sandbox.SandboxOptions.PROVIDER_SERVICE;

import dev.privatelink.api.Connection;
import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.ConnectionUsage;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceSpec;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointSpec;
import dev.privatelink.api.LoadBalancerRef;
import dev.privatelink.api.Principal;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.api.ServicePermissionSpec;
import dev.privatelink.desired.Certificates;
import dev.privatelink.desired.Labels;
import dev.privatelink.forwarder.ConfigMapSource;
import dev.privatelink.forwarder.HostPort;
import dev.privatelink.forwarder.Transport;
import dev.privatelink.forwarder.UpstreamGuard;
import dev.privatelink.gateway.Gateway;
import dev.privatelink.gateway.GatewayLimits;
import dev.privatelink.gateway.GatewaySettings;
import dev.privatelink.gateway.config.GatewayConfig;
import dev.privatelink.operator.ControlPlane;
import dev.privatelink.pki.CredentialWatch;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Kubernetes and PrivateLink on one machine, in one JVM: an API server (the Fabric8 mock server
 * in CRUD mode) with the CRDs, the operator, stand-ins for the kubelet and kube-proxy that run
 * the project's own forwarder on loopback addresses, and a sample provider published as an
 * endpoint service, with a consumer namespace that has an endpoint to it. A connection takes the
 * path it takes in a cluster: client → endpoint Service → forwarder pod → load balancer Service
 * → provider.
 */
public final class Sandbox implements RunningSandbox {
    private static final Logger LOG = Logger.getLogger(Sandbox.class);
    /** The image the sandbox's Deployments name; the kubelet stand-in runs the classes in this JVM instead. */
    static final String IMAGE = "kube-privatelink:sandbox";
    /** How often the sandbox's operator reads the forwarders' counters into usage (the lowest the chart allows). */
    static final int USAGE_INTERVAL_SECONDS = 5;

    /**
     * This sandbox as one of several clusters on the machine ({@link TwoClusterSandbox}): its name
     * (its trust domain, and what its peer calls it), the peer's, its operator's peering port, and
     * whether it provides the sample service to the peer's namespace {@code shop}, through its
     * gateway at {@code gateway}, or consumes it (gateway null).
     */
    record Cluster(String name, String peer, boolean provider, int peeringPort, HostPort gateway) {
        String gatewayAddress() {
            return gateway.host() + ":" + gateway.port();
        }
    }

    private final SandboxOptions options;
    private final Cluster cluster;
    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private KubernetesMockServer server;
    private ApiServerFront front;
    private KubernetesClient client;
    private Kubelet kubelet;

    private Sandbox(SandboxOptions options, Cluster cluster) {
        this.options = options;
        this.cluster = cluster;
    }

    /** Starts everything and creates the sample objects; returns without waiting for the endpoint. */
    public static Sandbox start(SandboxOptions options) {
        return start(options, new SimpleMeterRegistry());
    }

    /** As {@link #start(SandboxOptions)}, with the kube-proxy stand-in's per-Service metrics in {@code registry}. */
    public static Sandbox start(SandboxOptions options, MeterRegistry registry) {
        return start(options, registry, Metrics.NOOP);
    }

    /** As {@link #start(SandboxOptions, MeterRegistry)}, with every operator pod reporting to {@code operatorMetrics}. */
    public static Sandbox start(SandboxOptions options, MeterRegistry registry, Metrics operatorMetrics) {
        return start(options, null, registry, operatorMetrics);
    }

    /** One cluster of several ({@code cluster}), or the sandbox alone (null). */
    static Sandbox start(SandboxOptions options, Cluster cluster, MeterRegistry registry, Metrics operatorMetrics) {
        Sandbox sandbox = new Sandbox(options, cluster);
        try {
            sandbox.startAll(registry, operatorMetrics);
            return sandbox;
        } catch (RuntimeException | IOException e) {
            sandbox.close();
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    private void startAll(MeterRegistry registry, Metrics operatorMetrics) throws IOException {
        MockWebServer web = new MockWebServer();
        DiscoveryDispatcher dispatcher = new DiscoveryDispatcher(new SandboxCrudDispatcher());
        server = new KubernetesMockServer(new Context(), web, new HashMap<>(), dispatcher, false);
        // the mock server on a port of its own, for the sandbox's own clients (WebSocket watches);
        // kubectl and the kubeconfig go to the front, which also streams watches over HTTP
        server.init(InetAddress.getByName(options.apiHost()), 0);
        running.push(server::destroy);
        front = new ApiServerFront(dispatcher, options.apiHost(), options.apiPort());
        running.push(front);
        forgetRequests(web);
        client = server.createClient();
        running.push(client::close);
        LOG.infof("API server listening on %s", apiUrl());

        // first, so that every namespace, these and those created later, gets its client pod
        ClientPods clientPods = new ClientPods(client, options.operatorNamespace(), options.clientAddresses());
        running.push(clientPods);
        clientPods.start();
        // kube-system as every cluster has it: its UID is the cluster's (the default trust domain)
        List<String> namespaces = cluster == null
                ? List.of(KUBE_SYSTEM, options.operatorNamespace(), PROVIDER_NAMESPACE, CONSUMER_NAMESPACE)
                : List.of(
                        KUBE_SYSTEM,
                        options.operatorNamespace(),
                        cluster.provider() ? PROVIDER_NAMESPACE : CONSUMER_NAMESPACE);
        for (String ns : namespaces) {
            namespace(ns);
        }

        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(
                Math.max(2, Runtime.getRuntime().availableProcessors()), new DefaultThreadFactory("sandbox-net", true));
        running.push(() -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());

        KubeProxy kubeProxy = new KubeProxy(client, options.serviceAddresses(), transport, group, registry);
        running.push(kubeProxy);
        kubeProxy.start();
        kubelet = new Kubelet(
                client, options.operatorNamespace(), options.podAddresses(), transport, group, operatorMetrics);
        running.push(kubelet);
        kubelet.start();
        GarbageCollector gc = new GarbageCollector(client);
        running.push(gc);
        gc.start();

        // as an install does: the CRDs, then the operator's Deployment, whose pod the kubelet runs
        ControlPlane.installCrds(client);
        client.resource(operatorDeployment()).create();

        if (cluster == null) {
            running.push(new SampleProvider(options.providerAddress(), options.servicePort()));
            createProvider(Principal.namespace(CONSUMER_NAMESPACE));
            createEndpoint(awaitServiceName(Duration.ofSeconds(30)), null);
            writeKubeconfig();
        } else if (cluster.provider()) {
            running.push(new SampleProvider(options.providerAddress(), options.servicePort()));
            startGateway(group);
            createProvider(Principal.cluster(cluster.peer()).inNamespace(CONSUMER_NAMESPACE));
        }
    }

    /**
     * The cluster's gateway, as its Deployment would run: on the cluster's loopback range, serving
     * what the operator writes to its ConfigMap, with the credential the operator issues into its
     * Secret, passing peering through to the operator's peering port. Its upstreams are load
     * balancers on loopback, as the forwarders' are here.
     */
    private void startGateway(EventLoopGroup group) {
        Gateway gateway = new Gateway(
                GatewaySettings.defaults()
                        .withListen(cluster.gateway().host(), cluster.gateway().port())
                        .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                        .withPeeringUpstream(new HostPort("127.0.0.1", cluster.peeringPort())),
                GatewayLimits.defaults(),
                null,
                new SimpleMeterRegistry(),
                Clock.systemUTC());
        running.push(gateway);
        CredentialWatch credential = new CredentialWatch(
                "gateway",
                SecretFiles.of(client, options.operatorNamespace(), Certificates.GATEWAY_SECRET),
                held -> gateway.useCredential(held.credential()),
                new SimpleMeterRegistry(),
                Clock.systemUTC());
        running.push(credential);
        credential.start(Duration.ofSeconds(1));
        ConfigMapSource<GatewayConfig> config = new ConfigMapSource<>(
                client, options.operatorNamespace(), GatewayConfig.CONFIG_MAP, GatewayConfig::from, gateway::apply);
        running.push(config);
        config.start();
        LOG.infof("gateway of cluster %s listening on %s", cluster.name(), cluster.gatewayAddress());
    }

    /**
     * The mock server keeps every request it served, bodies included, for a test to take; a
     * sandbox serves dozens a second for hours, so they are taken and dropped every few seconds.
     */
    private void forgetRequests(MockWebServer web) {
        ScheduledExecutorService drain = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sandbox-api-requests");
            t.setDaemon(true);
            return t;
        });
        drain.scheduleWithFixedDelay(
                () -> {
                    try {
                        while (web.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
                            // dropped
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                5,
                5,
                TimeUnit.SECONDS);
        running.push(drain::shutdownNow);
    }

    /**
     * The operator's Deployment, one replica, configured through its container's environment as
     * the manager Deployment of {@code config/manager} is. The sandbox's operator elects no
     * leader: more than one replica would run operators side by side.
     */
    private Deployment operatorDeployment() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.NAME, Labels.MANAGED_BY_VALUE);
        labels.put(Labels.COMPONENT, "operator");
        return new DeploymentBuilder()
                .withNewMetadata()
                .withNamespace(options.operatorNamespace())
                .withName(OPERATOR_DEPLOYMENT)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .withMatchLabels(labels)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("operator")
                .withImage(IMAGE)
                .withArgs("operator")
                // /q/metrics, as the chart's operator container names it (its ServiceMonitor's port)
                .addNewPort()
                .withName("http")
                .withContainerPort(8080)
                .endPort()
                .addNewEnv()
                .withName("PRIVATELINK_NAMESPACE")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.namespace")
                .endFieldRef()
                .endValueFrom()
                .endEnv()
                .addNewEnv()
                .withName("PRIVATELINK_FORWARDER_IMAGE")
                .withValue(IMAGE)
                .endEnv()
                .addNewEnv()
                .withName("PRIVATELINK_FORWARDER_REPLICAS")
                .withValue(String.valueOf(options.forwarderReplicas()))
                .endEnv()
                // usage in the EndpointServices' status soon after a curl (a cluster's default: 60)
                .addNewEnv()
                .withName("PRIVATELINK_USAGE_INTERVAL_SECONDS")
                .withValue(String.valueOf(USAGE_INTERVAL_SECONDS))
                .endEnv()
                .addAllToEnv(peeringEnvironment())
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * As one of several clusters: its trust domain, the peering port (which makes the kubelet run
     * the operator as a peer) and, for the provider, its gateway's address, which invites carry.
     */
    private List<EnvVar> peeringEnvironment() {
        if (cluster == null) {
            return List.of();
        }
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("PRIVATELINK_TRUST_DOMAIN", cluster.name(), null));
        env.add(new EnvVar("PRIVATELINK_PEERING_PORT", String.valueOf(cluster.peeringPort()), null));
        if (cluster.provider()) {
            env.add(new EnvVar("PRIVATELINK_PEERING_GATEWAY_ADDRESSES", cluster.gatewayAddress(), null));
        }
        return env;
    }

    /** The sample provider's Service, with the slice a Deployment's pods would give it. */
    private void createProvider(Principal consumer) {
        client.services()
                .resource(new ServiceBuilder()
                        .withNewMetadata()
                        .withNamespace(PROVIDER_NAMESPACE)
                        .withName(PROVIDER_SERVICE)
                        .withLabels(Map.of("app", PROVIDER_SERVICE))
                        .endMetadata()
                        .withNewSpec()
                        .withType("ClusterIP")
                        .withSelector(Map.of("app", PROVIDER_SERVICE))
                        .addNewPort()
                        .withName("http")
                        .withProtocol("TCP")
                        .withPort(options.servicePort())
                        .withTargetPort(new IntOrString(options.servicePort()))
                        .endPort()
                        .endSpec()
                        .build())
                .createOr(s -> s.update());
        client.resources(EndpointSlice.class)
                .resource(new EndpointSliceBuilder()
                        .withNewMetadata()
                        .withNamespace(PROVIDER_NAMESPACE)
                        .withName(PROVIDER_SERVICE + "-sandbox")
                        .withLabels(Map.of(
                                Labels.SLICE_SERVICE_NAME,
                                PROVIDER_SERVICE,
                                Labels.SLICE_MANAGED_BY,
                                "sandbox.privatelink.dev"))
                        .endMetadata()
                        .withAddressType("IPv4")
                        .addNewPort()
                        .withName("http")
                        .withProtocol("TCP")
                        .withPort(options.servicePort())
                        .endPort()
                        .addNewEndpoint()
                        .withAddresses(options.providerAddress())
                        .withNewConditions()
                        .withReady(true)
                        .withServing(true)
                        .withTerminating(false)
                        .endConditions()
                        .withNodeName(Kubelet.NODE)
                        .withZone(Kubelet.ZONE)
                        .endEndpoint()
                        .build())
                .createOr(s -> s.update());

        EndpointServiceSpec spec = new EndpointServiceSpec();
        spec.setLoadBalancers(List.of(new LoadBalancerRef(PROVIDER_SERVICE, 1)));
        spec.setAcceptanceRequired(false);
        spec.setProxyProtocol(EndpointServiceSpec.ProxyProtocol.V2);
        EndpointService es = new EndpointService();
        es.setMetadata(new ObjectMetaBuilder()
                .withNamespace(PROVIDER_NAMESPACE)
                .withName(ENDPOINT_SERVICE)
                .build());
        es.setSpec(spec);
        client.resource(es).create();

        ServicePermissionSpec permissionSpec = new ServicePermissionSpec();
        permissionSpec.setEndpointService(ENDPOINT_SERVICE);
        permissionSpec.setPrincipals(List.of(consumer));
        ServicePermission permission = new ServicePermission();
        permission.setMetadata(new ObjectMetaBuilder()
                .withNamespace(PROVIDER_NAMESPACE)
                .withName(CONSUMER_NAMESPACE)
                .build());
        permission.setSpec(permissionSpec);
        client.resource(permission).create();
    }

    /** The sample endpoint, to {@code serviceName} of this cluster (serviceCluster null) or of a peer. */
    void createEndpoint(String serviceName, String serviceCluster) {
        InterfaceEndpointSpec spec = new InterfaceEndpointSpec();
        spec.setServiceName(serviceName);
        spec.setServiceCluster(serviceCluster);
        InterfaceEndpoint ep = new InterfaceEndpoint();
        ep.setMetadata(new ObjectMetaBuilder()
                .withNamespace(CONSUMER_NAMESPACE)
                .withName(ENDPOINT)
                .build());
        ep.setSpec(spec);
        client.resource(ep).create();
    }

    static final String KUBE_SYSTEM = "kube-system";

    private void namespace(String name) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(Map.of("kubernetes.io/metadata.name", name))
                        .endMetadata()
                        .build())
                .createOr(n -> n.update());
    }

    String awaitServiceName(Duration timeout) {
        return await(
                timeout,
                "the endpoint service's name",
                () -> Optional.ofNullable(client.resources(EndpointService.class)
                                .inNamespace(PROVIDER_NAMESPACE)
                                .withName(ENDPOINT_SERVICE)
                                .get())
                        .map(EndpointService::getStatus)
                        .map(s -> s.getServiceName()));
    }

    /** Waits until the sample endpoint is Available and has its address. */
    @Override
    public InterfaceEndpoint awaitEndpoint(Duration timeout) {
        return await(
                timeout,
                "endpoint " + CONSUMER_NAMESPACE + "/" + ENDPOINT + " to be Available",
                () -> Optional.ofNullable(client.resources(InterfaceEndpoint.class)
                                .inNamespace(CONSUMER_NAMESPACE)
                                .withName(ENDPOINT)
                                .get())
                        .filter(ep -> ep.getStatus() != null
                                && ep.getStatus().getState() == ConnectionState.Available
                                && ep.getStatus().getAddress() != null
                                && ep.getStatus().getEndpointId() != null));
    }

    /** Waits until the sample endpoint's address takes connections (its slices list a ready forwarder). */
    @Override
    public void awaitServing(InterfaceEndpoint endpoint, Duration timeout) {
        InetSocketAddress address = new InetSocketAddress(endpoint.getStatus().getAddress(), options.servicePort());
        await(timeout, "a connection to " + address, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(address, 1000);
                return Optional.of(true);
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * The address the client pod of {@code namespace} connects from (the annotation {@value
     * ClientPods#CLIENT_ADDRESS} of the Namespace), once it has one.
     */
    public String clientAddress(String namespace, Duration timeout) {
        return await(
                timeout,
                "the client address of namespace " + namespace,
                () -> Optional.ofNullable(
                                client.namespaces().withName(namespace).get())
                        .map(ns -> ns.getMetadata().getAnnotations())
                        .map(annotations -> annotations.get(ClientPods.CLIENT_ADDRESS)));
    }

    /**
     * Creates a Pod in {@code namespace} that connects from an address of its own (nothing runs
     * in it: connecting from the address is being the pod), with these labels and ServiceAccount
     * (null: none), and returns the address once the pod is Running with it.
     */
    public String createClientPod(
            String namespace, String name, Map<String, String> labels, String serviceAccount, Duration timeout) {
        client.pods()
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withNamespace(namespace)
                        .withName(name)
                        .withLabels(labels)
                        .endMetadata()
                        .withNewSpec()
                        .withServiceAccountName(serviceAccount)
                        .addNewContainer()
                        .withName("client")
                        .withImage("curl --interface")
                        .endContainer()
                        .endSpec()
                        .build())
                .create();
        return await(
                timeout,
                "pod " + namespace + "/" + name + " to have its address",
                () -> Optional.ofNullable(client.pods()
                                .inNamespace(namespace)
                                .withName(name)
                                .get())
                        .map(pod ->
                                pod.getStatus() == null ? null : pod.getStatus().getPodIP()));
    }

    /** The meters of the forwarder pods running now, one registry per pod, as each scrapes on its own. */
    public Collection<MeterRegistry> forwarderMeters() {
        return kubelet.forwarderMeters();
    }

    /**
     * Where each forwarder pod running now serves its metrics (Prometheus text), as a PodMonitor
     * finds them: the pod's address and its container's port {@code http}.
     */
    public List<String> forwarderMetricsUrls() {
        return client
                .pods()
                .inNamespace(options.operatorNamespace())
                .withLabel(Labels.COMPONENT, Labels.COMPONENT_FORWARDER)
                .list()
                .getItems()
                .stream()
                .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
                .map(p -> MetricsEndpoint.url(p.getStatus().getPodIP(), Kubelet.metricsPort(p.getSpec())))
                .sorted()
                .toList();
    }

    /** Where each operator pod running now serves its metrics (Prometheus text), as its ServiceMonitor finds them. */
    public List<String> operatorMetricsUrls() {
        return client
                .pods()
                .inNamespace(options.operatorNamespace())
                .withLabel(Labels.COMPONENT, "operator")
                .list()
                .getItems()
                .stream()
                .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
                .map(p -> MetricsEndpoint.url(p.getStatus().getPodIP(), Kubelet.metricsPort(p.getSpec())))
                .sorted()
                .toList();
    }

    /** What the sample endpoint service's status says a connection carried, once the operator has read it. */
    public Optional<ConnectionUsage> usage(String endpointId) {
        EndpointService es = client.resources(EndpointService.class)
                .inNamespace(SandboxOptions.PROVIDER_NAMESPACE)
                .withName(SandboxOptions.ENDPOINT_SERVICE)
                .get();
        if (es == null || es.getStatus() == null || es.getStatus().getConnections() == null) {
            return Optional.empty();
        }
        return es.getStatus().getConnections().stream()
                .filter(c -> endpointId.equals(c.getEndpointId()))
                .map(Connection::getUsage)
                .filter(Objects::nonNull)
                .findFirst();
    }

    /** Replaces the sample endpoint service's decisions, as the owner's edit of its manifest would. */
    public void decide(ConnectionDecision... decisions) {
        // A JSON patch computed from the edit: it replaces the list (the mock server's merge
        // patch would append to it) and needs no resourceVersion, so it cannot conflict.
        client.resources(EndpointService.class)
                .inNamespace(PROVIDER_NAMESPACE)
                .withName(ENDPOINT_SERVICE)
                .edit(es -> {
                    es.getSpec().setConnections(List.of(decisions));
                    return es;
                });
    }

    static <T> T await(Duration timeout, String what, Supplier<Optional<T>> probe) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
    }

    private void writeKubeconfig() throws IOException {
        Path path = options.kubeconfig().toAbsolutePath();
        Files.createDirectories(path.getParent());
        Files.writeString(path, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: privatelink-sandbox
                  cluster:
                    server: %s
                users:
                - name: privatelink-sandbox
                  user: {}
                contexts:
                - name: privatelink-sandbox
                  context:
                    cluster: privatelink-sandbox
                    user: privatelink-sandbox
                    namespace: %s
                current-context: privatelink-sandbox
                """.formatted(apiUrl(), CONSUMER_NAMESPACE));
    }

    public SandboxOptions options() {
        return options;
    }

    /** A client of the sandbox's API server (closed with the sandbox). */
    public KubernetesClient client() {
        return client;
    }

    public String apiUrl() {
        return "http://" + options.apiHost() + ":" + front.port();
    }

    public Path kubeconfig() {
        return options.kubeconfig().toAbsolutePath();
    }

    /** Stops everything, in the reverse order of starting; leaves no thread or socket behind. */
    @Override
    public String guide(InterfaceEndpoint endpoint) {
        return SandboxGuide.text(this, endpoint);
    }

    @Override
    public void close() {
        while (!running.isEmpty()) {
            AutoCloseable next = running.pop();
            try {
                next.close();
            } catch (Exception e) {
                LOG.warnf("stopping the sandbox: %s", e.toString());
            }
        }
    }
}
