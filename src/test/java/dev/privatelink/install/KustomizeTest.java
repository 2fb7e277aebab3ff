package dev.privatelink.install;

import static dev.privatelink.install.LeastPrivilege.permissions;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kustomize bases under config/, built by a real {@code kubectl kustomize}: config/default
 * holds the CRDs, the RBAC and the operator, and says the same as the Helm chart with its default
 * values, object by object.
 */
class KustomizeTest {

    static final String NAMESPACE = HelmChartTest.NAMESPACE;
    static final String OPERATOR = HelmChartTest.OPERATOR;
    static final String FORWARDER = HelmChartTest.FORWARDER;
    /** What only one of the two has: the namespace (Helm's is --create-namespace) and nothing else. */
    static final Set<String> ONLY_IN_KUSTOMIZE = Set.of("Namespace/" + NAMESPACE);

    static Manifests defaults;

    @BeforeAll
    static void build() {
        defaults = kustomize("config/default");
    }

    static Manifests kustomize(String dir) {
        return Manifests.parse(Tools.run(Tools.kubectl(), "kustomize", dir).outOrFail());
    }

    @Test
    void defaultHoldsTheCrdsTheRbacAndTheOperator() {
        assertThat(defaults.all(CustomResourceDefinition.class)
                        .map(crd -> crd.getMetadata().getName()))
                .containsExactlyInAnyOrder(
                        "endpointservices.privatelink.dev",
                        "servicepermissions.privatelink.dev",
                        "interfaceendpoints.privatelink.dev",
                        "clusterpeers.privatelink.dev");
        assertThat(defaults.get(Namespace.class, NAMESPACE).getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        assertThat(defaults.get(Deployment.class, OPERATOR).getSpec().getReplicas())
                .isEqualTo(2);
        assertThat(defaults.get(ServiceAccount.class, OPERATOR)).isNotNull();
        assertThat(defaults.kindsAndNames())
                .as("each forwarder gets its own identity from the operator (SEC-13)")
                .doesNotContain("ServiceAccount/" + FORWARDER, "Role/" + FORWARDER);
        assertThat(permissions(defaults.get(ClusterRole.class, OPERATOR).getRules()))
                .isEqualTo(permissions(LeastPrivilege.OPERATOR_CLUSTER));
        assertThat(permissions(defaults.get(Role.class, OPERATOR).getRules()))
                .isEqualTo(permissions(LeastPrivilege.OPERATOR_NAMESPACE));
    }

    /** SEC-17: as in the chart, ServicePermission write is admin's, not edit's. */
    @Test
    void servicePermissionWriteJoinsAdminOnly() {
        assertThat(defaults.get(ClusterRole.class, "kube-privatelink-servicepermission-editor")
                        .getMetadata()
                        .getLabels())
                .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-edit");
        assertThat(defaults.get(ClusterRole.class, "kube-privatelink-endpointservice-editor")
                        .getMetadata()
                        .getLabels())
                .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true");
    }

    @Test
    void everyNamespacedObjectIsInTheOperatorsNamespace() {
        assertThat(defaults.namespaced())
                .isNotEmpty()
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace())
                        .as(Manifests.kindAndName(o))
                        .isEqualTo(NAMESPACE));
    }

    @Test
    void defaultIsTheHelmChartWithDefaultValues() {
        Manifests chart = HelmChartTest.template(HelmChartTest.RELEASE, NAMESPACE);

        assertThat(defaults.kindsAndNames())
                .filteredOn(o -> !ONLY_IN_KUSTOMIZE.contains(o))
                .containsExactlyInAnyOrderElementsOf(chart.kindsAndNames());
        for (HasMetadata object : chart.all()) {
            HasMetadata same =
                    defaults.get(object.getClass(), object.getMetadata().getName());
            assertThat(Manifests.withoutMetadata(same))
                    .as("%s in config/ and in the chart", Manifests.kindAndName(object))
                    .isEqualTo(Manifests.withoutMetadata(object));
            assertThat(same.getMetadata().getNamespace())
                    .isEqualTo(object.getMetadata().getNamespace());
        }
    }

    /** The gateway is not in config/default (no port by default) and config/gateway is the chart's. */
    @Test
    void gatewayIsTheHelmChartsWithTheGatewayEnabled() {
        Manifests gateway = kustomize("config/gateway");
        Manifests chart = HelmChartTest.template(HelmChartTest.RELEASE, NAMESPACE, "--set", "gateway.enabled=true");
        List<HasMetadata> chartGateway = chart.all().stream()
                .filter(o -> "gateway".equals(o.getMetadata().getLabels().get("app.kubernetes.io/component")))
                .toList();

        assertThat(defaults.kindsAndNames()).noneMatch(o -> o.contains("gateway"));
        assertThat(chartGateway).hasSize(7);
        assertThat(gateway.kindsAndNames())
                .containsExactlyInAnyOrderElementsOf(
                        chartGateway.stream().map(Manifests::kindAndName).toList());
        for (HasMetadata object : chartGateway) {
            HasMetadata same =
                    gateway.get(object.getClass(), object.getMetadata().getName());
            assertThat(Manifests.withoutMetadata(same))
                    .as("%s in config/gateway and in the chart", Manifests.kindAndName(object))
                    .isEqualTo(Manifests.withoutMetadata(object));
            assertThat(same.getMetadata().getNamespace())
                    .isEqualTo(object.getMetadata().getNamespace());
        }
    }

    @Test
    void operatorPodTemplateOfKustomizeIsLabelledLikeHelmsForTheSelectors() {
        Deployment deployment = defaults.get(Deployment.class, OPERATOR);

        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels())
                .doesNotContainKey("app.kubernetes.io/managed-by");
    }

    @Test
    void samplesBuildToOneObjectPerKind() {
        Manifests samples = kustomize("config/samples");

        assertThat(samples.all())
                .extracting(HasMetadata::getKind)
                .containsExactlyInAnyOrder("EndpointService", "ServicePermission", "InterfaceEndpoint", "ClusterPeer");
        assertThat(samples.all()).extracting(HasMetadata::getApiVersion).containsOnly("privatelink.dev/v1alpha1");
    }
}
