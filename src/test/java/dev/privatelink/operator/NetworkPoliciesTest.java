package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceSpec.NetworkPolicyMode;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.Principal;
import dev.privatelink.desired.Labels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The NetworkPolicies the operator writes follow the connections: the forwarder's of a consumer
 * namespace comes and goes with its forwarder, and a load balancer's admits exactly the
 * forwarders of the namespaces with accepted connections, unless the owner opts out.
 */
class NetworkPoliciesTest extends OperatorTestBase {

    static final String OTHER_CONSUMER = "billing";
    static final String LOAD_BALANCER_POLICY = "privatelink-api";

    String serviceName;

    @BeforeEach
    void publishWithManualAcceptance() {
        serviceName = publishAndAwaitPendingEndpoint();
    }

    NetworkPolicy policy(String namespace, String name) {
        return client.network()
                .v1()
                .networkPolicies()
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    NetworkPolicy forwarderPolicy(String consumer) {
        return policy(TestSettings.OPERATOR_NAMESPACE, world.forwarderName(consumer));
    }

    /** The consumer namespaces whose forwarders the load balancer's pods admit; null without a policy. */
    List<String> admitted() {
        NetworkPolicy policy = policy(OWNER, LOAD_BALANCER_POLICY);
        if (policy == null) {
            return null;
        }
        return policy.getSpec().getIngress().stream()
                .flatMap(rule -> rule.getFrom().stream())
                .flatMap(peer -> peer.getPodSelector().getMatchExpressions().stream())
                .filter(e -> e.getKey().equals(Labels.CONSUMER_NAMESPACE))
                .flatMap(e -> e.getValues().stream())
                .toList();
    }

    void decide(String consumer, Decision decision) {
        String id = endpoint(consumer, "api").getStatus().getEndpointId();
        EndpointService es = endpointService(OWNER, "api");
        List<ConnectionDecision> decisions = new ArrayList<>(
                es.getSpec().getConnections() == null ? List.of() : es.getSpec().getConnections());
        decisions.removeIf(d -> id.equals(d.getEndpointId()));
        decisions.add(new ConnectionDecision(id, null, decision));
        world.decide(OWNER, "api", decisions.toArray(ConnectionDecision[]::new));
    }

    void connectOtherConsumer() {
        world.namespace(OTHER_CONSUMER);
        world.permission(OWNER, OTHER_CONSUMER, "api", false, Principal.namespace(OTHER_CONSUMER));
        world.endpoint(OTHER_CONSUMER, "api", serviceName);
        awaitState(OTHER_CONSUMER, "api", ConnectionState.PendingAcceptance);
    }

    @Test
    void aForwarderAdmitsItsConsumerNamespaceOnTheListenerPortsAndReachesItsLoadBalancersPods() {
        decide(CONSUMER, Decision.Accept);
        awaitState(CONSUMER, "api", ConnectionState.Available);

        eventually().untilAsserted(() -> {
            NetworkPolicy policy = forwarderPolicy(CONSUMER);
            assertThat(policy).isNotNull();
            assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                    .containsEntry(Labels.CONSUMER_NAMESPACE, CONSUMER)
                    .containsEntry(Labels.COMPONENT, Labels.COMPONENT_FORWARDER);
            assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
                assertThat(rule.getFrom())
                        .singleElement()
                        .satisfies(
                                peer -> assertThat(peer.getNamespaceSelector().getMatchLabels())
                                        .isEqualTo(Map.of(Labels.NAMESPACE_NAME, CONSUMER)));
                assertThat(rule.getPorts()).singleElement().satisfies(port -> {
                    assertThat(port.getPort()).isEqualTo(new IntOrString(10000));
                    assertThat(port.getEndPort()).isEqualTo(19999);
                });
            });
            assertThat(policy.getSpec().getEgress()).anySatisfy(rule -> {
                assertThat(rule.getTo()).singleElement().satisfies(peer -> {
                    assertThat(peer.getNamespaceSelector().getMatchLabels())
                            .isEqualTo(Map.of(Labels.NAMESPACE_NAME, OWNER));
                    assertThat(peer.getPodSelector().getMatchLabels()).isEqualTo(Map.of("app", "api"));
                });
                assertThat(rule.getPorts())
                        .extracting(NetworkPolicyPort::getPort)
                        .containsExactly(new IntOrString(8080));
            });
        });
    }

    /** SEC-09: a connection that waits for the owner gets no forwarder, so nothing to fence or to reach. */
    @Test
    void aPendingConnectionHasNoForwarderAndNoPolicy() {
        eventually().during(Duration.ofSeconds(1)).until(() -> forwarderPolicy(CONSUMER) == null);
    }

    @Test
    void theLoadBalancersPodsAdmitTheForwardersOfAcceptedNamespacesOnly() {
        eventually().until(() -> admitted() != null);
        assertThat(admitted())
                .as("fenced from the start: nobody is accepted yet")
                .isEmpty();
        assertThat(policy(OWNER, LOAD_BALANCER_POLICY)
                        .getSpec()
                        .getPodSelector()
                        .getMatchLabels())
                .isEqualTo(Map.of("app", "api"));
        assertThat(policy(OWNER, LOAD_BALANCER_POLICY).getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(ref -> {
                    assertThat(ref.getKind()).isEqualTo("EndpointService");
                    assertThat(ref.getUid())
                            .isEqualTo(
                                    endpointService(OWNER, "api").getMetadata().getUid());
                });

        decide(CONSUMER, Decision.Accept);
        eventually().until(() -> List.of(CONSUMER).equals(admitted()));

        connectOtherConsumer();
        assertThat(admitted()).containsExactly(CONSUMER);
        decide(OTHER_CONSUMER, Decision.Accept);
        eventually().until(() -> List.of(OTHER_CONSUMER, CONSUMER).equals(admitted()));

        decide(CONSUMER, Decision.Reject);
        eventually().until(() -> List.of(OTHER_CONSUMER).equals(admitted()));
    }

    @Test
    void aSuspendedConnectionStaysAdmittedSoThatResumeIsInstant() {
        decide(CONSUMER, Decision.Accept);
        eventually().until(() -> List.of(CONSUMER).equals(admitted()));

        decide(CONSUMER, Decision.Suspend);
        awaitState(CONSUMER, "api", ConnectionState.Suspended);

        assertThat(admitted()).containsExactly(CONSUMER);
    }

    @Test
    void theForwardersPolicyGoesWithTheForwarder() {
        decide(CONSUMER, Decision.Accept);
        eventually().until(() -> forwarderPolicy(CONSUMER) != null);

        client.resources(InterfaceEndpoint.class)
                .inNamespace(CONSUMER)
                .withName("api")
                .delete();

        eventually()
                .until(() -> client.apps()
                                        .deployments()
                                        .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                                        .withName(world.forwarderName(CONSUMER))
                                        .get()
                                == null
                        && forwarderPolicy(CONSUMER) == null);
    }

    @Test
    void anOwnerWhoOptsOutHasNoPolicyAndGetsItBackByOptingIn() {
        eventually().until(() -> admitted() != null);

        setNetworkPolicy(NetworkPolicyMode.Disabled);
        eventually().until(() -> policy(OWNER, LOAD_BALANCER_POLICY) == null);

        setNetworkPolicy(NetworkPolicyMode.Enabled);
        eventually().until(() -> admitted() != null);
    }

    void setNetworkPolicy(NetworkPolicyMode mode) {
        world.patchSpec(OWNER, "api", "networkPolicy", mode.name());
    }

    @Test
    void aRuleAddedByHandToAFencedLoadBalancerIsTakenOut() {
        eventually().until(() -> admitted() != null);

        client.network()
                .v1()
                .networkPolicies()
                .inNamespace(OWNER)
                .withName(LOAD_BALANCER_POLICY)
                .edit(p -> {
                    p.getSpec().getIngress().add(new NetworkPolicyIngressRuleBuilder().build());
                    return p;
                });

        eventually()
                .until(() -> policy(OWNER, LOAD_BALANCER_POLICY)
                        .getSpec()
                        .getIngress()
                        .isEmpty());
    }
}
