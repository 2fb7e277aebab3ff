package dev.privatelink.netpol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.privatelink.netpol.NetworkPolicyEvaluator.External;
import dev.privatelink.netpol.NetworkPolicyEvaluator.NamedPort;
import dev.privatelink.netpol.NetworkPolicyEvaluator.Pod;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The evaluator against the rules of the Kubernetes NetworkPolicy reference, one rule per test,
 * most of them the reference's own examples.
 */
class NetworkPolicyEvaluatorTest {

    static final KubernetesSerialization YAML = new KubernetesSerialization();

    static final Map<String, Map<String, String>> NAMESPACES = Map.of(
            "a", Map.of("kubernetes.io/metadata.name", "a", "team", "blue"),
            "b", Map.of("kubernetes.io/metadata.name", "b", "team", "blue"),
            "c", Map.of("kubernetes.io/metadata.name", "c"));

    static final Pod A_WEB = pod("a", "web", Map.of("app", "web"));
    static final Pod A_DB =
            new Pod("a", "db", Map.of("app", "db"), "10.0.0.2", List.of(new NamedPort("postgres", "TCP", 5432)));
    static final Pod B_WEB = pod("b", "web", Map.of("app", "web"));
    static final Pod B_OTHER = pod("b", "other", Map.of("app", "other"));
    static final Pod C_WEB = pod("c", "web", Map.of("app", "web"));
    static final External INTERNET = new External("internet", "203.0.113.7");

    static Pod pod(String namespace, String name, Map<String, String> labels) {
        return new Pod(namespace, name, labels, "10.0." + (namespace.charAt(0) - 'a') + "." + name.length(), List.of());
    }

    static NetworkPolicy policy(String namespace, String spec) {
        return YAML.unmarshal("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: p, namespace: %s}
                spec:
                %s""".formatted(namespace, spec.indent(2)), NetworkPolicy.class);
    }

    static NetworkPolicyEvaluator with(NetworkPolicy... policies) {
        return new NetworkPolicyEvaluator(List.of(policies), NAMESPACES);
    }

    @Test
    void aPodNoPolicySelectsAllowsEverything() {
        var evaluator = with(policy("a", """
                podSelector: {matchLabels: {app: db}}
                policyTypes: [Ingress, Egress]
                """));

        assertThat(evaluator.allows(B_WEB, A_WEB, "TCP", 80)).isTrue();
        assertThat(evaluator.allows(A_WEB, INTERNET, "UDP", 53)).isTrue();
        assertThat(evaluator.allows(A_DB, A_WEB, "TCP", 80))
                .as("db's egress is isolated")
                .isFalse();
        assertThat(evaluator.allows(A_WEB, A_DB, "TCP", 5432))
                .as("db's ingress is isolated")
                .isFalse();
    }

    @Test
    void anEmptyPodSelectorSelectsEveryPodOfThePolicysNamespaceOnly() {
        var evaluator = with(policy("a", """
                podSelector: {}
                policyTypes: [Ingress]
                """));

        assertThat(evaluator.allows(C_WEB, A_WEB, "TCP", 80)).isFalse();
        assertThat(evaluator.allows(C_WEB, A_DB, "TCP", 5432)).isFalse();
        assertThat(evaluator.allows(C_WEB, B_WEB, "TCP", 80)).isTrue();
    }

    @Test
    void withoutPolicyTypesAPolicyIsolatesIngressAndEgressOnlyWhenItHasEgressRules() {
        var ingressOnly = with(policy("a", """
                podSelector: {}
                """));
        var both = with(policy("a", """
                podSelector: {}
                egress:
                - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}}]
                """));

        assertThat(ingressOnly.allows(B_WEB, A_WEB, "TCP", 80)).isFalse();
        assertThat(ingressOnly.allows(A_WEB, C_WEB, "TCP", 80)).isTrue();
        assertThat(both.allows(B_WEB, A_WEB, "TCP", 80))
                .as("ingress isolated, no ingress rule")
                .isFalse();
        assertThat(both.allows(A_WEB, C_WEB, "TCP", 80)).isFalse();
        assertThat(both.allows(A_WEB, B_WEB, "TCP", 80)).isTrue();
    }

    @Test
    void anEgressOnlyPolicyLeavesIngressOpen() {
        var evaluator = with(policy("a", """
                podSelector: {}
                policyTypes: [Egress]
                """));

        assertThat(evaluator.allows(B_WEB, A_WEB, "TCP", 80)).isTrue();
        assertThat(evaluator.allows(A_WEB, B_WEB, "TCP", 80)).isFalse();
        assertThat(evaluator.allows(A_WEB, INTERNET, "TCP", 443)).isFalse();
    }

    @Test
    void namespaceAndPodSelectorInOnePeerMustBothMatch() {
        var evaluator = with(policy("a", """
                podSelector: {matchLabels: {app: db}}
                ingress:
                - from:
                  - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}
                    podSelector: {matchLabels: {app: web}}
                """));

        assertThat(evaluator.allows(B_WEB, A_DB, "TCP", 5432)).isTrue();
        assertThat(evaluator.allows(B_OTHER, A_DB, "TCP", 5432)).isFalse();
        assertThat(evaluator.allows(C_WEB, A_DB, "TCP", 5432)).isFalse();
        assertThat(evaluator.allows(A_WEB, A_DB, "TCP", 5432)).isFalse();
    }

    @Test
    void namespaceAndPodSelectorInTwoPeersMatchEachOnItsOwn() {
        var evaluator = with(policy("a", """
                podSelector: {matchLabels: {app: db}}
                ingress:
                - from:
                  - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}
                  - podSelector: {matchLabels: {app: web}}
                """));

        assertThat(evaluator.allows(B_OTHER, A_DB, "TCP", 5432))
                .as("any pod of b")
                .isTrue();
        assertThat(evaluator.allows(A_WEB, A_DB, "TCP", 5432))
                .as("web of the policy's namespace")
                .isTrue();
        assertThat(evaluator.allows(C_WEB, A_DB, "TCP", 5432))
                .as("a podSelector alone means the policy's own namespace")
                .isFalse();
    }

    @Test
    void anEmptyNamespaceSelectorMatchesEveryNamespaceAndLabelsTenantsSetCount() {
        var everyNamespace = with(policy("a", """
                podSelector: {matchLabels: {app: db}}
                ingress:
                - from: [{namespaceSelector: {}}]
                """));
        var byTeam = with(policy("a", """
                podSelector: {matchLabels: {app: db}}
                ingress:
                - from: [{namespaceSelector: {matchLabels: {team: blue}}}]
                """));

        assertThat(everyNamespace.allows(C_WEB, A_DB, "TCP", 5432)).isTrue();
        assertThat(everyNamespace.allows(B_OTHER, A_DB, "TCP", 5432)).isTrue();
        assertThat(everyNamespace.ingressAllows(INTERNET, A_DB, "TCP", 5432))
                .as("a namespace selector picks pods, not outside addresses")
                .isFalse();
        assertThat(byTeam.allows(B_WEB, A_DB, "TCP", 5432)).isTrue();
        assertThat(byTeam.allows(C_WEB, A_DB, "TCP", 5432)).isFalse();
    }

    @Test
    void anEmptyFromAndAnEmptyPortsMatchEverything() {
        var evaluator = with(policy("a", """
                podSelector: {matchLabels: {app: db}}
                ingress:
                - {}
                """));

        assertThat(evaluator.allows(C_WEB, A_DB, "TCP", 1)).isTrue();
        assertThat(evaluator.allows(C_WEB, A_DB, "UDP", 65535)).isTrue();
        assertThat(evaluator.ingressAllows(INTERNET, A_DB, "TCP", 5432)).isTrue();
    }

    @Test
    void aPortWithoutANumberMatchesEveryPortOfItsProtocolWhichDefaultsToTcp() {
        var evaluator = with(policy("a", """
                podSelector: {matchLabels: {app: db}}
                ingress:
                - ports: [{protocol: UDP}, {port: 5432}]
                """));

        assertThat(evaluator.allows(C_WEB, A_DB, "UDP", 9)).isTrue();
        assertThat(evaluator.allows(C_WEB, A_DB, "TCP", 5432)).isTrue();
        assertThat(evaluator.allows(C_WEB, A_DB, "UDP", 5432)).isTrue();
        assertThat(evaluator.allows(C_WEB, A_DB, "TCP", 9)).isFalse();
        assertThat(evaluator.allows(C_WEB, A_DB, "SCTP", 5432)).isFalse();
    }

    @Test
    void endPortMakesAnInclusiveRange() {
        var evaluator = with(policy("a", """
                podSelector: {matchLabels: {app: db}}
                ingress:
                - ports: [{protocol: TCP, port: 32000, endPort: 32768}]
                """));

        assertThat(Stream.of(31999, 32000, 32500, 32768, 32769).filter(p -> evaluator.allows(C_WEB, A_DB, "TCP", p)))
                .containsExactly(32000, 32500, 32768);
    }

    @Test
    void aNamedPortIsTheDestinationPodsContainerPortOfThatName() {
        var ingress = with(policy("a", """
                podSelector: {matchLabels: {app: db}}
                ingress:
                - ports: [{port: postgres}]
                """));
        var egress = with(policy("c", """
                podSelector: {}
                policyTypes: [Egress]
                egress:
                - ports: [{port: postgres}]
                """));

        assertThat(ingress.allows(C_WEB, A_DB, "TCP", 5432)).isTrue();
        assertThat(ingress.allows(C_WEB, A_DB, "TCP", 5433)).isFalse();
        assertThat(ingress.allows(C_WEB, A_DB, "UDP", 5432))
                .as("the container port is TCP")
                .isFalse();
        assertThat(egress.allows(C_WEB, A_DB, "TCP", 5432)).isTrue();
        assertThat(egress.allows(C_WEB, A_WEB, "TCP", 5432))
                .as("web names no port postgres")
                .isFalse();
        assertThat(egress.allows(C_WEB, INTERNET, "TCP", 5432)).isFalse();
    }

    @Test
    void policiesAddUp() {
        var fromB = policy("a", """
                podSelector: {matchLabels: {app: db}}
                ingress:
                - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}}]
                """);
        var denyAll = policy("a", """
                podSelector: {}
                policyTypes: [Ingress]
                """);
        var fromC = policy("a", """
                podSelector: {matchLabels: {app: db}}
                ingress:
                - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: c}}}]
                """);
        var evaluator = with(fromB, denyAll, fromC);

        assertThat(evaluator.allows(B_WEB, A_DB, "TCP", 5432)).isTrue();
        assertThat(evaluator.allows(C_WEB, A_DB, "TCP", 5432)).isTrue();
        assertThat(evaluator.allows(A_WEB, A_DB, "TCP", 5432)).isFalse();
        assertThat(evaluator.allows(B_WEB, A_WEB, "TCP", 80))
                .as("only the deny-all selects web")
                .isFalse();
    }

    @Test
    void aConnectionNeedsEgressAtTheSourceAndIngressAtTheDestination() {
        var sourceClosed = policy("b", """
                podSelector: {}
                policyTypes: [Egress]
                """);
        var destinationOpen = policy("a", """
                podSelector: {}
                ingress:
                - from: [{namespaceSelector: {}}]
                """);

        assertThat(with(sourceClosed, destinationOpen).allows(B_WEB, A_WEB, "TCP", 80))
                .isFalse();
        assertThat(with(destinationOpen).allows(B_WEB, A_WEB, "TCP", 80)).isTrue();
    }

    @Test
    void matchExpressionsHoldAsLabelSelectorsDo() {
        Map<String, String> labels = Map.of("tier", "db", "zone", "a");

        assertThat(NetworkPolicyEvaluator.matches(selector("{key: tier, operator: In, values: [db, cache]}"), labels))
                .isTrue();
        assertThat(NetworkPolicyEvaluator.matches(selector("{key: tier, operator: In, values: [web]}"), labels))
                .isFalse();
        assertThat(NetworkPolicyEvaluator.matches(selector("{key: tier, operator: NotIn, values: [web]}"), labels))
                .isTrue();
        assertThat(NetworkPolicyEvaluator.matches(selector("{key: owner, operator: NotIn, values: [x]}"), labels))
                .as("NotIn holds for a missing key")
                .isTrue();
        assertThat(NetworkPolicyEvaluator.matches(selector("{key: zone, operator: Exists}"), labels))
                .isTrue();
        assertThat(NetworkPolicyEvaluator.matches(selector("{key: zone, operator: DoesNotExist}"), labels))
                .isFalse();
        assertThat(NetworkPolicyEvaluator.matches(selector("{key: owner, operator: In, values: [x]}"), labels))
                .isFalse();
        assertThatThrownBy(() -> NetworkPolicyEvaluator.matches(selector("{key: tier, operator: In}"), labels))
                .hasMessageContaining("In without values");
    }

    static LabelSelector selector(String expression) {
        return YAML.unmarshal("matchExpressions: [" + expression + "]", LabelSelector.class);
    }

    @Test
    void anIpBlockMatchesItsCidrBarItsExceptions() {
        var evaluator = with(policy("a", """
                podSelector: {}
                policyTypes: [Egress]
                egress:
                - to: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.0/30]}}]
                """));

        assertThat(evaluator.allows(A_WEB, INTERNET, "TCP", 443)).isTrue();
        assertThat(evaluator.allows(A_WEB, new External("excepted", "203.0.113.2"), "TCP", 443))
                .isFalse();
        assertThat(evaluator.allows(A_WEB, new External("elsewhere", "198.51.100.1"), "TCP", 443))
                .isFalse();
        assertThat(evaluator.allows(A_WEB, new External("v6", "2001:db8::1"), "TCP", 443))
                .isFalse();
        assertThat(NetworkPolicyEvaluator.inCidr("2001:db8::/32", "2001:db8::1"))
                .isTrue();
    }

    @Test
    void policiesTheApiServerRefusesAreErrors() {
        assertThatThrownBy(() -> with(policy("a", """
                                podSelector: {}
                                ingress:
                                - from: [{}]
                                """)).allows(B_WEB, A_WEB, "TCP", 80))
                .hasMessageContaining("a peer without");
        assertThatThrownBy(() -> with(policy("a", """
                                podSelector: {}
                                ingress:
                                - from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]
                                """)).allows(B_WEB, A_WEB, "TCP", 80))
                .hasMessageContaining("ipBlock and a selector");
        assertThatThrownBy(() -> with(policy("a", """
                                podSelector: {}
                                ingress:
                                - ports: [{port: http, endPort: 90}]
                                """)).allows(B_WEB, A_WEB, "TCP", 80))
                .hasMessageContaining("endPort needs a numeric port");
    }
}
