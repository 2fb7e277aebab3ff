package dev.privatelink.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelException;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.parser.CelStandardMacro;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SEC-07: the chart's ValidatingAdmissionPolicies, their CEL run with a real CEL runtime the way
 * the API server runs them (match conditions first, then every validation; {@code object} is
 * null on DELETE, {@code oldObject} on CREATE), for requests that must pass and requests that
 * must be refused. config/admission-policy holds the same objects.
 */
class AdmissionPoliciesTest {

    static final String NAMESPACE = HelmChartTest.NAMESPACE;
    static final String OPERATOR = "system:serviceaccount:" + NAMESPACE + ":" + HelmChartTest.OPERATOR;
    static final String TENANT = "alice@example.com";
    static final String WRITES = "kube-privatelink-operator-writes";
    static final String SLICES = "kube-privatelink-endpointslice-ownership";
    static final String PEERS = "kube-privatelink-peer-records";

    static final Map<String, String> OURS = Map.of("app.kubernetes.io/managed-by", "kube-privatelink");
    static final Map<String, String> OUR_SLICE = Map.of(
            "app.kubernetes.io/managed-by", "kube-privatelink",
            "endpointslice.kubernetes.io/managed-by", "privatelink.dev/operator",
            "kubernetes.io/service-name", "api");
    static final Map<String, String> KUBE_DNS_SLICE = Map.of(
            "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io",
            "kubernetes.io/service-name", "kube-dns");

    static final Cel CEL = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("object", SimpleType.DYN)
            .addVar("oldObject", SimpleType.DYN)
            .addVar("request", SimpleType.DYN)
            .build();

    static Manifests chart;

    @BeforeAll
    static void render() {
        chart = HelmChartTest.template(HelmChartTest.RELEASE, NAMESPACE, "--set", "admissionPolicy.enabled=true");
    }

    @Test
    void theOperatorWritesItsOwnObjectsInTenantNamespaces() throws CelException {
        for (String kind : List.of("services", "endpointslices")) {
            assertThat(admit(WRITES, OPERATOR, "CREATE", kind, "shop", object(OURS), null))
                    .isEmpty();
            assertThat(admit(WRITES, OPERATOR, "UPDATE", kind, "shop", object(OURS), object(OURS)))
                    .isEmpty();
            assertThat(admit(WRITES, OPERATOR, "DELETE", kind, "shop", null, object(OURS)))
                    .isEmpty();
        }
    }

    @Test
    void theOperatorCannotTouchWhatIsNotItsOwnNorWriteInKubeSystem() throws CelException {
        // a slice that hijacks cluster DNS, written with a stolen operator token
        assertThat(admit(WRITES, OPERATOR, "CREATE", "endpointslices", "kube-system", object(OUR_SLICE), null))
                .hasValueSatisfying(m -> assertThat(m).contains("tenants' namespaces only"));
        assertThat(admit(WRITES, OPERATOR, "CREATE", "services", NAMESPACE, object(OURS), null))
                .isPresent();
        assertThat(admit(WRITES, OPERATOR, "CREATE", "endpointslices", "shop", object(KUBE_DNS_SLICE), null))
                .hasValueSatisfying(m -> assertThat(m).contains("writes only objects labelled"));
        assertThat(admit(WRITES, OPERATOR, "CREATE", "services", "shop", object(null), null))
                .isPresent();
        // adopting a tenant's Service by labelling it
        assertThat(admit(WRITES, OPERATOR, "UPDATE", "services", "payments", object(OURS), object(Map.of())))
                .hasValueSatisfying(m -> assertThat(m).contains("changes or deletes only"));
        assertThat(admit(WRITES, OPERATOR, "DELETE", "services", "payments", null, object(null)))
                .isPresent();
    }

    @Test
    void theOperatorPolicyLeavesEveryoneElseAlone() throws CelException {
        assertThat(admit(WRITES, TENANT, "CREATE", "services", "kube-system", object(null), null))
                .isEmpty();
    }

    @Test
    void nobodyElseForgesOrRelabelsTheOperatorsSlices() throws CelException {
        assertThat(admit(SLICES, TENANT, "CREATE", "endpointslices", "shop", object(OUR_SLICE), null))
                .hasValueSatisfying(m -> assertThat(m).contains("only kube-privatelink's operator writes"));
        assertThat(admit(SLICES, TENANT, "UPDATE", "endpointslices", "shop", object(OUR_SLICE), object(OUR_SLICE)))
                .isPresent();
        assertThat(admit(SLICES, TENANT, "UPDATE", "endpointslices", "shop", object(Map.of()), object(OUR_SLICE)))
                .hasValueSatisfying(m -> assertThat(m).contains("changes EndpointSlices"));
        // slices of others (the endpointslice controller's, a tenant's own) pass
        assertThat(admit(SLICES, TENANT, "CREATE", "endpointslices", "shop", object(null), null))
                .isEmpty();
        assertThat(admit(
                        SLICES,
                        "system:serviceaccount:kube-system:endpointslice-controller",
                        "UPDATE",
                        "endpointslices",
                        "kube-system",
                        object(KUBE_DNS_SLICE),
                        object(KUBE_DNS_SLICE)))
                .isEmpty();
        // the operator and the garbage collector (orphaning removes owner references) may
        assertThat(admit(SLICES, OPERATOR, "CREATE", "endpointslices", "shop", object(OUR_SLICE), null))
                .isEmpty();
        assertThat(admit(
                        SLICES,
                        "system:serviceaccount:kube-system:generic-garbage-collector",
                        "UPDATE",
                        "endpointslices",
                        "shop",
                        object(OUR_SLICE),
                        object(OUR_SLICE)))
                .isEmpty();
    }

    @Test
    void onlyTheOperatorWritesInAPeersNamespace() throws CelException {
        Map<String, Object> record = object(Map.of("privatelink.dev/peer", "shop-eu"));
        assertThat(admit(PEERS, TENANT, "CREATE", "interfaceendpoints", "pl-peer-shop-eu", record, null))
                .hasValueSatisfying(m -> assertThat(m).contains("only kube-privatelink's operator"));
        assertThat(admit(PEERS, TENANT, "UPDATE", "interfaceendpoints", "pl-peer-shop-eu", record, record))
                .isPresent();
        assertThat(admit(PEERS, TENANT, "CREATE", "namespaces", "", named("pl-peer-shop-eu"), null))
                .isPresent();
        assertThat(admit(PEERS, TENANT, "CREATE", "namespaces", "pl-peer-shop-eu", named("pl-peer-shop-eu"), null))
                .isPresent();
        assertThat(admit(PEERS, OPERATOR, "CREATE", "interfaceendpoints", "pl-peer-shop-eu", record, null))
                .isEmpty();
        assertThat(admit(PEERS, OPERATOR, "CREATE", "namespaces", "", named("pl-peer-shop-eu"), null))
                .isEmpty();
        // everyone else's endpoints and namespaces, and deletions, are not this policy's business
        assertThat(admit(PEERS, TENANT, "CREATE", "interfaceendpoints", "shop", named("pl-peer-x"), null))
                .isEmpty();
        assertThat(admit(PEERS, TENANT, "CREATE", "namespaces", "", named("shop"), null))
                .isEmpty();
        assertThat(admit(PEERS, TENANT, "DELETE", "interfaceendpoints", "pl-peer-shop-eu", null, record))
                .isEmpty();
    }

    static Map<String, Object> named(String name) {
        return Map.of("metadata", Map.of("name", name));
    }

    @Test
    void policiesAreBoundToDenyAndMatchTheWritesTheyGuard() {
        for (String name : List.of(WRITES, SLICES, PEERS)) {
            Map<String, Object> binding = tree(find(chart, "ValidatingAdmissionPolicyBinding", name));
            assertThat(binding.get("apiVersion")).isEqualTo("admissionregistration.k8s.io/v1");
            assertThat(spec(binding))
                    .containsEntry("policyName", name)
                    .containsEntry("validationActions", List.of("Deny"));
            assertThat(spec(policy(name))).containsEntry("failurePolicy", "Fail");
        }
        assertThat(rules(WRITES))
                .extracting(r -> r.get("resources"))
                .containsExactlyInAnyOrder(List.of("services"), List.of("endpointslices"));
        assertThat(rules(WRITES))
                .allSatisfy(r -> assertThat(r.get("operations")).isEqualTo(List.of("CREATE", "UPDATE", "DELETE")));
        assertThat(rules(SLICES)).singleElement().satisfies(r -> {
            assertThat(r.get("apiGroups")).isEqualTo(List.of("discovery.k8s.io"));
            assertThat(r.get("operations")).isEqualTo(List.of("CREATE", "UPDATE"));
        });
    }

    @Test
    void autoRendersThemOnlyWhereTheClusterServesTheApi() {
        assertThat(HelmChartTest.template(HelmChartTest.RELEASE, NAMESPACE).kindsAndNames())
                .as("helm template knows no cluster: like Kubernetes before 1.30")
                .noneMatch(o -> o.startsWith("ValidatingAdmissionPolicy"));
        assertThat(HelmChartTest.template(
                                HelmChartTest.RELEASE,
                                NAMESPACE,
                                "--api-versions",
                                "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy")
                        .kindsAndNames())
                .contains("ValidatingAdmissionPolicy/" + WRITES, "ValidatingAdmissionPolicyBinding/" + SLICES);
        assertThat(HelmChartTest.template(
                                HelmChartTest.RELEASE,
                                NAMESPACE,
                                "--api-versions",
                                "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy",
                                "--set",
                                "admissionPolicy.enabled=false")
                        .kindsAndNames())
                .noneMatch(o -> o.startsWith("ValidatingAdmissionPolicy"));
    }

    @Test
    void configAdmissionPolicyIsTheChartsWithThePoliciesOn() {
        Manifests kustomize = KustomizeTest.kustomize("config/admission-policy");

        assertThat(kustomize.kindsAndNames())
                .containsExactlyInAnyOrderElementsOf(chart.kindsAndNames().stream()
                        .filter(o -> o.startsWith("ValidatingAdmissionPolicy"))
                        .toList());
        for (HasMetadata object : kustomize.all()) {
            assertThat(Manifests.withoutMetadata(object))
                    .as(Manifests.kindAndName(object))
                    .isEqualTo(Manifests.withoutMetadata(
                            find(chart, object.getKind(), object.getMetadata().getName())));
        }
    }

    // --- the API server's evaluation, as far as these policies use it ---

    /** The message of the first failed validation, or empty when the request is admitted. */
    static Optional<String> admit(
            String policy,
            String user,
            String operation,
            String resource,
            String namespace,
            Map<String, Object> object,
            Map<String, Object> oldObject)
            throws CelException {
        Map<String, Object> spec = spec(policy(policy));
        boolean matched = rules(policy).stream()
                .anyMatch(r -> ((List<?>) r.get("resources")).contains(resource)
                        && ((List<?>) r.get("operations")).contains(operation));
        if (!matched) {
            return Optional.empty();
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("object", object == null ? NullValue.NULL_VALUE : object);
        vars.put("oldObject", oldObject == null ? NullValue.NULL_VALUE : oldObject);
        vars.put(
                "request",
                Map.of(
                        "operation", operation,
                        "namespace", namespace,
                        "userInfo", Map.of("username", user)));
        for (Map<String, Object> condition : list(spec.get("matchConditions"))) {
            if (!holds((String) condition.get("expression"), vars)) {
                return Optional.empty();
            }
        }
        for (Map<String, Object> validation : list(spec.get("validations"))) {
            if (!holds((String) validation.get("expression"), vars)) {
                return Optional.of((String) validation.get("message"));
            }
        }
        return Optional.empty();
    }

    static boolean holds(String expression, Map<String, Object> vars) throws CelException {
        Object result = CEL.createProgram(CEL.compile(expression).getAst()).eval(vars);
        assertThat(result).as(expression).isInstanceOf(Boolean.class);
        return (Boolean) result;
    }

    static Map<String, Object> object(Map<String, String> labels) {
        Map<String, Object> metadata = new HashMap<>(Map.of("name", "api"));
        if (labels != null) {
            metadata.put("labels", labels);
        }
        return Map.of("metadata", metadata);
    }

    static Map<String, Object> policy(String name) {
        Map<String, Object> policy = tree(find(chart, "ValidatingAdmissionPolicy", name));
        assertThat(policy.get("apiVersion")).isEqualTo("admissionregistration.k8s.io/v1");
        return policy;
    }

    static List<Map<String, Object>> rules(String policy) {
        Map<String, Object> constraints = map(spec(policy(policy)).get("matchConstraints"));
        return list(constraints.get("resourceRules"));
    }

    /** The one object of a kind and name, whichever class the Fabric8 model reads it into. */
    static HasMetadata find(Manifests manifests, String kind, String name) {
        List<HasMetadata> found = manifests.all().stream()
                .filter(o ->
                        kind.equals(o.getKind()) && name.equals(o.getMetadata().getName()))
                .toList();
        assertThat(found)
                .as("%s %s among %s", kind, name, manifests.kindsAndNames())
                .hasSize(1);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> tree(HasMetadata object) {
        return Manifests.SERIALIZATION.convertValue(object, Map.class);
    }

    static Map<String, Object> spec(Map<String, Object> object) {
        return map(object.get("spec"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }
}
