package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.Principal;
import dev.privatelink.desired.Labels;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.forwarder.config.ForwarderConfig.Route;
import dev.privatelink.forwarder.config.ForwarderConfig.RouteState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ObjIntConsumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two operator replicas with production's leader election against one API server. In a storm of
 * endpoints and owner decisions the leader stops; the other replica takes the Lease once it
 * expires, and the world converges: every endpoint in the state its decision calls for, and
 * exactly the Services, EndpointSlices, forwarder ConfigMaps and Deployments those states need.
 */
class LeaderFailoverTest extends OperatorTestBase {

    static final List<String> CONSUMERS = List.of("team-a", "team-b", "team-c");
    static final int ENDPOINTS_PER_NAMESPACE = 10;
    static final String LEADER = "replica-a";
    static final String FOLLOWER = "replica-b";

    KubernetesMockServer server;
    final Map<String, KubernetesClient> replicaClients = new HashMap<>();
    final Map<String, ControlPlane> replicas = new HashMap<>();

    @Override
    @BeforeEach
    void startOperator() {
        world = new World(client);
        world.namespace(TestSettings.OPERATOR_NAMESPACE);
        answerLeaseAccessChecksWithTheOperatorsRole();
        startReplica(LEADER);
        eventually().until(() -> LEADER.equals(leaseHolder()));
        startReplica(FOLLOWER);
    }

    @Override
    @AfterEach
    void stopOperator() {
        replicas.values().forEach(ControlPlane::close);
        replicaClients.values().forEach(KubernetesClient::close);
    }

    /**
     * JOSDK asks the API server, with a SelfSubjectRulesReview, whether it may use the Lease
     * before it elects; the mock server has no RBAC, so it answers with the operator's Role.
     */
    private void answerLeaseAccessChecksWithTheOperatorsRole() {
        Role role;
        try {
            role = OperatorPermissionsTest.load("config/rbac/role.yaml", Role.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SelfSubjectRulesReview review = new SelfSubjectRulesReviewBuilder()
                .withNewStatus()
                .withIncomplete(false)
                .withResourceRules(role.getRules().stream()
                        .map(r -> new ResourceRuleBuilder()
                                .withApiGroups(r.getApiGroups())
                                .withResources(r.getResources())
                                .withResourceNames(r.getResourceNames())
                                .withVerbs(r.getVerbs())
                                .build())
                        .toList())
                .endStatus()
                .build();
        server.expect()
                .post()
                .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, review)
                .always();
    }

    /** A replica on a client of its own, with production's Lease and timings. */
    private void startReplica(String identity) {
        LeaderElectionConfiguration production = new LeaderElection().leaderElection(settings());
        LeaderElectionConfiguration replica = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                        production.getLeaseName())
                .withLeaseNamespace(production.getLeaseNamespace().orElseThrow())
                .withLeaseDuration(production.getLeaseDuration())
                .withRenewDeadline(production.getRenewDeadline())
                .withRetryPeriod(production.getRetryPeriod())
                // In a cluster each replica is its pod (HOSTNAME); two in one JVM need names.
                .withIdentity(identity)
                // In a cluster a replica that loses the Lease exits and its pod restarts; a test JVM must not.
                .buildForTest(false);
        KubernetesClient replicaClient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration())
                        .withUserAgent("kube-privatelink-" + identity)
                        .build())
                .build();
        replicaClients.put(identity, replicaClient);
        replicas.put(identity, ControlPlane.startReplica(replicaClient, settings(), replica));
    }

    private String leaseHolder() {
        Lease lease = client.leases()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName(LeaderElection.LEASE)
                .get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    /** What the owner finally decides for endpoint ep-i of a namespace, and the state it leads to. */
    enum Outcome {
        AVAILABLE(Decision.Accept, ConnectionState.Available),
        SUSPENDED(Decision.Suspend, ConnectionState.Suspended),
        REJECTED(Decision.Reject, ConnectionState.Rejected),
        TERMINATED(Decision.Terminate, ConnectionState.Terminated),
        PENDING(null, ConnectionState.PendingAcceptance);

        final Decision decision;
        final ConnectionState state;

        Outcome(Decision decision, ConnectionState state) {
            this.decision = decision;
            this.state = state;
        }

        static Outcome of(int endpoint) {
            return switch (endpoint) {
                case 6 -> SUSPENDED;
                case 7 -> REJECTED;
                case 8 -> TERMINATED;
                case 9 -> PENDING;
                default -> AVAILABLE;
            };
        }

        /** Connected endpoints keep their Services and slices (a suspended one with no addresses). */
        boolean connected() {
            return state.isConnected();
        }
    }

    @Test
    void theOtherReplicaTakesOverAndTheWorldConverges() {
        String serviceName = publishToTheConsumers();

        // The storm: each namespace's endpoints, and the owner accepting the first eight of each.
        List<ConnectionDecision> accepted = new ArrayList<>();
        for (String ns : CONSUMERS) {
            for (int i = 0; i < ENDPOINTS_PER_NAMESPACE; i++) {
                world.endpoint(ns, "ep-" + i, serviceName);
            }
            for (int i = 0; i < 8; i++) {
                accepted.add(new ConnectionDecision(null, ns + "/ep-" + i, Decision.Accept));
            }
            world.decide(OWNER, "api", accepted.toArray(ConnectionDecision[]::new));
        }
        eventually().until(() -> count(ConnectionState.Available) > 0);

        stop(LEADER);
        // The owner's final word, while no replica leads: suspend, revoke and terminate some.
        world.decide(OWNER, "api", finalDecisions().toArray(ConnectionDecision[]::new));

        // The follower waits for the Lease to expire (production's lease duration), then catches up.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(states()).isEqualTo(expectedStates()));
        assertThat(leaseHolder()).isEqualTo(FOLLOWER);
        eventually().untilAsserted(this::assertExactlyTheObjectsTheStatesNeed);
    }

    private String publishToTheConsumers() {
        world.namespace(OWNER);
        world.node("node-a", "zone-a");
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(OWNER, "api", "api");
        world.permission(
                OWNER,
                "teams",
                "api",
                false,
                CONSUMERS.stream().map(Principal::namespace).toArray(Principal[]::new));
        for (int n = 0; n < CONSUMERS.size(); n++) {
            world.namespace(CONSUMERS.get(n));
            world.forwarderPod(CONSUMERS.get(n), "fwd-" + CONSUMERS.get(n), forwarderIp(n), "node-a", true);
        }
        return serviceNameOf(OWNER, "api");
    }

    private static String forwarderIp(int namespaceIndex) {
        return "10.244.0." + (10 + namespaceIndex);
    }

    private static List<ConnectionDecision> finalDecisions() {
        List<ConnectionDecision> decisions = new ArrayList<>();
        for (String ns : CONSUMERS) {
            for (int i = 0; i < ENDPOINTS_PER_NAMESPACE; i++) {
                Decision decision = Outcome.of(i).decision;
                if (decision != null) {
                    decisions.add(new ConnectionDecision(null, ns + "/ep-" + i, decision));
                }
            }
        }
        return decisions;
    }

    private void stop(String identity) {
        replicas.remove(identity).close();
        replicaClients.remove(identity).close();
    }

    private long count(ConnectionState state) {
        return states().values().stream().filter(s -> s == state).count();
    }

    private Map<String, ConnectionState> states() {
        Map<String, ConnectionState> states = new TreeMap<>();
        for (InterfaceEndpoint ep : client.resources(InterfaceEndpoint.class)
                .inAnyNamespace()
                .list()
                .getItems()) {
            states.put(
                    key(ep.getMetadata().getNamespace(), ep.getMetadata().getName()),
                    ep.getStatus() == null ? null : ep.getStatus().getState());
        }
        return states;
    }

    private static Map<String, ConnectionState> expectedStates() {
        Map<String, ConnectionState> states = new TreeMap<>();
        forEachEndpoint((ns, i) -> states.put(key(ns, "ep-" + i), Outcome.of(i).state));
        return states;
    }

    private void assertExactlyTheObjectsTheStatesNeed() {
        Set<String> services = new TreeSet<>();
        Set<String> slices = new TreeSet<>();
        forEachEndpoint((ns, i) -> {
            if (Outcome.of(i).connected()) {
                services.add(key(ns, "ep-" + i));
                services.add(key(ns, "ep-" + i + "-zone-a"));
                slices.add(key(ns, "ep-" + i + "-ipv4"));
                slices.add(key(ns, "ep-" + i + "-zone-a-ipv4"));
            }
        });
        Set<String> forwarders =
                CONSUMERS.stream().map(world::forwarderName).collect(Collectors.toCollection(TreeSet::new));

        assertThat(keys(client.services()
                        .inAnyNamespace()
                        .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                        .list()
                        .getItems()))
                .containsExactlyElementsOf(services);
        List<EndpointSlice> allSlices = client.resources(EndpointSlice.class)
                .inAnyNamespace()
                .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                .list()
                .getItems();
        assertThat(keys(allSlices)).containsExactlyElementsOf(slices);
        assertThat(names(client.configMaps()
                        .inAnyNamespace()
                        .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                        .list()
                        .getItems()))
                .containsExactlyElementsOf(forwarders);
        assertThat(names(client.apps()
                        .deployments()
                        .inAnyNamespace()
                        .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                        .list()
                        .getItems()))
                .containsExactlyElementsOf(forwarders);

        for (int n = 0; n < CONSUMERS.size(); n++) {
            String ns = CONSUMERS.get(n);
            ForwarderConfig config = forwarderConfig(ns);
            Map<String, Route> routes = config.routes().stream().collect(Collectors.toMap(Route::endpointId, r -> r));
            Map<String, RouteState> expectedRoutes = new TreeMap<>();
            for (int i = 0; i < ENDPOINTS_PER_NAMESPACE; i++) {
                Outcome outcome = Outcome.of(i);
                if (outcome.connected()) {
                    expectedRoutes.put(
                            endpointId(ns, i), outcome == Outcome.SUSPENDED ? RouteState.SUSPENDED : RouteState.ACTIVE);
                }
            }
            assertThat(new TreeMap<>(routes.entrySet().stream()
                            .collect(Collectors.toMap(
                                    Map.Entry::getKey, e -> e.getValue().state()))))
                    .as("routes of %s", ns)
                    .isEqualTo(expectedRoutes);
            assertThat(config.routes())
                    .extracting(Route::listenPort)
                    .as("listener ports of %s", ns)
                    .doesNotHaveDuplicates();
            for (int i = 0; i < ENDPOINTS_PER_NAMESPACE; i++) {
                if (!Outcome.of(i).connected()) {
                    continue;
                }
                Route route = routes.get(endpointId(ns, i));
                List<String> expectedAddresses =
                        Outcome.of(i) == Outcome.AVAILABLE ? List.of(forwarderIp(n)) : List.of();
                for (String slice : List.of("ep-" + i + "-ipv4", "ep-" + i + "-zone-a-ipv4")) {
                    EndpointSlice s = slice(ns, slice);
                    assertThat(readyAddresses(s))
                            .as("ready addresses of %s/%s", ns, slice)
                            .isEqualTo(expectedAddresses);
                    assertThat(s.getPorts())
                            .as("ports of %s/%s", ns, slice)
                            .singleElement()
                            .satisfies(p -> assertThat(p.getPort()).isEqualTo(route.listenPort()));
                }
            }
        }
    }

    private String endpointId(String namespace, int i) {
        return endpoint(namespace, "ep-" + i).getStatus().getEndpointId();
    }

    private static List<String> readyAddresses(EndpointSlice slice) {
        return slice.getEndpoints().stream()
                .filter(e -> Boolean.TRUE.equals(e.getConditions().getReady()))
                .flatMap(e -> e.getAddresses().stream())
                .toList();
    }

    private static void forEachEndpoint(ObjIntConsumer<String> action) {
        for (String ns : CONSUMERS) {
            IntStream.range(0, ENDPOINTS_PER_NAMESPACE).forEach(i -> action.accept(ns, i));
        }
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    private static List<String> keys(List<? extends HasMetadata> objects) {
        return objects.stream()
                .map(o -> key(o.getMetadata().getNamespace(), o.getMetadata().getName()))
                .sorted()
                .toList();
    }

    private static List<String> names(List<? extends HasMetadata> objects) {
        return objects.stream().map(o -> o.getMetadata().getName()).sorted().toList();
    }
}
