package dev.privatelink.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceSpec;
import dev.privatelink.api.EndpointServiceSpec.NetworkPolicyMode;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointSpec;
import dev.privatelink.api.InterfaceEndpointStatus;
import dev.privatelink.api.LoadBalancerRef;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.ConsumerNamespace;
import dev.privatelink.desired.EndpointServicePlan;
import dev.privatelink.desired.EndpointServiceWorld;
import dev.privatelink.desired.ForwarderPlan;
import dev.privatelink.desired.ForwarderWorld;
import dev.privatelink.desired.FreedPorts;
import dev.privatelink.desired.Labels;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.ids.Ids;
import dev.privatelink.netpol.NetworkPolicyEvaluator;
import dev.privatelink.netpol.NetworkPolicyEvaluator.Endpoint;
import dev.privatelink.netpol.NetworkPolicyEvaluator.External;
import dev.privatelink.netpol.NetworkPolicyEvaluator.NamedPort;
import dev.privatelink.netpol.NetworkPolicyEvaluator.Pod;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The NetworkPolicies of a whole install, evaluated together: the chart's (from {@code helm
 * template}) and the operator's (from its plans, with the settings the chart passes it), for one
 * owner, an accepted and a rejected consumer, a tenant with nothing to do with either, and the
 * cluster's DNS, API server and monitoring. Every pod connects to every pod and address on every
 * port that matters, and {@link NetworkPolicyEvaluator} must allow exactly what {@link Intent}
 * (the isolation this project promises, written out rule by rule) allows, and nothing else.
 */
class NetworkIsolationTest {

    static final String OPERATOR_NS = HelmChartTest.NAMESPACE;
    static final String OWNER = "payments";
    static final String CONSUMER = "shop";
    static final String REJECTED = "billing";
    static final String TENANT = "nosy";
    static final String MONITORING = "monitoring";
    static final String API_SERVER_CIDR = "172.20.0.10/32";
    static final int FIRST_LISTEN_PORT = 10000;
    static final int LAST_LISTEN_PORT = 19999;

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String SERVICE_UID = "8a1b2c3d-0000-4000-8000-000000000002";

    /** Namespaces as the API server labels them, plus labels tenants set themselves, which must not count. */
    static final Map<String, Map<String, String>> NAMESPACES = Map.of(
            CONSUMER,
            labels(CONSUMER, "tenant", CONSUMER),
            REJECTED,
            labels(REJECTED, "tenant", REJECTED),
            // A tenant that copies the consumer's labels gains nothing.
            TENANT,
            labels(TENANT, "tenant", CONSUMER),
            OWNER,
            labels(OWNER, "tenant", OWNER),
            OPERATOR_NS,
            labels(OPERATOR_NS, "pod-security.kubernetes.io/enforce", "restricted"),
            "kube-system",
            labels("kube-system"),
            MONITORING,
            labels(MONITORING));

    static final List<NamedPort> HTTP = List.of(new NamedPort("http", "TCP", 8080));
    static final List<NamedPort> HTTPS = List.of(new NamedPort("https", "TCP", 8443));

    static final Pod SHOP_WEB = new Pod(CONSUMER, "web", Map.of("app", "web"), "10.244.1.10", HTTP);
    static final Pod BILLING_APP = new Pod(REJECTED, "app", Map.of("app", "billing"), "10.244.1.11", HTTP);
    static final Pod NOSY = new Pod(TENANT, "probe", Map.of("app", "probe"), "10.244.1.12", HTTP);
    /** Behind the load balancer api (weight 1), on its target port "https". */
    static final Pod API = new Pod(OWNER, "api-0", Map.of("app", "api", "track", "blue"), "10.244.2.10", HTTPS);
    /** Behind the load balancer api-canary (weight 0: fenced, but no forwarder connects). */
    static final Pod CANARY = new Pod(OWNER, "canary-0", Map.of("app", "api", "track", "canary"), "10.244.2.11", HTTPS);
    /** The owner's pod that no load balancer selects. */
    static final Pod BATCH = new Pod(OWNER, "batch", Map.of("app", "batch"), "10.244.2.12", HTTP);

    static final Pod DNS = new Pod(
            "kube-system",
            "coredns",
            Map.of("k8s-app", "kube-dns"),
            "10.244.0.2",
            List.of(new NamedPort("dns", "UDP", 53), new NamedPort("dns-tcp", "TCP", 53)));
    static final Pod METRICS_SERVER =
            new Pod("kube-system", "metrics-server", Map.of("k8s-app", "metrics-server"), "10.244.0.3", HTTP);
    static final Pod PROMETHEUS = new Pod(MONITORING, "prometheus", Map.of("app", "prometheus"), "10.244.3.2", HTTP);

    static final External API_SERVER = new External("api-server", "172.20.0.10");
    static final External METADATA = new External("cloud-metadata", "169.254.169.254");
    static final External INTERNET = new External("internet", "203.0.113.7");

    static final List<String> PROTOCOLS_AND_PORTS = List.of(
            "UDP/53",
            "TCP/53",
            "TCP/443",
            "TCP/6443",
            "TCP/8080",
            "TCP/8443",
            "TCP/9090",
            "TCP/9999",
            "TCP/10000",
            "TCP/10001",
            "TCP/19999",
            "TCP/20000");

    /** Which policies exist: the chart's, the owner's, and whether the API server's CIDR is set. */
    record Install(boolean chartPolicies, boolean ownerPolicies, boolean apiServerCidr) {}

    /** One run: the operator's and the chart's pods and policies for an install. */
    record Cluster(List<Pod> pods, List<NetworkPolicy> policies) {}

    @Test
    void everythingOnAdmitsExactlyWhatIsIntended() {
        assertIsolation(new Install(true, true, true));
    }

    @Test
    void anOwnerWhoOptsOutLeavesTheLoadBalancersPodsOpenAndNothingElse() {
        assertIsolation(new Install(true, false, true));
    }

    @Test
    void withoutTheChartsPoliciesTheOperatorsStillFenceTheForwarders() {
        assertIsolation(new Install(false, true, true));
    }

    @Test
    void withoutAnApiServerCidrForwardersReachAnyAddressOnTheApiServersPortsOnly() {
        assertIsolation(new Install(true, true, false));
    }

    void assertIsolation(Install install) {
        Cluster cluster = cluster(install);
        NetworkPolicyEvaluator evaluator = new NetworkPolicyEvaluator(cluster.policies(), NAMESPACES);
        List<Endpoint> destinations = new ArrayList<>(cluster.pods());
        destinations.addAll(List.of(API_SERVER, METADATA, INTERNET));

        List<String> wrong = new ArrayList<>();
        int allowed = 0;
        for (Pod from : cluster.pods()) {
            for (Endpoint to : destinations) {
                for (String protocolAndPort : PROTOCOLS_AND_PORTS) {
                    String protocol = protocolAndPort.split("/")[0];
                    int port = Integer.parseInt(protocolAndPort.split("/")[1]);
                    boolean actual = evaluator.allows(from, to, protocol, port);
                    boolean intended = new Intent(install).allows(from, to, protocol, port);
                    allowed += actual ? 1 : 0;
                    if (actual != intended) {
                        wrong.add(from + " -> " + to + " " + protocolAndPort + ": "
                                + (actual ? "allowed, not intended" : "denied, intended"));
                    }
                }
            }
        }
        assertThat(wrong).as("connections the policies get wrong").isEmpty();
        assertThat(allowed).as("the matrix is not trivially closed").isGreaterThan(100);
    }

    /** The isolation this project promises (README, "Network isolation"), rule by rule. */
    record Intent(Install install) {

        boolean allows(Pod from, Endpoint to, String protocol, int port) {
            return egress(from, to, protocol, port) && ingress(from, to, protocol, port);
        }

        /** Only forwarders are limited in what they reach. */
        boolean egress(Pod from, Endpoint to, String protocol, int port) {
            String consumer = consumerOf(from);
            if (consumer == null) {
                return true;
            }
            boolean tcp = protocol.equals("TCP");
            if (to == DNS && port == 53) {
                return true;
            }
            if (tcp && (port == 443 || port == 6443) && (!install.apiServerCidr() || to == API_SERVER)) {
                return true;
            }
            // to the pods of the load balancers that take its namespace's traffic, on their target port
            return consumer.equals(CONSUMER) && to == API && tcp && port == 8443;
        }

        boolean ingress(Pod from, Endpoint to, String protocol, int port) {
            boolean tcp = protocol.equals("TCP");
            boolean metrics = from.namespace().equals(MONITORING) && tcp && port == 8080;
            if (!(to instanceof Pod pod)) {
                return true;
            }
            String consumer = consumerOf(pod);
            if (consumer != null) {
                boolean listener = from.namespace().equals(consumer)
                        && tcp
                        && FIRST_LISTEN_PORT <= port
                        && port <= LAST_LISTEN_PORT;
                // the operator reads the forwarders' byte counters for the EndpointServices' usage
                boolean operatorReads = from.name().equals("operator") && tcp && port == 8080;
                return listener || install.chartPolicies() && (metrics || operatorReads);
            }
            if (pod.namespace().equals(OPERATOR_NS)) {
                return !install.chartPolicies() || metrics;
            }
            if (pod == API || pod == CANARY) {
                return !install.ownerPolicies() || CONSUMER.equals(consumerOf(from)) && tcp && port == 8443;
            }
            return true;
        }

        static String consumerOf(Pod pod) {
            return pod.namespace().equals(OPERATOR_NS) ? pod.labels().get(Labels.CONSUMER_NAMESPACE) : null;
        }
    }

    // --- the install ---

    Cluster cluster(Install install) {
        List<String> values = new ArrayList<>(List.of("--set", "networkPolicy.enabled=" + install.chartPolicies()));
        if (install.apiServerCidr()) {
            values.addAll(List.of("--set", "networkPolicy.apiServer.cidrs={" + API_SERVER_CIDR + "}"));
        }
        Manifests chart = HelmChartTest.template(HelmChartTest.RELEASE, OPERATOR_NS, values.toArray(String[]::new));
        Deployment operatorDeployment = chart.get(Deployment.class, HelmChartTest.OPERATOR);
        OperatorSettings settings = settingsFromTheChart(operatorDeployment);
        assertThat(settings.forwarder().firstListenPort()).isEqualTo(FIRST_LISTEN_PORT);
        assertThat(settings.forwarder().lastListenPort()).isEqualTo(LAST_LISTEN_PORT);

        EndpointService es = endpointService(install.ownerPolicies());
        InterfaceEndpoint accepted = endpoint(CONSUMER, "u-1", ConnectionState.Available);
        InterfaceEndpoint rejected = endpoint(REJECTED, "u-2", ConnectionState.Rejected);
        EndpointServicePlan owner = EndpointServicePlan.of(new EndpointServiceWorld(
                es,
                Map.of(
                        "api",
                        loadBalancer("api", "10.96.0.10", Map.of("app", "api", "track", "blue")),
                        "api-canary",
                        loadBalancer("api-canary", "10.96.0.11", Map.of("app", "api", "track", "canary"))),
                Map.of(),
                List.of(accepted, rejected),
                "cluster.local",
                false,
                OPERATOR_NS,
                NOW));
        es.setStatus(owner.status());

        List<NetworkPolicy> policies =
                new ArrayList<>(chart.all(NetworkPolicy.class).toList());
        policies.addAll(owner.networkPolicies());
        List<Pod> pods = new ArrayList<>(
                List.of(SHOP_WEB, BILLING_APP, NOSY, API, CANARY, BATCH, DNS, METRICS_SERVER, PROMETHEUS));
        pods.add(new Pod(
                OPERATOR_NS,
                "operator",
                operatorDeployment.getSpec().getTemplate().getMetadata().getLabels(),
                "10.244.4.2",
                HTTP));
        int octet = 10;
        for (InterfaceEndpoint ep : List.of(accepted, rejected)) {
            String consumer = ep.getMetadata().getNamespace();
            // The rejected namespace keeps a forwarder only for an endpoint to another service
            // (SEC-09: none at all otherwise); it must not reach this service's pods.
            InterfaceEndpoint elsewhere = endpoint(consumer, "u-elsewhere-" + consumer, ConnectionState.Available);
            elsewhere.getSpec().setServiceName(Ids.serviceName("another-service"));
            ForwarderPlan plan = ForwarderPlan.of(
                    new ForwarderWorld(
                            new ConsumerNamespace(consumer, "uid-" + consumer),
                            List.of(ep, elsewhere),
                            Map.of(Ids.serviceName(SERVICE_UID), es),
                            ForwarderConfig.EMPTY,
                            FreedPorts.NONE,
                            NOW),
                    settings);
            var objects = plan.objects().orElseThrow();
            policies.add(objects.networkPolicy());
            pods.add(new Pod(
                    OPERATOR_NS,
                    "forwarder-" + consumer,
                    objects.deployment().getSpec().getTemplate().getMetadata().getLabels(),
                    "10.244.4." + octet++,
                    HTTP));
        }
        return new Cluster(pods, policies);
    }

    /** The operator's settings exactly as the chart's Deployment passes them, through the environment. */
    static OperatorSettings settingsFromTheChart(Deployment deployment) {
        Map<String, String> env = new HashMap<>();
        for (EnvVar variable : HelmChartTest.operatorContainer(deployment).getEnv()) {
            boolean fromNamespace = variable.getValueFrom() != null
                    && "metadata.namespace"
                            .equals(variable.getValueFrom().getFieldRef().getFieldPath());
            env.put(variable.getName(), fromNamespace ? deployment.getMetadata().getNamespace() : variable.getValue());
        }
        return new SmallRyeConfigBuilder()
                .withMapping(OperatorSettings.class)
                .withSources(new EnvConfigSource(env, 300))
                .build()
                .getConfigMapping(OperatorSettings.class);
    }

    static EndpointService endpointService(boolean networkPolicy) {
        EndpointServiceSpec spec = new EndpointServiceSpec();
        spec.setLoadBalancers(List.of(new LoadBalancerRef("api", 1), new LoadBalancerRef("api-canary", 0)));
        spec.setNetworkPolicy(networkPolicy ? NetworkPolicyMode.Enabled : NetworkPolicyMode.Disabled);
        EndpointService es = new EndpointService();
        es.setMetadata(new ObjectMetaBuilder()
                .withNamespace(OWNER)
                .withName("api")
                .withUid(SERVICE_UID)
                .withGeneration(1L)
                .build());
        es.setSpec(spec);
        return es;
    }

    /** Port 443 in front of the pods' port named https. */
    static Service loadBalancer(String name, String ip, Map<String, String> selector) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withNamespace(OWNER)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withClusterIP(ip)
                .withSelector(selector)
                .addNewPort()
                .withPort(443)
                .withProtocol("TCP")
                .withTargetPort(new IntOrString("https"))
                .endPort()
                .endSpec()
                .build();
    }

    static InterfaceEndpoint endpoint(String namespace, String uid, ConnectionState state) {
        InterfaceEndpointSpec spec = new InterfaceEndpointSpec();
        spec.setServiceName(Ids.serviceName(SERVICE_UID));
        InterfaceEndpoint ep = new InterfaceEndpoint();
        ep.setMetadata(new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName("payments")
                .withUid(uid)
                .withGeneration(1L)
                .build());
        ep.setSpec(spec);
        InterfaceEndpointStatus status = new InterfaceEndpointStatus();
        status.setState(state);
        status.setEndpointId(Ids.endpointId(uid));
        if (state.isConnected()) {
            status.setPorts(List.of(443));
        }
        ep.setStatus(status);
        return ep;
    }

    static Map<String, String> labels(String namespace, String... more) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.NAMESPACE_NAME, namespace);
        for (int i = 0; i + 1 < more.length; i += 2) {
            labels.put(more[i], more[i + 1]);
        }
        return labels;
    }
}
