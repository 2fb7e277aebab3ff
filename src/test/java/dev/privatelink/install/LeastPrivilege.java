package dev.privatelink.install;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The operator's and the forwarder's permissions: exactly what their code uses, cluster-wide only
 * where it must be. The chart and config/rbac must grant these and nothing more. Rules compare as
 * sets of single permissions ("verb group/resource[/name]"), so regrouping rules changes nothing
 * while any added or missing verb shows.
 */
final class LeastPrivilege {

    /** The operator's leader-election Lease, fixed in dev.privatelink.operator.LeaderElection. */
    static final String LEASE = "kube-privatelink-operator";

    /** The ClusterRole the operator binds the forwarders to in consumer namespaces. */
    static final String FORWARDER_POD_READER = "kube-privatelink-forwarder-pods";

    /** Cluster-wide: what the operator reads or writes in owners' and consumers' namespaces. */
    static final List<PolicyRule> OPERATOR_CLUSTER = operatorCluster(FORWARDER_POD_READER);

    /** The same, for a release whose forwarders' pod reader ClusterRole has another name. */
    static List<PolicyRule> operatorCluster(String forwarderPodReader) {
        return List.of(
                rule(
                        "privatelink.dev",
                        List.of("endpointservices", "servicepermissions", "interfaceendpoints"),
                        "get",
                        "list",
                        "watch"),
                // the operator writes only the status of the three kinds
                rule(
                        "privatelink.dev",
                        List.of("endpointservices/status", "servicepermissions/status", "interfaceendpoints/status"),
                        "get",
                        "patch",
                        "update"),
                // ClusterPeers (cluster-scoped): enrolled by the operator, which writes only their status
                rule("privatelink.dev", List.of("clusterpeers"), "get", "list", "watch"),
                rule("privatelink.dev", List.of("clusterpeers/status"), "get", "patch", "update"),
                // endpoint Services in consumer namespaces; owners' load balancer Services (read)
                rule("", List.of("services"), "get", "list", "watch", "create", "update", "delete"),
                rule(
                        "discovery.k8s.io",
                        List.of("endpointslices"),
                        "get",
                        "list",
                        "watch",
                        "create",
                        "update",
                        "delete"),
                // forwarders' NetworkPolicies (operator namespace) and load balancers' (owners' namespaces)
                rule(
                        "networking.k8s.io",
                        List.of("networkpolicies"),
                        "get",
                        "list",
                        "watch",
                        "create",
                        "update",
                        "delete"),
                // in each consumer namespace, the binding that lets the forwarders read its pods
                rule(
                        "rbac.authorization.k8s.io",
                        List.of("rolebindings"),
                        "get",
                        "list",
                        "watch",
                        "create",
                        "update",
                        "delete"),
                new PolicyRuleBuilder()
                        .withApiGroups("rbac.authorization.k8s.io")
                        .withResources("clusterroles")
                        .withResourceNames(forwarderPodReader)
                        .withVerbs("bind")
                        .build(),
                // namespace labels (selector principals), one forwarder per consumer namespace; node zones
                rule("", List.of("namespaces", "nodes"), "get", "list", "watch"),
                rule("", List.of("events"), "create", "patch"),
                // across clusters, provider side: a peer's endpoints recorded in its namespace pl-peer-<peer>
                rule("privatelink.dev", List.of("interfaceendpoints"), "create", "update", "patch", "delete"),
                rule("", List.of("namespaces"), "create"));
    }

    /** In the operator's own namespace only: forwarders, their routes, pods and identities, the Lease. */
    static final List<PolicyRule> OPERATOR_NAMESPACE = List.of(
            rule("", List.of("pods"), "get", "list", "watch"),
            rule("", List.of("configmaps"), "get", "list", "watch", "create", "update", "delete"),
            rule("apps", List.of("deployments"), "get", "list", "watch", "create", "update", "delete"),
            // each forwarder's disruption budget (SEC-18)
            rule("policy", List.of("poddisruptionbudgets"), "get", "list", "watch", "create", "update", "delete"),
            // each forwarder's own ServiceAccount and the Role that reads its one ConfigMap (SEC-13)
            rule("", List.of("serviceaccounts"), "get", "list", "watch", "create", "update", "delete"),
            rule("rbac.authorization.k8s.io", List.of("roles"), "get", "list", "watch", "create", "update", "delete"),
            // peering tokens; the CA and the gateway's and forwarders' certificates (read by name only)
            rule("", List.of("secrets"), "get", "create", "update"),
            rule("coordination.k8s.io", List.of("leases"), "create"),
            new PolicyRuleBuilder()
                    .withApiGroups("coordination.k8s.io")
                    .withResources("leases")
                    .withResourceNames(LEASE)
                    .withVerbs("get", "update")
                    .build());

    /** Bound in each consumer namespace only: a forwarder admits connections from its pods alone. */
    static final List<PolicyRule> FORWARDER_POD_READER_RULES =
            List.of(rule("", List.of("pods"), "get", "list", "watch"));

    /**
     * What an owner may grant the operator in its own namespace (a RoleBinding to the chart's
     * {@code <release>-notification-secret-reader}): the Secret of its notification header. Never
     * bound by the chart.
     */
    static final List<PolicyRule> NOTIFICATION_SECRET_READER_RULES = List.of(rule("", List.of("secrets"), "get"));

    private LeastPrivilege() {}

    static PolicyRule rule(String group, List<String> resources, String... verbs) {
        return new PolicyRuleBuilder()
                .withApiGroups(group)
                .withResources(resources)
                .withVerbs(verbs)
                .build();
    }

    /** Every single permission the rules grant, as "verb group/resource" or "verb group/resource/name". */
    static SortedSet<String> permissions(List<PolicyRule> rules) {
        SortedSet<String> permissions = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String url : rule.getNonResourceURLs()) {
                rule.getVerbs().forEach(verb -> permissions.add(verb + " " + url));
            }
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        String target = (group.isEmpty() ? "core" : group) + "/" + resource;
                        List<String> names = rule.getResourceNames();
                        if (names == null || names.isEmpty()) {
                            permissions.add(verb + " " + target);
                        } else {
                            names.forEach(name -> permissions.add(verb + " " + target + "/" + name));
                        }
                    }
                }
            }
        }
        return permissions;
    }
}
