package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerSpec;
import dev.privatelink.api.ConditionTypes;
import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.Certificates;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's RBAC (config/rbac, which the install tests hold equal to the Helm chart's) is
 * enough for what the operator does: a connection's whole life runs against the mock API server
 * with the operator on a client of its own, and every request that client makes must be granted,
 * cluster-wide by the ClusterRole or, in the operator's namespace, by the Role. A new API call
 * without a grant fails here instead of with a 403 in a cluster.
 */
class OperatorPermissionsTest extends OperatorTestBase {

    static final String OPERATOR_AGENT = "kube-privatelink-operator-under-audit";

    KubernetesMockServer server;
    KubernetesClient operatorClient;

    @Override
    @BeforeEach
    void startOperator() {
        operatorClient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration())
                        .withUserAgent(OPERATOR_AGENT)
                        .build())
                .build();
        world = new World(client);
        world.namespace(TestSettings.OPERATOR_NAMESPACE);
        kubelet = new KubeletStandIn(client, TestSettings.OPERATOR_NAMESPACE);
        controlPlane = ControlPlane.start(operatorClient, settings());
    }

    @AfterEach
    void closeOperatorClient() {
        operatorClient.close();
    }

    @Override
    OperatorSettings settings() {
        return TestSettings.with(Map.of("privatelink.peering.gateway-addresses", "gw.east.example:8443"));
    }

    @Test
    void everyRequestOfTheOperatorIsGrantedByItsRoles() throws Exception {
        // peering: an invite (its Secret) and a static peer (this cluster's UID, the status write)
        world.namespace("kube-system");
        world.clusterPeer("west", spec -> spec.setInvite(new ClusterPeerSpec.Invite()));
        world.clusterPeer("north", spec -> spec.setStaticPeer(Peerings.staticSpec("north")));
        eventually()
                .until(() -> client.secrets()
                                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                                .withName(ClusterPeerReconciler.inviteSecretName("west"))
                                .get()
                        != null);
        eventually().until(() -> Peerings.enrolled(client, "north"));
        publishAndAwaitPendingEndpoint();
        String endpointId = endpoint(CONSUMER, "api").getStatus().getEndpointId();
        for (Decision decision : List.of(Decision.Accept, Decision.Suspend, Decision.Accept, Decision.Reject)) {
            world.decide(OWNER, "api", new ConnectionDecision(endpointId, null, decision));
            awaitState(
                    CONSUMER,
                    "api",
                    switch (decision) {
                        case Accept -> ConnectionState.Available;
                        case Suspend -> ConnectionState.Suspended;
                        default -> ConnectionState.Rejected;
                    });
            if (decision == Decision.Accept) {
                // a peer gives the forwarder a gateway credential, and rotation reports on the peer
                eventually()
                        .until(() -> client.secrets()
                                                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                                                .withName(Certificates.clientSecretName(world.forwarderName(CONSUMER)))
                                                .get()
                                        != null
                                && client.resources(ClusterPeer.class)
                                        .withName("west")
                                        .get()
                                        .getStatus()
                                        .condition(ConditionTypes.CERTIFICATES_READY)
                                        .isPresent());
            }
        }
        client.resources(InterfaceEndpoint.class)
                .inNamespace(CONSUMER)
                .withName("api")
                .delete();
        client.resources(EndpointService.class)
                .inNamespace(OWNER)
                .withName("api")
                .delete();
        eventually()
                .until(() -> client.apps()
                                .deployments()
                                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                                .withName(world.forwarderName(CONSUMER))
                                .get()
                        == null);

        Set<Request> requests = operatorRequests();
        List<PolicyRule> clusterWide =
                load("config/rbac/cluster_role.yaml", ClusterRole.class).getRules();
        List<PolicyRule> inOwnNamespace =
                load("config/rbac/role.yaml", Role.class).getRules();

        assertThat(requests)
                .extracting(Request::toString)
                .as("what the operator did (the scenario reached it)")
                .contains(
                        "create core/services in shop",
                        "create discovery.k8s.io/endpointslices in shop",
                        "delete core/services in shop",
                        "create apps/deployments in " + TestSettings.OPERATOR_NAMESPACE,
                        "create core/configmaps in " + TestSettings.OPERATOR_NAMESPACE,
                        "create core/serviceaccounts in " + TestSettings.OPERATOR_NAMESPACE,
                        "create policy/poddisruptionbudgets in " + TestSettings.OPERATOR_NAMESPACE,
                        "delete policy/poddisruptionbudgets in " + TestSettings.OPERATOR_NAMESPACE,
                        "create rbac.authorization.k8s.io/roles in " + TestSettings.OPERATOR_NAMESPACE,
                        "create rbac.authorization.k8s.io/rolebindings in " + TestSettings.OPERATOR_NAMESPACE,
                        "delete core/serviceaccounts in " + TestSettings.OPERATOR_NAMESPACE,
                        "delete rbac.authorization.k8s.io/roles in " + TestSettings.OPERATOR_NAMESPACE,
                        "create core/events in shop",
                        "create networking.k8s.io/networkpolicies in " + TestSettings.OPERATOR_NAMESPACE,
                        "delete networking.k8s.io/networkpolicies in " + TestSettings.OPERATOR_NAMESPACE,
                        "create networking.k8s.io/networkpolicies in payments",
                        "update networking.k8s.io/networkpolicies in payments",
                        "watch networking.k8s.io/networkpolicies",
                        "patch privatelink.dev/interfaceendpoints/status in shop",
                        "watch core/nodes",
                        "get core/secrets in " + TestSettings.OPERATOR_NAMESPACE,
                        "create core/secrets in " + TestSettings.OPERATOR_NAMESPACE,
                        "watch privatelink.dev/clusterpeers",
                        "update privatelink.dev/clusterpeers/status");
        assertThat(requests)
                .as("requests of the operator that its RBAC does not grant")
                .filteredOn(r -> !r.grantedBy(clusterWide)
                        && !(TestSettings.OPERATOR_NAMESPACE.equals(r.namespace()) && r.grantedBy(inOwnNamespace)))
                .isEmpty();
    }

    /** The operator's requests, each kind once, in the order of their text. */
    Set<Request> operatorRequests() throws InterruptedException {
        Set<Request> requests = new TreeSet<>(Comparator.comparing(Request::toString));
        RecordedRequest recorded;
        while ((recorded = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
            if (OPERATOR_AGENT.equals(recorded.getHeader("User-Agent"))) {
                Request request = Request.of(recorded.getMethod(), recorded.getPath());
                // ControlPlane.start installs the CRDs through the client it is given; in a
                // cluster, Helm or kubectl does, and the operator never touches them.
                if (request != null && !request.resource().equals("customresourcedefinitions")) {
                    requests.add(request);
                }
            }
        }
        return requests;
    }

    static <T> T load(String file, Class<T> type) throws IOException {
        try (InputStream in = new FileInputStream(file)) {
            return Serialization.unmarshal(in, type);
        }
    }

    /** One API request as RBAC sees it: "verb group/resource[/subresource] [in namespace]". */
    record Request(String verb, String group, String resource, String namespace) {

        /** From an HTTP method and path; null for what RBAC does not cover by resource (discovery). */
        static Request of(String method, String pathAndQuery) {
            String[] split = pathAndQuery.split("\\?", 2);
            boolean watch = split.length > 1 && split[1].matches("(.*&)?watch=true(&.*)?");
            List<String> path = List.of(split[0].replaceAll("^/|/$", "").split("/"));
            int start;
            String group;
            if (path.size() > 2 && path.get(0).equals("api")) {
                group = "core";
                start = 2;
            } else if (path.size() > 3 && path.get(0).equals("apis")) {
                group = path.get(1);
                start = 3;
            } else {
                return null;
            }
            List<String> rest = path.subList(start, path.size());
            String namespace = null;
            if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
                namespace = rest.get(1);
                rest = rest.subList(2, rest.size());
            }
            String resource = rest.get(0) + (rest.size() > 2 ? "/" + rest.get(2) : "");
            boolean named = rest.size() > 1;
            String verb = switch (method) {
                case "GET" -> watch ? "watch" : named ? "get" : "list";
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> named ? "delete" : "deletecollection";
                default -> method.toLowerCase(Locale.ROOT);
            };
            return new Request(verb, group, resource, namespace);
        }

        boolean grantedBy(List<PolicyRule> rules) {
            String apiGroup = group.equals("core") ? "" : group;
            return rules.stream()
                    .anyMatch(rule -> matches(rule.getApiGroups(), apiGroup)
                            && matches(rule.getResources(), resource)
                            && matches(rule.getVerbs(), verb)
                            // requests are kept without their object's name: rules limited to names grant none here
                            && (rule.getResourceNames() == null
                                    || rule.getResourceNames().isEmpty()));
        }

        private static boolean matches(List<String> allowed, String value) {
            return allowed != null && (allowed.contains(value) || allowed.contains("*"));
        }

        @Override
        public String toString() {
            return verb + " " + group + "/" + resource + (namespace == null ? "" : " in " + namespace);
        }
    }
}
