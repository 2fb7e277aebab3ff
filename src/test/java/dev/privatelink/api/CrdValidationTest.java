package dev.privatelink.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.sandbox.admission.CrdSchema;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Admission of sample objects against the committed CRDs, with real evaluators (the Fabric8 mock
 * API server validates nothing): the OpenAPI schema through json-schema-validator, the
 * {@code x-kubernetes-validations} rules through CEL. Every constraint of every spec and every CEL
 * rule needs an accepted and a rejected example, or {@link #everyConstraintHasAnAcceptedExample()}
 * and {@link #everyConstraintHasARejectedExample()} fail.
 */
class CrdValidationTest {

    static final CrdSchema ENDPOINT_SERVICE = CrdSchema.load("endpointservices.privatelink.dev-v1.yml");
    static final CrdSchema SERVICE_PERMISSION = CrdSchema.load("servicepermissions.privatelink.dev-v1.yml");
    static final CrdSchema INTERFACE_ENDPOINT = CrdSchema.load("interfaceendpoints.privatelink.dev-v1.yml");
    static final CrdSchema CLUSTER_PEER = CrdSchema.load("clusterpeers.privatelink.dev-v1.yml");
    static final List<CrdSchema> CRDS = List.of(ENDPOINT_SERVICE, SERVICE_PERMISSION, INTERFACE_ENDPOINT, CLUSTER_PEER);

    static final String SERVICE_NAME = "vpce-svc-0123456789abcdef0";
    static final String OTHER_SERVICE_NAME = "vpce-svc-fedcba98765432100";
    static final String ENDPOINT_ID = "vpce-0123456789abcdef0";
    /** What the API server adds when a type, required, enum or maximum-size violation stops the CEL rules. */
    static final String NOT_CHECKED = CrdSchema.NOT_CHECKED;

    /** One object (or one update) and the violations the API server would report; none means accepted. */
    record Example(CrdSchema crd, String behaviour, String oldSpec, String spec, List<String> violations) {
        CrdSchema.Review review() {
            return oldSpec == null ? crd.create(spec) : crd.update(oldSpec, spec);
        }

        boolean accepted() {
            return violations.isEmpty();
        }

        @Override
        public String toString() {
            return crd.kind() + (accepted() ? " accepts " : " rejects ") + behaviour;
        }
    }

    static Example accepts(CrdSchema crd, String behaviour, String spec) {
        return new Example(crd, behaviour, null, spec, List.of());
    }

    static Example rejects(CrdSchema crd, String behaviour, String spec, String... violations) {
        return new Example(crd, behaviour, null, spec, List.of(violations));
    }

    static Example acceptsUpdate(CrdSchema crd, String behaviour, String oldSpec, String spec) {
        return new Example(crd, behaviour, oldSpec, spec, List.of());
    }

    static Example rejectsUpdate(CrdSchema crd, String behaviour, String oldSpec, String spec, String... violations) {
        return new Example(crd, behaviour, oldSpec, spec, List.of(violations));
    }

    static Stream<Example> examples() {
        return Stream.of(
                        endpointServiceExamples(),
                        servicePermissionExamples(),
                        interfaceEndpointExamples(),
                        clusterPeerExamples())
                .flatMap(Stream::of);
    }

    static Example[] endpointServiceExamples() {
        CrdSchema es = ENDPOINT_SERVICE;
        return new Example[] {
            accepts(es, "one load balancer without a weight (the default weight 1 counts)", """
                    loadBalancers: [{name: blue}]
                    """),
            accepts(es, "8 load balancers with weights from 0 to 1000 and a 63-character name", """
                    loadBalancers: [{name: a, weight: 0}, {name: b, weight: 1000}, {name: c}, {name: d}, {name: e},
                                    {name: f}, {name: g}, {name: %s}]
                    """.formatted(
                            "x".repeat(63))),
            accepts(es, "64 distinct ports from 1 to 65535", """
                    loadBalancers: [{name: blue}]
                    ports: %s
                    """.formatted(ports(64, 65535))),
            accepts(es, "proxy protocol V2 and acceptance not required", """
                    loadBalancers: [{name: blue}]
                    proxyProtocol: V2
                    acceptanceRequired: false
                    """),
            accepts(es, "proxy protocol None", """
                    loadBalancers: [{name: blue}]
                    proxyProtocol: None
                    """),
            accepts(es, "network policy Enabled", """
                    loadBalancers: [{name: blue}]
                    networkPolicy: Enabled
                    """),
            accepts(es, "network policy Disabled (the owner opts out)", """
                    loadBalancers: [{name: blue}]
                    networkPolicy: Disabled
                    """),
            accepts(es, "a decision of each kind, by endpoint ID or by consumer", """
                    loadBalancers: [{name: blue}]
                    connections:
                    - {endpointId: %s, decision: Accept}
                    - {consumer: shop/web, decision: Reject}
                    - {consumer: shop/web.v2, decision: Suspend}
                    - {consumer: shop-eu/shop/web, decision: Accept}
                    - {endpointId: vpce-fedcba98765432100, decision: Terminate}
                    """.formatted(ENDPOINT_ID)),
            accepts(es, "1000 decisions", """
                    loadBalancers: [{name: blue}]
                    connections: %s
                    """.formatted(decisions(1000))),
            rejects(es, "a spec without load balancers", """
                    proxyProtocol: V2
                    """, "spec.loadBalancers: required", NOT_CHECKED),
            rejects(
                    es,
                    "an empty list of load balancers",
                    """
                    loadBalancers: []
                    """,
                    "spec.loadBalancers: minItems",
                    "spec.loadBalancers: at least one load balancer needs a weight above 0"),
            rejects(es, "9 load balancers", """
                    loadBalancers: [{name: a}, {name: b}, {name: c}, {name: d}, {name: e}, {name: f}, {name: g},
                                    {name: h}, {name: i}]
                    """, "spec.loadBalancers: maxItems", NOT_CHECKED),
            rejects(
                    es,
                    "a load balancer listed twice",
                    """
                    loadBalancers: [{name: blue}, {name: green}, {name: blue, weight: 0}]
                    """,
                    "spec.loadBalancers: each load balancer may be listed once"),
            rejects(
                    es,
                    "load balancers that all weigh 0",
                    """
                    loadBalancers: [{name: blue, weight: 0}, {name: green, weight: 0}]
                    """,
                    "spec.loadBalancers: at least one load balancer needs a weight above 0"),
            rejects(es, "a load balancer without a name", """
                    loadBalancers: [{weight: 1}]
                    """, "spec.loadBalancers[0].name: required", NOT_CHECKED),
            rejects(
                    es,
                    "a load balancer with an empty name",
                    """
                    loadBalancers: [{name: ""}]
                    """,
                    "spec.loadBalancers[0].name: minLength",
                    "spec.loadBalancers[0].name: pattern"),
            rejects(
                    es,
                    "a load balancer name of 64 characters",
                    """
                    loadBalancers: [{name: %s}]
                    """.formatted("x".repeat(64)),
                    "spec.loadBalancers[0].name: maxLength",
                    NOT_CHECKED),
            rejects(
                    es,
                    "a load balancer name that starts with a digit (not a Service name)",
                    """
                    loadBalancers: [{name: 1blue}]
                    """,
                    "spec.loadBalancers[0].name: pattern"),
            rejects(es, "a weight below 0", """
                    loadBalancers: [{name: blue}, {name: green, weight: -1}]
                    """, "spec.loadBalancers[1].weight: minimum"),
            rejects(es, "a weight above 1000", """
                    loadBalancers: [{name: blue, weight: 1001}]
                    """, "spec.loadBalancers[0].weight: maximum"),
            rejects(es, "port 0", """
                    loadBalancers: [{name: blue}]
                    ports: [0]
                    """, "spec.ports[0]: minimum"),
            rejects(es, "port 65536", """
                    loadBalancers: [{name: blue}]
                    ports: [80, 65536]
                    """, "spec.ports[1]: maximum"),
            rejects(es, "65 ports", """
                    loadBalancers: [{name: blue}]
                    ports: %s
                    """.formatted(ports(65, 65535)), "spec.ports: maxItems", NOT_CHECKED),
            rejects(es, "a port listed twice", """
                    loadBalancers: [{name: blue}]
                    ports: [80, 443, 80]
                    """, "spec.ports: each port may be listed once"),
            rejects(es, "proxy protocol V1", """
                    loadBalancers: [{name: blue}]
                    proxyProtocol: V1
                    """, "spec.proxyProtocol: enum", NOT_CHECKED),
            rejects(
                    es,
                    "a network policy that is neither Enabled nor Disabled",
                    """
                    loadBalancers: [{name: blue}]
                    networkPolicy: "Off"
                    """,
                    "spec.networkPolicy: enum",
                    NOT_CHECKED),
            rejects(es, "1001 decisions", """
                    loadBalancers: [{name: blue}]
                    connections: %s
                    """.formatted(decisions(1001)), "spec.connections: maxItems", NOT_CHECKED),
            rejects(es, "a decision without a decision", """
                    loadBalancers: [{name: blue}]
                    connections: [{consumer: shop/web}]
                    """, "spec.connections[0].decision: required", NOT_CHECKED),
            rejects(
                    es,
                    "a decision that is not Accept, Reject, Suspend or Terminate",
                    """
                    loadBalancers: [{name: blue}]
                    connections: [{consumer: shop/web, decision: Approve}]
                    """,
                    "spec.connections[0].decision: enum",
                    NOT_CHECKED),
            rejects(es, "an endpoint ID with upper-case hex digits", """
                    loadBalancers: [{name: blue}]
                    connections: [{endpointId: vpce-0123456789ABCDEF0, decision: Accept}]
                    """, "spec.connections[0].endpointId: pattern"),
            rejects(
                    es,
                    "a service name in place of an endpoint ID",
                    """
                    loadBalancers: [{name: blue}]
                    connections: [{endpointId: %s, decision: Accept}]
                    """.formatted(SERVICE_NAME),
                    "spec.connections[0].endpointId: pattern"),
            accepts(es, "a notification target", """
                    loadBalancers: [{name: blue}]
                    notification: {url: "https://hooks.payments.example/privatelink?team=api"}
                    """),
            rejects(es, "a notification target that is not an HTTP URL", """
                    loadBalancers: [{name: blue}]
                    notification: {url: "ftp://hooks.payments.example/x"}
                    """, "spec.notification.url: pattern"),
            rejects(
                    es,
                    "a notification URL of more than 2048 characters",
                    """
                    loadBalancers: [{name: blue}]
                    notification: {url: "https://h/%s"}
                    """.formatted("a".repeat(2048)),
                    "spec.notification.url: maxLength",
                    NOT_CHECKED),
            accepts(es, "a notification target with a secret header", """
                    loadBalancers: [{name: blue}]
                    notification:
                      url: "https://hooks.payments.example/privatelink"
                      secretHeader: {name: hook-token, key: token, header: X-Hook-Token}
                    """),
            rejects(es, "a secret header naming no valid Secret", """
                    loadBalancers: [{name: blue}]
                    notification:
                      url: "https://hooks.payments.example/privatelink"
                      secretHeader: {name: Hook_Token, key: token, header: X-Hook-Token}
                    """, "spec.notification.secretHeader.name: pattern"),
            rejects(
                    es,
                    "a secret header's Secret name of more than 253 characters",
                    """
                    loadBalancers: [{name: blue}]
                    notification:
                      url: "https://hooks.payments.example/privatelink"
                      secretHeader: {name: %s, key: token, header: X-Hook-Token}
                    """.formatted("a".repeat(254)),
                    "spec.notification.secretHeader.name: maxLength",
                    NOT_CHECKED),
            rejects(es, "a secret header with an invalid key", """
                    loadBalancers: [{name: blue}]
                    notification:
                      url: "https://hooks.payments.example/privatelink"
                      secretHeader: {name: hook-token, key: "a/b", header: X-Hook-Token}
                    """, "spec.notification.secretHeader.key: pattern"),
            rejects(
                    es,
                    "a secret header's key of more than 253 characters",
                    """
                    loadBalancers: [{name: blue}]
                    notification:
                      url: "https://hooks.payments.example/privatelink"
                      secretHeader: {name: hook-token, key: %s, header: X-Hook-Token}
                    """.formatted("k".repeat(254)),
                    "spec.notification.secretHeader.key: maxLength",
                    NOT_CHECKED),
            rejects(es, "a header name that is no HTTP token", """
                    loadBalancers: [{name: blue}]
                    notification:
                      url: "https://hooks.payments.example/privatelink"
                      secretHeader: {name: hook-token, key: token, header: "X Hook: Token"}
                    """, "spec.notification.secretHeader.header: pattern"),
            rejects(
                    es,
                    "a header name of more than 128 characters",
                    """
                    loadBalancers: [{name: blue}]
                    notification:
                      url: "https://hooks.payments.example/privatelink"
                      secretHeader: {name: hook-token, key: token, header: %s}
                    """.formatted("X".repeat(129)),
                    "spec.notification.secretHeader.header: maxLength",
                    NOT_CHECKED),
            rejects(
                    es,
                    "a secret header without its Secret",
                    """
                    loadBalancers: [{name: blue}]
                    notification:
                      url: "https://hooks.payments.example/privatelink"
                      secretHeader: {key: token, header: X-Hook-Token}
                    """,
                    "spec.notification.secretHeader.name: required",
                    NOT_CHECKED),
            rejects(
                    es,
                    "a secret header without its key",
                    """
                    loadBalancers: [{name: blue}]
                    notification:
                      url: "https://hooks.payments.example/privatelink"
                      secretHeader: {name: hook-token, header: X-Hook-Token}
                    """,
                    "spec.notification.secretHeader.key: required",
                    NOT_CHECKED),
            rejects(
                    es,
                    "a secret header without its header name",
                    """
                    loadBalancers: [{name: blue}]
                    notification:
                      url: "https://hooks.payments.example/privatelink"
                      secretHeader: {name: hook-token, key: token}
                    """,
                    "spec.notification.secretHeader.header: required",
                    NOT_CHECKED),
            rejects(es, "a notification target without a URL", """
                    loadBalancers: [{name: blue}]
                    notification: {}
                    """, "spec.notification.url: required", NOT_CHECKED),
            rejects(es, "a consumer without its namespace", """
                    loadBalancers: [{name: blue}]
                    connections: [{consumer: web, decision: Accept}]
                    """, "spec.connections[0].consumer: pattern"),
            rejects(
                    es,
                    "a decision by both endpoint ID and consumer",
                    """
                    loadBalancers: [{name: blue}]
                    connections: [{endpointId: %s, consumer: shop/web, decision: Accept}]
                    """.formatted(ENDPOINT_ID),
                    "spec.connections[0]: set exactly one of endpointId and consumer"),
            rejects(
                    es,
                    "a decision by neither endpoint ID nor consumer",
                    """
                    loadBalancers: [{name: blue}]
                    connections: [{consumer: shop/web, decision: Accept}, {decision: Reject}]
                    """,
                    "spec.connections[1]: set exactly one of endpointId and consumer"),
        };
    }

    static Example[] servicePermissionExamples() {
        CrdSchema sp = SERVICE_PERMISSION;
        return new Example[] {
            accepts(
                    sp,
                    "a principal by namespace name (the reserved word namespace reaches CEL as __namespace__)",
                    """
                    endpointService: payments-api
                    principals: [{namespace: shop}]
                    """),
            accepts(sp, "every namespace (*) and a namespace selector, with auto-accept", """
                    endpointService: payments.api
                    principals:
                    - {namespace: "*"}
                    - namespaceSelector: {matchLabels: {team: shop}, matchExpressions: [{key: tier, operator: Exists}]}
                    autoAccept: true
                    """),
            accepts(sp, "100 principals and an endpoint service name of 253 characters", """
                    endpointService: %s
                    principals: %s
                    """.formatted(
                            "x".repeat(253), principals(100))),
            rejects(sp, "a permission without an endpoint service", """
                    principals: [{namespace: shop}]
                    """, "spec.endpointService: required", NOT_CHECKED),
            rejects(sp, "a permission without principals", """
                    endpointService: payments
                    """, "spec.principals: required", NOT_CHECKED),
            rejects(
                    sp,
                    "an empty endpoint service name",
                    """
                    endpointService: ""
                    principals: [{namespace: shop}]
                    """,
                    "spec.endpointService: minLength",
                    "spec.endpointService: pattern"),
            rejects(
                    sp,
                    "an endpoint service name of 254 characters",
                    """
                    endpointService: %s
                    principals: [{namespace: shop}]
                    """.formatted("x".repeat(254)),
                    "spec.endpointService: maxLength",
                    NOT_CHECKED),
            rejects(sp, "an endpoint service name with upper-case letters", """
                    endpointService: Payments
                    principals: [{namespace: shop}]
                    """, "spec.endpointService: pattern"),
            rejects(sp, "an empty list of principals", """
                    endpointService: payments
                    principals: []
                    """, "spec.principals: minItems"),
            rejects(sp, "101 principals", """
                    endpointService: payments
                    principals: %s
                    """.formatted(principals(101)), "spec.principals: maxItems", NOT_CHECKED),
            rejects(sp, "a namespace name with a wildcard suffix", """
                    endpointService: payments
                    principals: [{namespace: "shop-*"}]
                    """, "spec.principals[0].namespace: pattern"),
            rejects(
                    sp,
                    "a principal with both a namespace and a namespace selector",
                    """
                    endpointService: payments
                    principals: [{namespace: shop, namespaceSelector: {matchLabels: {team: shop}}}]
                    """,
                    "spec.principals[0]: set exactly one of namespace or namespaceSelector (with a cluster or clusterSelector, at most one)"),
            accepts(sp, "a selector with In and NotIn values at their size limits", """
                    endpointService: payments
                    principals:
                    - namespaceSelector:
                        matchExpressions:
                        - {key: env, operator: In, values: %s}
                        - {key: tier, operator: NotIn, values: ["%s"]}
                    """.formatted(
                            values(64), "v".repeat(63))),
            rejects(
                    sp,
                    "a selector expression without an operator",
                    """
                    endpointService: payments
                    principals: [{namespaceSelector: {matchExpressions: [{key: env, values: [prod]}]}}]
                    """,
                    "spec.principals[0].namespaceSelector.matchExpressions[0].operator: required",
                    NOT_CHECKED),
            rejects(
                    sp,
                    "a selector expression without a key",
                    """
                    endpointService: payments
                    principals: [{namespaceSelector: {matchExpressions: [{operator: Exists}]}}]
                    """,
                    "spec.principals[0].namespaceSelector.matchExpressions[0].key: required",
                    NOT_CHECKED),
            rejects(
                    sp,
                    "a selector expression with an operator Kubernetes does not have",
                    """
                    endpointService: payments
                    principals: [{namespaceSelector: {matchExpressions: [{key: env, operator: Gt, values: ["1"]}]}}]
                    """,
                    "spec.principals[0].namespaceSelector.matchExpressions[0].operator: enum",
                    NOT_CHECKED),
            rejects(
                    sp,
                    "In without values",
                    """
                    endpointService: payments
                    principals: [{namespaceSelector: {matchExpressions: [{key: env, operator: In}]}}]
                    """,
                    "spec.principals[0].namespaceSelector.matchExpressions[0]: In and NotIn need values;"
                            + " Exists and DoesNotExist take none"),
            rejects(
                    sp,
                    "Exists with values",
                    """
                    endpointService: payments
                    principals: [{namespaceSelector: {matchExpressions: [{key: env, operator: Exists, values: [x]}]}}]
                    """,
                    "spec.principals[0].namespaceSelector.matchExpressions[0]: In and NotIn need values;"
                            + " Exists and DoesNotExist take none"),
            rejects(
                    sp,
                    "an empty selector key, a key of 318 characters and a value of 64",
                    """
                    endpointService: payments
                    principals:
                    - namespaceSelector:
                        matchExpressions:
                        - {key: "", operator: Exists}
                        - {key: "%s", operator: Exists}
                        - {key: env, operator: In, values: ["%s"]}
                    """.formatted("k".repeat(318), "v".repeat(64)),
                    "spec.principals[0].namespaceSelector.matchExpressions[0].key: minLength",
                    "spec.principals[0].namespaceSelector.matchExpressions[1].key: maxLength",
                    "spec.principals[0].namespaceSelector.matchExpressions[2].values[0]: maxLength",
                    NOT_CHECKED),
            rejects(
                    sp,
                    "17 selector expressions, 65 values and 33 labels",
                    """
                    endpointService: payments
                    principals:
                    - namespaceSelector: {matchExpressions: %s}
                    - namespaceSelector: {matchExpressions: [{key: env, operator: In, values: %s}]}
                    - namespaceSelector: {matchLabels: %s}
                    """.formatted(expressions(17), values(65), labels(33)),
                    "spec.principals[0].namespaceSelector.matchExpressions: maxItems",
                    "spec.principals[1].namespaceSelector.matchExpressions[0].values: maxItems",
                    "spec.principals[2].namespaceSelector.matchLabels: maxProperties",
                    NOT_CHECKED),
            rejects(
                    sp,
                    "an empty principal",
                    """
                    endpointService: payments
                    principals: [{namespace: shop}, {}]
                    """,
                    "spec.principals[1]: set exactly one of namespace or namespaceSelector (with a cluster or clusterSelector, at most one)"),
            accepts(sp, "principals of peer clusters: a peer, a peer's namespace, peers by label", """
                    endpointService: payments
                    principals:
                    - {cluster: shop-eu}
                    - {cluster: %s, namespace: checkout}
                    - {cluster: shop-ap, namespaceSelector: {matchLabels: {team: shop}}}
                    - {clusterSelector: {matchLabels: {region: eu}}, namespace: "*"}
                    """.formatted(
                            "c".repeat(63))),
            rejects(
                    sp,
                    "a cluster name of 64 characters",
                    """
                    endpointService: payments
                    principals: [{cluster: %s}]
                    """.formatted("c".repeat(64)),
                    "spec.principals[0].cluster: maxLength",
                    NOT_CHECKED),
            rejects(
                    sp,
                    "a cluster selector with 17 labels",
                    """
                    endpointService: payments
                    principals: [{clusterSelector: {matchLabels: %s}}]
                    """.formatted(labels(17)),
                    "spec.principals[0].clusterSelector.matchLabels: maxProperties",
                    NOT_CHECKED),
            rejects(
                    sp,
                    "a cluster selector without labels",
                    """
                    endpointService: payments
                    principals: [{clusterSelector: {matchLabels: {}}}]
                    """,
                    "spec.principals[0].clusterSelector.matchLabels: minProperties"),
            rejects(
                    sp,
                    "a principal with both a cluster and a cluster selector",
                    """
                    endpointService: payments
                    principals: [{cluster: shop-eu, clusterSelector: {matchLabels: {region: eu}}}]
                    """,
                    "spec.principals[0]: set at most one of cluster or clusterSelector"),
            rejects(
                    sp,
                    "a peer principal with both a namespace and a namespace selector",
                    """
                    endpointService: payments
                    principals: [{cluster: shop-eu, namespace: a, namespaceSelector: {matchLabels: {team: shop}}}]
                    """,
                    "spec.principals[0]: set exactly one of namespace or namespaceSelector (with a cluster or"
                            + " clusterSelector, at most one)"),
            rejects(
                    sp,
                    "ServiceAccounts on a peer principal",
                    """
                    endpointService: payments
                    principals: [{cluster: shop-eu, serviceAccounts: [checkout]}]
                    """,
                    "spec.principals[0]: serviceAccounts apply to this cluster's namespaces only: a peer's workloads"
                            + " are not visible here"),
            rejects(sp, "a cluster name that is not a DNS label", """
                    endpointService: payments
                    principals: [{cluster: Shop_EU}]
                    """, "spec.principals[0].cluster: pattern"),
            accepts(sp, "principals restricted to ServiceAccounts, 16 of them, one of 253 characters", """
                    endpointService: payments
                    principals:
                    - {namespace: "*", serviceAccounts: [checkout]}
                    - namespaceSelector: {matchLabels: {team: shop}}
                      serviceAccounts: %s
                    """.formatted(
                            serviceAccounts(15, "a.b-c".repeat(50) + "xyz"))),
            rejects(sp, "an empty list of ServiceAccounts", """
                    endpointService: payments
                    principals: [{namespace: shop, serviceAccounts: []}]
                    """, "spec.principals[0].serviceAccounts: minItems"),
            rejects(
                    sp,
                    "17 ServiceAccounts",
                    """
                    endpointService: payments
                    principals: [{namespace: shop, serviceAccounts: %s}]
                    """.formatted(serviceAccounts(17, null)),
                    "spec.principals[0].serviceAccounts: maxItems",
                    NOT_CHECKED),
            rejects(
                    sp,
                    "a ServiceAccount listed twice",
                    """
                    endpointService: payments
                    principals: [{namespace: shop, serviceAccounts: [checkout, checkout]}]
                    """,
                    "spec.principals[0].serviceAccounts: each ServiceAccount may be listed once"),
            rejects(
                    sp,
                    "a ServiceAccount name with capitals and one of 254 characters",
                    """
                    endpointService: payments
                    principals: [{namespace: shop, serviceAccounts: [Checkout, "%s"]}]
                    """.formatted("s".repeat(254)),
                    "spec.principals[0].serviceAccounts[0]: pattern",
                    "spec.principals[0].serviceAccounts[1]: maxLength",
                    NOT_CHECKED),
        };
    }

    static String values(int n) {
        return IntStream.range(0, n).mapToObj(i -> "v" + i).collect(Collectors.joining(", ", "[", "]"));
    }

    static String expressions(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> "{key: k" + i + ", operator: Exists}")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    static String labels(int n) {
        return IntStream.range(0, n).mapToObj(i -> "l" + i + ": v").collect(Collectors.joining(", ", "{", "}"));
    }

    static Example[] clusterPeerExamples() {
        CrdSchema cp = CLUSTER_PEER;
        String oneMode = "spec: set exactly one enrolment mode: invite, join or static";
        return new Example[] {
            accepts(cp, "an invite that expires after 1h30m", """
                    invite: {expiresAfter: 1h30m}
                    """),
            accepts(cp, "an invite with the default expiry, suspended", """
                    invite: {}
                    suspended: true
                    """),
            accepts(cp, "a join with the token in a Secret, key named", """
                    join: {tokenSecretRef: {name: east-invite.v2, key: invite_token-1}}
                    """),
            accepts(cp, "a join with a Secret name of 253 characters and a key of 253", """
                    join: {tokenSecretRef: {name: %s, key: %s}}
                    """.formatted(
                            "n".repeat(253), "K".repeat(253))),
            accepts(
                    cp,
                    "a static peer with 16 gateway addresses, one of 261 characters, and consumer namespaces",
                    """
                    static:
                      trustDomain: %s
                      trustBundle: "%s"
                      gatewayAddresses: %s
                    consumerNamespaces:
                      matchLabels: %s
                      matchExpressions: %s
                    """.formatted(
                                    "east.example-1_x" + "e".repeat(239),
                                    "B".repeat(65536),
                                    gatewayAddresses(15, "g".repeat(255) + ":65535"),
                                    labels(32),
                                    expressions(16))),
            accepts(cp, "consumer namespaces by 64 values and a key of 317 characters", """
                    static: {trustDomain: east, trustBundle: PEM}
                    consumerNamespaces:
                      matchExpressions: [{key: "%s", operator: NotIn, values: %s}]
                    """.formatted(
                            "k".repeat(317), values(64))),
            rejects(cp, "no enrolment mode", """
                    suspended: false
                    """, oneMode),
            rejects(cp, "an invite and a join at once", """
                    invite: {}
                    join: {tokenSecretRef: {name: east}}
                    """, oneMode),
            rejects(cp, "an expiry in days", """
                    invite: {expiresAfter: 7d}
                    """, "spec.invite.expiresAfter: pattern"),
            rejects(cp, "an expiry of 17 characters", """
                    invite: {expiresAfter: 1000000000000000h}
                    """, "spec.invite.expiresAfter: maxLength", NOT_CHECKED),
            rejects(cp, "a join without a token reference", """
                    join: {}
                    """, "spec.join.tokenSecretRef: required", NOT_CHECKED),
            rejects(
                    cp,
                    "a token reference without a name",
                    """
                    join: {tokenSecretRef: {key: token}}
                    """,
                    "spec.join.tokenSecretRef.name: required",
                    NOT_CHECKED),
            rejects(
                    cp,
                    "a Secret name and a key that are not names",
                    """
                    join: {tokenSecretRef: {name: East_Invite, key: "the token"}}
                    """,
                    "spec.join.tokenSecretRef.name: pattern",
                    "spec.join.tokenSecretRef.key: pattern"),
            rejects(
                    cp,
                    "a Secret name and a key of 254 characters",
                    """
                    join: {tokenSecretRef: {name: %s, key: %s}}
                    """.formatted("n".repeat(254), "k".repeat(254)),
                    "spec.join.tokenSecretRef.name: maxLength",
                    "spec.join.tokenSecretRef.key: maxLength",
                    NOT_CHECKED),
            rejects(
                    cp,
                    "a static peer without its trust domain and bundle",
                    """
                    static: {gatewayAddresses: ["gw.east:8443"]}
                    """,
                    "spec.static.trustDomain: required",
                    "spec.static.trustBundle: required",
                    NOT_CHECKED),
            rejects(cp, "a trust domain in capitals", """
                    static: {trustDomain: East, trustBundle: PEM}
                    """, "spec.static.trustDomain: pattern"),
            rejects(
                    cp,
                    "a trust domain of 256 characters, a bundle over 64 KiB, 17 gateway addresses, one of 262",
                    """
                    static:
                      trustDomain: %s
                      trustBundle: "%s"
                      gatewayAddresses: %s
                    """.formatted("e".repeat(256), "B".repeat(65537), gatewayAddresses(16, "g".repeat(262))),
                    "spec.static.trustDomain: maxLength",
                    "spec.static.trustBundle: maxLength",
                    "spec.static.gatewayAddresses: maxItems",
                    "spec.static.gatewayAddresses[16]: maxLength",
                    NOT_CHECKED),
            rejects(
                    cp,
                    "consumer namespaces by an empty key, a key of 318, a value of 64, an unknown operator",
                    """
                    static: {trustDomain: east, trustBundle: PEM}
                    consumerNamespaces:
                      matchExpressions:
                      - {key: "", operator: Exists}
                      - {key: "%s", operator: Exists}
                      - {key: env, operator: In, values: ["%s"]}
                      - {key: env, operator: Gt, values: ["1"]}
                      - {operator: Exists}
                      - {key: env}
                    """.formatted("k".repeat(318), "v".repeat(64)),
                    "spec.consumerNamespaces.matchExpressions[0].key: minLength",
                    "spec.consumerNamespaces.matchExpressions[1].key: maxLength",
                    "spec.consumerNamespaces.matchExpressions[2].values[0]: maxLength",
                    "spec.consumerNamespaces.matchExpressions[3].operator: enum",
                    "spec.consumerNamespaces.matchExpressions[4].key: required",
                    "spec.consumerNamespaces.matchExpressions[5].operator: required",
                    NOT_CHECKED),
            rejects(
                    cp,
                    "In without values and Exists with some",
                    """
                    static: {trustDomain: east, trustBundle: PEM}
                    consumerNamespaces:
                      matchExpressions: [{key: env, operator: In}, {key: env, operator: Exists, values: [x]}]
                    """,
                    "spec.consumerNamespaces.matchExpressions[0]: In and NotIn need values; Exists and DoesNotExist"
                            + " take none",
                    "spec.consumerNamespaces.matchExpressions[1]: In and NotIn need values; Exists and DoesNotExist"
                            + " take none"),
            rejects(
                    cp,
                    "17 expressions, 65 values and 33 labels",
                    """
                    static: {trustDomain: east, trustBundle: PEM}
                    consumerNamespaces:
                      matchExpressions: %s
                      matchLabels: %s
                    """.formatted(
                            expressions(16).replace("]", ", {key: env, operator: In, values: " + values(65) + "}]"),
                            labels(33)),
                    "spec.consumerNamespaces.matchExpressions: maxItems",
                    "spec.consumerNamespaces.matchExpressions[16].values: maxItems",
                    "spec.consumerNamespaces.matchLabels: maxProperties",
                    NOT_CHECKED),
        };
    }

    /** {@code n} gateway addresses, then {@code last}. */
    static String gatewayAddresses(int n, String last) {
        return IntStream.range(0, n)
                        .mapToObj(i -> "\"gw-" + i + ".east.example:8443\"")
                        .collect(Collectors.joining(", ", "[", ", "))
                + "\"" + last + "\"]";
    }

    static Example[] interfaceEndpointExamples() {
        CrdSchema ie = INTERFACE_ENDPOINT;
        String immutable = "spec.serviceName: serviceName is immutable: delete and recreate the endpoint to connect"
                + " elsewhere";
        return new Example[] {
            accepts(ie, "a service name alone", """
                    serviceName: %s
                    """.formatted(SERVICE_NAME)),
            accepts(ie, "64 distinct ports from 1 to 65535 and 16 zones, one of 63 characters", """
                    serviceName: %s
                    ports: %s
                    zones: [eu-west-1a, zone_b.2, c, d, e, f, g, h, i, j, k, l, m, n, o, %s]
                    """.formatted(
                            SERVICE_NAME, ports(64, 65535), "Z".repeat(63))),
            acceptsUpdate(
                    ie,
                    "an update that keeps the service name and changes the ports",
                    """
                    serviceName: %s
                    ports: [80]
                    """.formatted(SERVICE_NAME),
                    """
                    serviceName: %s
                    ports: [443]
                    """.formatted(SERVICE_NAME)),
            acceptsUpdate(ie, "an update that keeps the service cluster", """
                    serviceName: %s
                    serviceCluster: payments-eu
                    ports: [80]
                    """.formatted(SERVICE_NAME), """
                    serviceName: %s
                    serviceCluster: payments-eu
                    ports: [443]
                    """.formatted(
                            SERVICE_NAME)),
            rejects(
                    ie,
                    "a service cluster of 64 characters",
                    """
                    serviceName: %s
                    serviceCluster: %s
                    """.formatted(SERVICE_NAME, "c".repeat(64)),
                    "spec.serviceCluster: maxLength",
                    NOT_CHECKED),
            accepts(ie, "a service of a peer cluster", """
                    serviceName: %s
                    serviceCluster: payments-eu
                    """.formatted(SERVICE_NAME)),
            rejects(
                    ie,
                    "a service cluster that is not a DNS label",
                    """
                    serviceName: %s
                    serviceCluster: payments.eu
                    """.formatted(SERVICE_NAME),
                    "spec.serviceCluster: pattern"),
            rejectsUpdate(
                    ie,
                    "an update that changes the service cluster",
                    """
                    serviceName: %s
                    serviceCluster: payments-eu
                    """.formatted(SERVICE_NAME),
                    """
                    serviceName: %s
                    serviceCluster: payments-us
                    """.formatted(SERVICE_NAME),
                    "spec.serviceCluster: serviceCluster is immutable: delete and recreate the endpoint to connect"
                            + " elsewhere"),
            rejectsUpdate(
                    ie,
                    "an update that moves an endpoint to a peer cluster",
                    """
                    serviceName: %s
                    """.formatted(SERVICE_NAME),
                    """
                    serviceName: %s
                    serviceCluster: payments-eu
                    """.formatted(SERVICE_NAME),
                    "spec: serviceCluster is immutable: delete and recreate the endpoint to connect elsewhere"),
            rejects(ie, "an endpoint without a service name", """
                    ports: [443]
                    """, "spec.serviceName: required", NOT_CHECKED),
            rejects(ie, "a service name with 16 hex digits", """
                    serviceName: vpce-svc-0123456789abcdef
                    """, "spec.serviceName: pattern"),
            rejects(
                    ie,
                    "an endpoint ID in place of a service name",
                    """
                    serviceName: %s
                    """.formatted(ENDPOINT_ID),
                    "spec.serviceName: pattern"),
            rejectsUpdate(
                    ie,
                    "an update that changes the service name",
                    """
                    serviceName: %s
                    """.formatted(SERVICE_NAME),
                    """
                    serviceName: %s
                    """.formatted(OTHER_SERVICE_NAME),
                    immutable),
            rejects(ie, "port 0", """
                    serviceName: %s
                    ports: [0]
                    """.formatted(SERVICE_NAME), "spec.ports[0]: minimum"),
            rejects(ie, "port 65536", """
                    serviceName: %s
                    ports: [65536]
                    """.formatted(SERVICE_NAME), "spec.ports[0]: maximum"),
            rejects(ie, "65 ports", """
                    serviceName: %s
                    ports: %s
                    """.formatted(SERVICE_NAME, ports(65, 65535)), "spec.ports: maxItems", NOT_CHECKED),
            rejects(ie, "a port listed twice", """
                    serviceName: %s
                    ports: [443, 443]
                    """.formatted(SERVICE_NAME), "spec.ports: each port may be listed once"),
            rejects(ie, "17 zones", """
                    serviceName: %s
                    zones: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q]
                    """.formatted(SERVICE_NAME), "spec.zones: maxItems", NOT_CHECKED),
            rejects(ie, "a zone that starts with a dash", """
                    serviceName: %s
                    zones: [eu-west-1a, -1b]
                    """.formatted(SERVICE_NAME), "spec.zones[1]: pattern"),
            accepts(
                    ie,
                    "an endpoint policy with 8 labels, 4 expressions, 16 values and 16 ServiceAccounts, one of 253 characters",
                    """
                    serviceName: %s
                    allowedWorkloads:
                      podSelector:
                        matchLabels: %s
                        matchExpressions:
                        - {key: tier, operator: In, values: %s}
                        - {key: canary, operator: DoesNotExist}
                        - {key: team, operator: Exists}
                        - {key: track, operator: NotIn, values: [canary]}
                      serviceAccounts: %s
                    """.formatted(
                            SERVICE_NAME, labels(8), values(16), serviceAccounts(15, "a.b-c".repeat(50) + "xyz"))),
            accepts(ie, "an endpoint policy by ServiceAccount alone", """
                    serviceName: %s
                    allowedWorkloads: {serviceAccounts: [checkout]}
                    """.formatted(SERVICE_NAME)),
            rejects(
                    ie,
                    "an empty endpoint policy",
                    """
                    serviceName: %s
                    allowedWorkloads: {}
                    """.formatted(SERVICE_NAME),
                    "spec.allowedWorkloads: name podSelector, serviceAccounts or both; omit allowedWorkloads to"
                            + " admit every pod of the namespace"),
            rejects(
                    ie,
                    "an endpoint policy with an empty list of ServiceAccounts",
                    """
                    serviceName: %s
                    allowedWorkloads: {serviceAccounts: []}
                    """.formatted(SERVICE_NAME),
                    "spec.allowedWorkloads.serviceAccounts: minItems"),
            rejects(
                    ie,
                    "an endpoint policy with 17 ServiceAccounts",
                    """
                    serviceName: %s
                    allowedWorkloads: {serviceAccounts: %s}
                    """.formatted(SERVICE_NAME, serviceAccounts(17, null)),
                    "spec.allowedWorkloads.serviceAccounts: maxItems",
                    NOT_CHECKED),
            rejects(
                    ie,
                    "an endpoint policy listing a ServiceAccount twice",
                    """
                    serviceName: %s
                    allowedWorkloads: {serviceAccounts: [checkout, checkout]}
                    """.formatted(SERVICE_NAME),
                    "spec.allowedWorkloads.serviceAccounts: each ServiceAccount may be listed once"),
            rejects(
                    ie,
                    "an endpoint policy with a ServiceAccount name of capitals and one of 254 characters",
                    """
                    serviceName: %s
                    allowedWorkloads: {serviceAccounts: [Checkout, "%s"]}
                    """.formatted(SERVICE_NAME, "s".repeat(254)),
                    "spec.allowedWorkloads.serviceAccounts[0]: pattern",
                    "spec.allowedWorkloads.serviceAccounts[1]: maxLength",
                    NOT_CHECKED),
            rejects(
                    ie,
                    "pod selector expressions without operator or key, with an unknown operator",
                    """
                    serviceName: %s
                    allowedWorkloads:
                      podSelector:
                        matchExpressions:
                        - {key: env, values: [prod]}
                        - {operator: Exists}
                        - {key: env, operator: Gt, values: ["1"]}
                    """.formatted(SERVICE_NAME),
                    "spec.allowedWorkloads.podSelector.matchExpressions[0].operator: required",
                    "spec.allowedWorkloads.podSelector.matchExpressions[1].key: required",
                    "spec.allowedWorkloads.podSelector.matchExpressions[2].operator: enum",
                    NOT_CHECKED),
            rejects(
                    ie,
                    "a pod selector with In without values",
                    """
                    serviceName: %s
                    allowedWorkloads: {podSelector: {matchExpressions: [{key: env, operator: In}]}}
                    """.formatted(SERVICE_NAME),
                    "spec.allowedWorkloads.podSelector.matchExpressions[0]: In and NotIn need values;"
                            + " Exists and DoesNotExist take none"),
            rejects(
                    ie,
                    "a pod selector with an empty key, a key of 318 characters and a value of 64",
                    """
                    serviceName: %s
                    allowedWorkloads:
                      podSelector:
                        matchExpressions:
                        - {key: "", operator: Exists}
                        - {key: "%s", operator: Exists}
                        - {key: env, operator: In, values: ["%s"]}
                    """.formatted(SERVICE_NAME, "k".repeat(318), "v".repeat(64)),
                    "spec.allowedWorkloads.podSelector.matchExpressions[0].key: minLength",
                    "spec.allowedWorkloads.podSelector.matchExpressions[1].key: maxLength",
                    "spec.allowedWorkloads.podSelector.matchExpressions[2].values[0]: maxLength",
                    NOT_CHECKED),
            rejects(
                    ie,
                    "a pod selector with 5 expressions and 9 labels",
                    """
                    serviceName: %s
                    allowedWorkloads:
                      podSelector:
                        matchExpressions: %s
                        matchLabels: %s
                    """.formatted(SERVICE_NAME, expressions(5), labels(9)),
                    "spec.allowedWorkloads.podSelector.matchExpressions: maxItems",
                    "spec.allowedWorkloads.podSelector.matchLabels: maxProperties",
                    NOT_CHECKED),
            rejects(
                    ie,
                    "a pod selector with 65 values",
                    """
                    serviceName: %s
                    allowedWorkloads: {podSelector: {matchExpressions: [{key: env, operator: In, values: %s}]}}
                    """.formatted(SERVICE_NAME, values(65)),
                    "spec.allowedWorkloads.podSelector.matchExpressions[0].values: maxItems",
                    NOT_CHECKED),
            rejects(
                    ie,
                    "a pod selector expression with 17 values",
                    """
                    serviceName: %s
                    allowedWorkloads: {podSelector: {matchExpressions: [{key: env, operator: NotIn, values: %s}]}}
                    """.formatted(SERVICE_NAME, values(17)),
                    "spec.allowedWorkloads.podSelector: a pod selector expression takes at most 16 values"),
            rejects(
                    ie,
                    "a zone of 64 characters",
                    """
                    serviceName: %s
                    zones: [%s]
                    """.formatted(SERVICE_NAME, "z".repeat(64)),
                    "spec.zones[0]: maxLength",
                    NOT_CHECKED),
        };
    }

    /** n distinct ports, the first 1 and the last {@code last}. */
    static String ports(int n, int last) {
        return IntStream.range(0, n)
                .mapToObj(i -> i == n - 1 ? last : i + 1)
                .map(String::valueOf)
                .collect(Collectors.joining(", ", "[", "]"));
    }

    static String decisions(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> "{endpointId: vpce-%017x, decision: Accept}".formatted(i))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** n distinct ServiceAccount names, and {@code last} after them if given. */
    static String serviceAccounts(int n, String last) {
        return Stream.concat(IntStream.range(0, n).mapToObj(i -> "sa-" + i), Stream.ofNullable(last))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    static String principals(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> "{namespace: ns-" + i + "}")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void admissionReportsExactlyTheExpectedViolations(Example example) {
        assertThat(example.review().messages())
                .as(example.toString())
                .containsExactlyInAnyOrderElementsOf(example.violations());
    }

    @Test
    void everyConstraintHasAnAcceptedExample() {
        Set<String> checked = new HashSet<>();
        examples()
                .filter(Example::accepted)
                .forEach(e -> checked.addAll(e.review().checked()));

        assertThat(uncovered(checked))
                .as("constraints (CRD, schema location, CEL rule) no accepted example reaches")
                .isEmpty();
    }

    @Test
    void everyConstraintHasARejectedExample() {
        Set<String> violated = new HashSet<>();
        examples()
                .filter(e -> !e.accepted())
                .forEach(e -> e.review().violations().forEach(v -> violated.add(v.constraint())));

        assertThat(uncovered(violated))
                .as("constraints (CRD, schema location, CEL rule) no rejected example breaks")
                .isEmpty();
    }

    /** The constraints of the CRDs not in {@code covered}. */
    static Set<String> uncovered(Set<String> covered) {
        Set<String> constraints =
                CRDS.stream().flatMap(crd -> crd.constraints().stream()).collect(Collectors.toCollection(TreeSet::new));
        constraints.removeAll(covered);
        return constraints;
    }
}
