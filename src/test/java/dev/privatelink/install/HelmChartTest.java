package dev.privatelink.install;

import static dev.privatelink.install.LeastPrivilege.permissions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.ConsumerNamespace;
import dev.privatelink.desired.ForwarderResources;
import dev.privatelink.desired.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Helm chart, rendered by a real {@code helm}: linted, templated with the default values and
 * with non-default ones, every object checked by kind and name; bad values fail at install
 * through values.schema.json.
 */
class HelmChartTest {

    static final String CHART = "helm/kube-privatelink";
    static final String RELEASE = "kube-privatelink";
    static final String NAMESPACE = "kube-privatelink-system";
    static final String OPERATOR = "kube-privatelink-operator";
    static final String FORWARDER = "kube-privatelink-forwarder";
    static final String CUSTOM_VALUES = "src/test/resources/install/custom-values.yaml";
    /** With a release name that does not contain the chart's, names get the chart's name too. */
    static final String CUSTOM_RELEASE = "pl";

    static final String CUSTOM_NAMESPACE = "privatelink";
    static final String CUSTOM_OPERATOR = "pl-kube-privatelink-operator";
    static final String CUSTOM_FORWARDER = "pl-kube-privatelink-forwarder";
    static final String KINDS_GROUP = "privatelink.dev";

    static Manifests defaults;
    static Manifests custom;
    static String appVersion;

    @BeforeAll
    static void render() throws IOException {
        defaults = template(RELEASE, NAMESPACE);
        custom = template(CUSTOM_RELEASE, CUSTOM_NAMESPACE, "--values", CUSTOM_VALUES);
        Map<?, ?> chart = Manifests.SERIALIZATION.unmarshal(Files.readString(Path.of(CHART, "Chart.yaml")), Map.class);
        appVersion = String.valueOf(chart.get("appVersion"));
    }

    static Manifests template(String release, String namespace, String... args) {
        return Manifests.parse(helmTemplate(release, namespace, args).outOrFail());
    }

    static Tools.Result helmTemplate(String release, String namespace, String... args) {
        String[] command = new String[args.length + 6];
        System.arraycopy(
                new String[] {"template", release, CHART, "--namespace", namespace, "--include-crds"},
                0,
                command,
                0,
                6);
        System.arraycopy(args, 0, command, 6, args.length);
        return Tools.run(Tools.helm(), command);
    }

    @Test
    void chartPassesHelmLintWithDefaultAndNonDefaultValues() {
        assertThat(Tools.run(Tools.helm(), "lint", "--strict", CHART).outOrFail())
                .contains("0 chart(s) failed");
        assertThat(Tools.run(Tools.helm(), "lint", "--strict", CHART, "--values", CUSTOM_VALUES)
                        .outOrFail())
                .contains("0 chart(s) failed");
    }

    // --- the operator Deployment ---

    @Test
    void operatorRunsTwoReplicasOfTheAppVersionImageInTheOperatorRole() {
        Deployment deployment = defaults.get(Deployment.class, OPERATOR);
        Container operator = operatorContainer(deployment);

        assertThat(deployment.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(operator.getImage()).isEqualTo("ghcr.io/kube-privatelink/kube-privatelink:" + appVersion);
        assertThat(operator.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(operator.getArgs()).containsExactly("operator");
        assertThat(operator.getPorts())
                .extracting(port -> port.getName() + "=" + port.getContainerPort())
                .containsExactly("http=8080", "peering=8444");
        assertThat(env(operator)).containsEntry("PRIVATELINK_PEERING_PORT", "8444");
        assertThat(env(operator)).containsEntry("PRIVATELINK_PEERING_GATEWAY_ADDRESSES", "");
        assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo(OPERATOR);
    }

    @Test
    void operatorPodMeetsTheRestrictedPodSecurityStandard() {
        var pod =
                defaults.get(Deployment.class, OPERATOR).getSpec().getTemplate().getSpec();
        var container =
                operatorContainer(defaults.get(Deployment.class, OPERATOR)).getSecurityContext();

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(container.getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(container.getPrivileged()).isNotEqualTo(Boolean.TRUE);
    }

    @Test
    void operatorHasAWritableTmpForNettysNativeLibraryOnAReadOnlyRoot() {
        var pod =
                defaults.get(Deployment.class, OPERATOR).getSpec().getTemplate().getSpec();

        assertThat(operatorContainer(defaults.get(Deployment.class, OPERATOR)).getVolumeMounts())
                .anySatisfy(mount -> {
                    assertThat(mount.getMountPath()).isEqualTo("/tmp");
                    assertThat(pod.getVolumes()).anySatisfy(volume -> {
                        assertThat(volume.getName()).isEqualTo(mount.getName());
                        assertThat(volume.getEmptyDir()).isNotNull();
                    });
                });
    }

    @Test
    void operatorProbesAskQuarkusHealthOnTheHttpPort() {
        Container operator = operatorContainer(defaults.get(Deployment.class, OPERATOR));

        assertHttpProbe(operator.getReadinessProbe(), "/q/health/ready");
        assertHttpProbe(operator.getLivenessProbe(), "/q/health/live");
        assertHttpProbe(operator.getStartupProbe(), "/q/health/started");
        Probe startup = operator.getStartupProbe();
        assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold())
                .as("seconds a replica has to start")
                .isGreaterThanOrEqualTo(60);
    }

    @Test
    void operatorReplicasSpreadAcrossNodesAndZones() {
        var pod =
                defaults.get(Deployment.class, OPERATOR).getSpec().getTemplate().getSpec();
        Map<String, String> selector =
                defaults.get(Deployment.class, OPERATOR).getSpec().getSelector().getMatchLabels();

        assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                .singleElement()
                .satisfies(term -> {
                    assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                    assertThat(term.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                            .isEqualTo(selector);
                });
        assertThat(pod.getTopologySpreadConstraints()).singleElement().satisfies(spread -> {
            assertThat(spread.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
            assertThat(spread.getLabelSelector().getMatchLabels()).isEqualTo(selector);
        });
    }

    /** Peers reach the operator's peering port through the gateway only: a Service for it, open to gateway pods alone. */
    @Test
    void thePeeringPortHasAServiceOpenOnlyToTheGateway() {
        Service peering = defaults.get(Service.class, OPERATOR + "-peering");
        NetworkPolicy policy = defaults.get(NetworkPolicy.class, OPERATOR + "-peering");

        assertThat(peering.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getPort()).isEqualTo(8444);
            assertThat(port.getTargetPort().getStrVal()).isEqualTo("peering");
        });
        assertThat(peering.getSpec().getSelector())
                .isEqualTo(defaults.get(Deployment.class, OPERATOR)
                        .getSpec()
                        .getSelector()
                        .getMatchLabels());
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getFrom()).singleElement().satisfies(from -> {
                assertThat(from.getNamespaceSelector()).isNull();
                assertThat(from.getPodSelector().getMatchLabels())
                        .containsEntry("app.kubernetes.io/component", "gateway");
            });
            assertThat(rule.getPorts())
                    .singleElement()
                    .satisfies(port -> assertThat(port.getPort().getStrVal()).isEqualTo("peering"));
        });
    }

    @Test
    void everyOperatorSettingIsSetThroughTheEnvironment() {
        Container operator = operatorContainer(defaults.get(Deployment.class, OPERATOR));

        assertThat(env(operator).keySet())
                .as("the PRIVATELINK_* variables of OperatorSettings")
                .containsExactlyInAnyOrderElementsOf(settingVariables(OperatorSettings.class, "PRIVATELINK"));
        assertThat(operator.getEnv())
                .filteredOn(e -> e.getName().equals("PRIVATELINK_NAMESPACE"))
                .singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                        .isEqualTo("metadata.namespace"));
        assertThat(env(operator))
                .contains(
                        entry("PRIVATELINK_ENDPOINT_QUOTA", "100"),
                        entry("PRIVATELINK_CLUSTER_DOMAIN", "cluster.local"),
                        entry("PRIVATELINK_USAGE_INTERVAL_SECONDS", "60"),
                        entry("PRIVATELINK_TRUST_DOMAIN", ""),
                        entry("PRIVATELINK_FORWARDER_IMAGE", operator.getImage()),
                        entry("PRIVATELINK_FORWARDER_REPLICAS", "2"),
                        entry("PRIVATELINK_FORWARDER_IMAGE_PULL_SECRETS", ""),
                        entry("PRIVATELINK_FORWARDER_CPU_REQUEST", "100m"),
                        entry("PRIVATELINK_FORWARDER_MEMORY_REQUEST", "128Mi"),
                        entry("PRIVATELINK_FORWARDER_MEMORY_LIMIT", "384Mi"),
                        entry("PRIVATELINK_FORWARDER_JVM_OPTIONS", ""),
                        entry("PRIVATELINK_FORWARDER_FIRST_LISTEN_PORT", "10000"),
                        entry("PRIVATELINK_FORWARDER_LAST_LISTEN_PORT", "19999"),
                        entry("PRIVATELINK_NETWORK_POLICY_API_SERVER_CIDRS", ""),
                        entry("PRIVATELINK_NETWORK_POLICY_API_SERVER_PORTS", "443,6443"),
                        entry("PRIVATELINK_NETWORK_POLICY_DNS_NAMESPACE", "kube-system"),
                        entry("PRIVATELINK_NETWORK_POLICY_DNS_POD_LABELS", "k8s-app=kube-dns"),
                        entry("PRIVATELINK_NETWORK_POLICY_DNS_PORT", "53"));
    }

    @Test
    void operatorHasResourceRequestsAndAMemoryLimit() {
        var resources =
                operatorContainer(defaults.get(Deployment.class, OPERATOR)).getResources();

        assertThat(resources.getRequests()).containsKeys("cpu", "memory");
        assertThat(resources.getLimits()).containsKey("memory");
    }

    // --- RBAC ---

    @Test
    void operatorClusterRoleGrantsExactlyWhatTheOperatorUses() {
        ClusterRole role = defaults.get(ClusterRole.class, OPERATOR);
        ClusterRoleBinding binding = defaults.get(ClusterRoleBinding.class, OPERATOR);

        assertThat(permissions(role.getRules())).isEqualTo(permissions(LeastPrivilege.OPERATOR_CLUSTER));
        assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(binding.getRoleRef().getName()).isEqualTo(OPERATOR);
        assertThat(binding.getSubjects())
                .singleElement()
                .satisfies(subject -> assertServiceAccount(subject, OPERATOR, NAMESPACE));
        assertThat(defaults.get(ServiceAccount.class, OPERATOR).getMetadata().getNamespace())
                .isEqualTo(NAMESPACE);
    }

    @Test
    void operatorRoleGrantsForwardersPodsAndTheLeaseInTheReleaseNamespaceOnly() {
        Role role = defaults.get(Role.class, OPERATOR);
        RoleBinding binding = defaults.get(RoleBinding.class, OPERATOR);

        assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(permissions(role.getRules())).isEqualTo(permissions(LeastPrivilege.OPERATOR_NAMESPACE));
        assertThat(binding.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo(OPERATOR);
        assertThat(binding.getSubjects())
                .singleElement()
                .satisfies(subject -> assertServiceAccount(subject, OPERATOR, NAMESPACE));
    }

    /**
     * SEC-13: no shared forwarder identity that reads every ConfigMap of the namespace; the
     * operator gives each forwarder its own (ForwarderObjectsTest).
     */
    @Test
    void theChartShipsNoSharedForwarderIdentity() {
        assertThat(defaults.kindsAndNames())
                .doesNotContain("ServiceAccount/" + FORWARDER, "Role/" + FORWARDER, "RoleBinding/" + FORWARDER);
        assertThat(defaults.all(Role.class))
                .extracting(r -> r.getMetadata().getName())
                .containsExactly(OPERATOR);
        assertThat(defaults.all(ClusterRoleBinding.class))
                .noneMatch(b -> b.getSubjects().stream().anyMatch(s -> FORWARDER.equals(s.getName())));
    }

    /**
     * RBAC's escalation check: the operator may create a Role, or bind one, only with permissions
     * it holds itself. The Role it creates for each forwarder (SEC-13) must stay within its own
     * Role in the release namespace, and the ClusterRole it binds in consumer namespaces within its
     * {@code bind} grant.
     */
    @Test
    void theOperatorHoldsEveryPermissionOfTheRolesItGrantsForwarders() {
        OperatorSettings settings = NetworkIsolationTest.settingsFromTheChart(defaults.get(Deployment.class, OPERATOR));
        ConsumerNamespace consumer = new ConsumerNamespace("shop", "6f1c2d3e-0000-4000-8000-00000000c0de");
        Set<String> held = permissions(defaults.get(Role.class, OPERATOR).getRules());

        Role forwarderRole = ForwarderResources.configReaderRole(consumer, settings);
        assertThat(permissions(forwarderRole.getRules()))
                .isNotEmpty()
                .allSatisfy(permission -> assertThat(
                                held.contains(permission) || held.contains(permission.replaceAll("/[^/]+$", "")))
                        .as("the operator holds %s", permission)
                        .isTrue());
        assertThat(permissions(defaults.get(ClusterRole.class, OPERATOR).getRules()))
                .contains("bind rbac.authorization.k8s.io/clusterroles/"
                        + ForwarderResources.podReaderBinding(consumer, settings)
                                .getRoleRef()
                                .getName());
    }

    @Test
    void theThreeKindsAggregateIntoKubernetesAdminEditAndViewRoles() {
        for (String kind : new String[] {"endpointservice", "servicepermission", "interfaceendpoint"}) {
            String resource = kind + "s";
            ClusterRole admin = defaults.get(ClusterRole.class, RELEASE + "-" + kind + "-admin");
            ClusterRole editor = defaults.get(ClusterRole.class, RELEASE + "-" + kind + "-editor");
            ClusterRole viewer = defaults.get(ClusterRole.class, RELEASE + "-" + kind + "-viewer");

            assertThat(admin.getMetadata().getLabels())
                    .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true");
            if (!kind.equals("servicepermission")) {
                assertThat(editor.getMetadata().getLabels())
                        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true");
            }
            assertThat(viewer.getMetadata().getLabels())
                    .containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true");
            assertThat(permissions(admin.getRules()))
                    .contains("* " + KINDS_GROUP + "/" + resource)
                    .doesNotContain("update " + KINDS_GROUP + "/" + resource + "/status");
            assertThat(permissions(editor.getRules()))
                    .contains(
                            "create " + KINDS_GROUP + "/" + resource,
                            "update " + KINDS_GROUP + "/" + resource,
                            "delete " + KINDS_GROUP + "/" + resource)
                    .doesNotContain("update " + KINDS_GROUP + "/" + resource + "/status");
            assertThat(permissions(viewer.getRules()))
                    .containsExactly(
                            "get " + KINDS_GROUP + "/" + resource, "get " + KINDS_GROUP + "/" + resource + "/status",
                            "list " + KINDS_GROUP + "/" + resource, "watch " + KINDS_GROUP + "/" + resource);
        }
    }

    /**
     * SEC-17: whom a service is published to (a ServicePermission) is admin's to say; edit keeps
     * endpoint services and their connection decisions. A value gives edit the permissions back.
     */
    @Test
    void onlyAdminWritesServicePermissionsUnlessTheValueSaysEditMayToo() {
        ClusterRole editor = defaults.get(ClusterRole.class, RELEASE + "-servicepermission-editor");
        assertThat(editor.getMetadata().getLabels())
                .as("bindable, but not part of edit")
                .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-edit");
        assertThat(defaults.all(ClusterRole.class)
                        .filter(r -> "true"
                                .equals(r.getMetadata().getLabels().get("rbac.authorization.k8s.io/aggregate-to-edit")))
                        .flatMap(r -> permissions(r.getRules()).stream()))
                .as("what edit gets")
                .contains(
                        "update " + KINDS_GROUP + "/endpointservices", "create " + KINDS_GROUP + "/interfaceendpoints")
                .doesNotContain(
                        "create " + KINDS_GROUP + "/servicepermissions",
                        "update " + KINDS_GROUP + "/servicepermissions",
                        "patch " + KINDS_GROUP + "/servicepermissions",
                        "delete " + KINDS_GROUP + "/servicepermissions");
        assertThat(defaults.get(ClusterRole.class, RELEASE + "-servicepermission-admin")
                        .getMetadata()
                        .getLabels())
                .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true");

        Manifests optedIn = template(RELEASE, NAMESPACE, "--set", "rbac.servicePermissionsForEditors=true");
        assertThat(optedIn.get(ClusterRole.class, RELEASE + "-servicepermission-editor")
                        .getMetadata()
                        .getLabels())
                .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true");
    }

    // --- NetworkPolicies ---

    @Test
    void forwarderPodsAdmitNothingThatNoPolicyAdmits() {
        NetworkPolicy deny = defaults.get(NetworkPolicy.class, FORWARDER + "-default-deny");

        assertThat(deny.getSpec().getPodSelector().getMatchLabels())
                .as("every forwarder pod the operator creates, whatever its consumer namespace")
                .isEqualTo(Labels.managed(Labels.COMPONENT_FORWARDER));
        assertThat(deny.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(deny.getSpec().getIngress()).isEmpty();
    }

    /**
     * The monitoring namespace reads both; the operator also reads the forwarders' byte counters
     * (issue 12: each connection's usage in its EndpointService's status), and only its own pods.
     */
    @Test
    void metricsOfForwardersAndOperatorAreOpenToTheMonitoringNamespaceOnly() {
        NetworkPolicy forwarders = defaults.get(NetworkPolicy.class, FORWARDER + "-metrics");
        NetworkPolicy operator = defaults.get(NetworkPolicy.class, OPERATOR + "-metrics");
        Map<String, String> operatorPods =
                defaults.get(Deployment.class, OPERATOR).getSpec().getSelector().getMatchLabels();

        assertThat(forwarders.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(Labels.managed(Labels.COMPONENT_FORWARDER));
        assertThat(operator.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(defaults.get(Deployment.class, OPERATOR)
                        .getSpec()
                        .getSelector()
                        .getMatchLabels());
        for (NetworkPolicy policy : List.of(forwarders, operator)) {
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
            assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
                assertThat(rule.getFrom().get(0)).satisfies(peer -> {
                    assertThat(peer.getNamespaceSelector().getMatchLabels())
                            .isEqualTo(Map.of(Labels.NAMESPACE_NAME, "monitoring"));
                    assertThat(peer.getPodSelector()).isNull();
                });
                if (policy == forwarders) {
                    assertThat(rule.getFrom()).hasSize(2);
                    assertThat(rule.getFrom().get(1)).satisfies(peer -> {
                        assertThat(peer.getNamespaceSelector()).isNull();
                        assertThat(peer.getPodSelector().getMatchLabels()).isEqualTo(operatorPods);
                    });
                } else {
                    assertThat(rule.getFrom()).hasSize(1);
                }
                assertThat(rule.getPorts()).singleElement().satisfies(port -> {
                    assertThat(port.getProtocol()).isEqualTo("TCP");
                    assertThat(port.getPort()).isEqualTo(new IntOrString("http"));
                });
            });
        }
        assertThat(custom.get(NetworkPolicy.class, CUSTOM_OPERATOR + "-metrics")
                        .getSpec()
                        .getIngress()
                        .get(0)
                        .getFrom()
                        .get(0)
                        .getNamespaceSelector()
                        .getMatchLabels())
                .isEqualTo(Map.of(Labels.NAMESPACE_NAME, "prometheus"));
    }

    @Test
    void theChartsNetworkPoliciesCanBeLeftOut() {
        Manifests rendered = template(RELEASE, NAMESPACE, "--set", "networkPolicy.enabled=false");

        assertThat(rendered.kindsAndNames()).noneMatch(o -> o.startsWith("NetworkPolicy/"));
        assertThat(env(operatorContainer(rendered.get(Deployment.class, OPERATOR))))
                .as("the operator's own policies keep their settings")
                .containsEntry("PRIVATELINK_NETWORK_POLICY_DNS_NAMESPACE", "kube-system");
    }

    // --- the gateway ---

    static final String GATEWAY = "kube-privatelink-gateway";
    static final String CUSTOM_GATEWAY = "pl-kube-privatelink-gateway";

    static Container gatewayContainer(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("gateway"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container named gateway"));
    }

    @Test
    void byDefaultThereIsNoGatewayAndNoPortForPeers() {
        assertThat(defaults.kindsAndNames()).noneMatch(o -> o.contains("gateway"));
        assertThat(defaults.all(Service.class))
                .noneMatch(svc -> !"ClusterIP".equals(svc.getSpec().getType()));
    }

    @Test
    void theGatewayRunsTheGatewayRoleOnTheOperatorsCertificateAndConfig() {
        Manifests gateway = template(RELEASE, NAMESPACE, "--set", "gateway.enabled=true");
        Deployment deployment = gateway.get(Deployment.class, GATEWAY);
        var pod = deployment.getSpec().getTemplate().getSpec();
        Container container = gatewayContainer(deployment);

        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(container.getImage()).isEqualTo("ghcr.io/kube-privatelink/kube-privatelink:" + appVersion);
        assertThat(container.getArgs())
                .containsExactly(
                        "gateway",
                        "--config",
                        "/etc/privatelink/gateway/gateway.json",
                        "--certificate-chain",
                        "/etc/privatelink/gateway-tls/tls.crt",
                        "--private-key",
                        "/etc/privatelink/gateway-tls/tls.key",
                        "--listen",
                        "0.0.0.0:8443",
                        "--config-map",
                        "privatelink-gateway",
                        "--namespace",
                        NAMESPACE,
                        "--peering-upstream",
                        OPERATOR + "-peering." + NAMESPACE + ".svc:8444");
        assertThat(container.getPorts())
                .extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactlyInAnyOrder("gateway:8443", "http:8080");
        assertHttpProbe(container.getReadinessProbe(), "/q/health/live");
        assertHttpProbe(container.getLivenessProbe(), "/q/health/live");
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKey("memory");
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getName().equals("config"))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.getConfigMap().getName()).isEqualTo("privatelink-gateway");
                    assertThat(v.getConfigMap().getOptional())
                            .as("the gateway starts with no peers before the operator writes its config")
                            .isTrue();
                });
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getName().equals("tls"))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.getSecret().getSecretName()).isEqualTo("privatelink-gateway-tls");
                    assertThat(v.getSecret().getOptional())
                            .as("it waits for its certificate")
                            .isNotEqualTo(Boolean.TRUE);
                });
        assertThat(container.getVolumeMounts())
                .filteredOn(m -> !m.getMountPath().equals("/tmp"))
                .extracting(m -> m.getMountPath() + ":" + m.getReadOnly())
                .containsExactlyInAnyOrder("/etc/privatelink/gateway:true", "/etc/privatelink/gateway-tls:true");
    }

    @Test
    void theGatewayPodMeetsTheRestrictedPodSecurityStandardAndReadsOnlyItsConfigMap() {
        Manifests gateway = template(RELEASE, NAMESPACE, "--set", "gateway.enabled=true");
        var pod = gateway.get(Deployment.class, GATEWAY).getSpec().getTemplate().getSpec();
        var container = gatewayContainer(gateway.get(Deployment.class, GATEWAY)).getSecurityContext();

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(container.getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pod.getServiceAccountName()).isEqualTo(GATEWAY);
        assertThat(pod.getAutomountServiceAccountToken()).isTrue();
        assertThat(gateway.get(ServiceAccount.class, GATEWAY).getAutomountServiceAccountToken())
                .isFalse();
        // one binding, to one Role that reads one ConfigMap
        assertThat(gateway.all(RoleBinding.class)
                        .filter(b -> b.getSubjects().stream()
                                .anyMatch(subject -> subject.getName().equals(GATEWAY))))
                .singleElement()
                .satisfies(b -> assertThat(b.getRoleRef().getName()).isEqualTo(GATEWAY));
        assertThat(gateway.get(Role.class, GATEWAY).getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResources()).containsExactly("configmaps");
            assertThat(rule.getResourceNames()).containsExactly("privatelink-gateway");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
        });
        assertThat(gateway.all(ClusterRoleBinding.class).flatMap(b -> b.getSubjects().stream()))
                .noneMatch(subject -> subject.getName().equals(GATEWAY));
    }

    @Test
    void theGatewaysServiceIsALoadBalancerOnPort8443WithABudgetForItsReplicas() {
        Manifests gateway = template(RELEASE, NAMESPACE, "--set", "gateway.enabled=true");
        Map<String, String> selector =
                gateway.get(Deployment.class, GATEWAY).getSpec().getSelector().getMatchLabels();

        Service service = gateway.get(Service.class, GATEWAY);
        assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(service.getSpec().getSelector()).isEqualTo(selector);
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getPort()).isEqualTo(8443);
            assertThat(port.getTargetPort()).isEqualTo(new IntOrString("gateway"));
        });
        PodDisruptionBudget budget = gateway.get(PodDisruptionBudget.class, GATEWAY);
        assertThat(budget.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
        assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(selector);
        assertThat(template(RELEASE, NAMESPACE, "--set", "gateway.enabled=true", "--set", "gateway.replicas=1")
                        .kindsAndNames())
                .doesNotContain("PodDisruptionBudget/" + GATEWAY);
    }

    @Test
    void theGatewaysPolicyAdmitsItsPortFromAnywhereAndMetricsFromMonitoringOnly() {
        Manifests gateway = template(RELEASE, NAMESPACE, "--set", "gateway.enabled=true");
        NetworkPolicy policy = gateway.get(NetworkPolicy.class, GATEWAY);

        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(gateway.get(Deployment.class, GATEWAY)
                        .getSpec()
                        .getSelector()
                        .getMatchLabels());
        assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress()).anySatisfy(rule -> {
            assertThat(rule.getFrom()).isNullOrEmpty();
            assertThat(rule.getPorts())
                    .singleElement()
                    .satisfies(p -> assertThat(p.getPort()).isEqualTo(new IntOrString("gateway")));
        });
        assertThat(policy.getSpec().getEgress())
                .hasSize(2)
                .anySatisfy(rule -> assertThat(rule.getTo()).singleElement().satisfies(peer -> {
                    assertThat(peer.getIpBlock())
                            .as("pods of the cluster, on any port")
                            .isNull();
                    assertThat(peer.getNamespaceSelector()).isNotNull();
                }))
                // the API server (its config ConfigMap's watch), on its ports only
                .anySatisfy(rule -> assertThat(rule.getPorts())
                        .extracting(p -> p.getPort().getIntVal())
                        .containsExactlyInAnyOrder(443, 6443));
    }

    @Test
    void gatewayAndTrustDomainTakeNonDefaultValues() {
        Deployment deployment = custom.get(Deployment.class, CUSTOM_GATEWAY);
        Container container = gatewayContainer(deployment);
        Service service = custom.get(Service.class, CUSTOM_GATEWAY);

        assertThat(deployment.getMetadata().getNamespace()).isEqualTo(CUSTOM_NAMESPACE);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        assertThat(container.getImage()).isEqualTo("registry.example.com/platform/kube-privatelink-gateway:1.2.3");
        assertThat(container.getResources().getLimits().get("memory").toString())
                .isEqualTo("1Gi");
        assertThat(deployment.getSpec().getTemplate().getSpec().getPriorityClassName())
                .isEqualTo("privatelink-data-plane");
        assertThat(service.getSpec().getType()).isEqualTo("NodePort");
        assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(30443);
        assertThat(service.getSpec().getLoadBalancerSourceRanges()).containsExactly("203.0.113.0/24");
        assertThat(service.getMetadata().getAnnotations())
                .containsEntry("service.beta.kubernetes.io/aws-load-balancer-internal", "true");
        assertThat(env(operatorContainer(custom.get(Deployment.class, CUSTOM_OPERATOR))))
                .containsEntry("PRIVATELINK_TRUST_DOMAIN", "prod-eu.example.com");
        GenericKubernetesResource monitor = custom.get("PodMonitor", CUSTOM_GATEWAY);
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
        assertThat(monitor.<Map<String, String>>get("spec", "selector", "matchLabels"))
                .as("the gateway's pods, by their selector")
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    }

    // --- metrics, disruption budget, CRDs, namespaces ---

    @Test
    void metricsServiceSelectsTheOperatorPodsOnly() {
        Service metrics = defaults.get(Service.class, OPERATOR + "-metrics");
        Deployment deployment = defaults.get(Deployment.class, OPERATOR);

        assertThat(metrics.getSpec().getSelector())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/component", "operator");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(metrics.getSpec().getSelector());
        assertThat(metrics.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getName()).isEqualTo("http");
            assertThat(port.getPort()).isEqualTo(8080);
            assertThat(port.getTargetPort()).isEqualTo(new IntOrString("http"));
        });
    }

    @Test
    void noServiceMonitorUnlessEnabled() {
        assertThat(defaults.kindsAndNames()).noneMatch(o -> o.startsWith("ServiceMonitor/"));
    }

    @Test
    void noDashboardsUnlessEnabled() {
        assertThat(defaults.kindsAndNames()).noneMatch(o -> o.contains("-dashboard-"));
    }

    /** Issue 12: the owner's and the consumer's Grafana dashboards, for Grafana's dashboard sidecar. */
    @Test
    void dashboardsAreConfigMapsForGrafanasSidecarWhenEnabled() throws IOException {
        String fullname = CUSTOM_FORWARDER.substring(0, CUSTOM_FORWARDER.length() - "-forwarder".length());
        for (String view : List.of("owner", "consumer")) {
            ConfigMap dashboard = custom.get(ConfigMap.class, fullname + "-dashboard-" + view);
            String file = "privatelink-" + view + ".json";

            assertThat(dashboard.getMetadata().getNamespace()).isEqualTo(CUSTOM_NAMESPACE);
            assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
            assertThat(dashboard.getData()).containsOnlyKeys(file);
            assertThat(dashboard.getData().get(file))
                    .isEqualToIgnoringWhitespace(Files.readString(Path.of(CHART, "dashboards", file)));
        }
    }

    @Test
    void noPodMonitorUnlessEnabled() {
        assertThat(defaults.kindsAndNames()).noneMatch(o -> o.startsWith("PodMonitor/"));
    }

    /**
     * Issue 12: the forwarder pods (no Service in front of them) are scraped where they run,
     * selected by the labels the operator gives every forwarder pod, on the port the forwarder
     * NetworkPolicy opens to the monitoring namespace.
     */
    @Test
    void podMonitorScrapesEveryForwarderPodWhenEnabled() {
        GenericKubernetesResource monitor = custom.get("PodMonitor", CUSTOM_FORWARDER);
        Map<String, String> forwarderPodLabels = ForwarderResources.selectorLabels("any-consumer");

        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.getMetadata().getNamespace()).isEqualTo(CUSTOM_NAMESPACE);
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
        assertThat(monitor.<List<String>>get("spec", "namespaceSelector", "matchNames"))
                .containsExactly(CUSTOM_NAMESPACE);
        assertThat(forwarderPodLabels)
                .containsAllEntriesOf(monitor.<Map<String, String>>get("spec", "selector", "matchLabels"));
        assertThat(monitor.<List<Map<String, Object>>>get("spec", "podMetricsEndpoints"))
                .singleElement()
                .satisfies(endpoint -> assertThat(endpoint)
                        .contains(entry("port", "http"), entry("path", "/q/metrics"), entry("interval", "20s")));
    }

    @Test
    void disruptionBudgetKeepsOneOperatorReplicaRunning() {
        PodDisruptionBudget budget = defaults.get(PodDisruptionBudget.class, OPERATOR);

        assertThat(budget.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
        assertThat(budget.getSpec().getSelector().getMatchLabels())
                .isEqualTo(defaults.get(Deployment.class, OPERATOR)
                        .getSpec()
                        .getSelector()
                        .getMatchLabels());
    }

    @Test
    void chartInstallsTheFourCrds() {
        assertThat(defaults.all(CustomResourceDefinition.class)
                        .map(crd -> crd.getMetadata().getName()))
                .containsExactlyInAnyOrder(
                        "endpointservices.privatelink.dev",
                        "servicepermissions.privatelink.dev",
                        "interfaceendpoints.privatelink.dev",
                        "clusterpeers.privatelink.dev");
    }

    @Test
    void everyNamespacedObjectIsInTheReleaseNamespace() {
        assertThat(defaults.namespaced())
                .isNotEmpty()
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace())
                        .as(Manifests.kindAndName(o))
                        .isEqualTo(NAMESPACE));
    }

    @Test
    void objectsCarryTheRecommendedLabelsButNotTheOperatorsOwnMarker() {
        // The operator selects what it created by app.kubernetes.io/managed-by=kube-privatelink.
        assertThat(defaults.all())
                .filteredOn(o -> !(o instanceof CustomResourceDefinition))
                .allSatisfy(o -> assertThat(o.getMetadata().getLabels())
                        .as(Manifests.kindAndName(o))
                        .containsEntry("app.kubernetes.io/instance", RELEASE)
                        .containsEntry("app.kubernetes.io/managed-by", "Helm"));
    }

    // --- non-default values ---

    @Test
    void customValuesReachTheOperator() {
        Deployment deployment = custom.get(Deployment.class, CUSTOM_OPERATOR);
        Container operator = operatorContainer(deployment);
        var pod = deployment.getSpec().getTemplate().getSpec();

        assertThat(deployment.getMetadata().getNamespace()).isEqualTo(CUSTOM_NAMESPACE);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        assertThat(operator.getImage()).isEqualTo("registry.example.com/platform/kube-privatelink:1.2.3");
        assertThat(operator.getImagePullPolicy()).isEqualTo("Always");
        assertThat(operator.getResources().getLimits()).containsKeys("cpu", "memory");
        assertThat(operator.getResources().getLimits().get("memory").toString()).isEqualTo("768Mi");
        assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
        assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
        assertThat(pod.getImagePullSecrets())
                .singleElement()
                .satisfies(secret -> assertThat(secret.getName()).isEqualTo("registry-credentials"));
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("example.com/scrape", "false");
        assertThat(pod.getServiceAccountName()).isEqualTo(CUSTOM_OPERATOR);
        assertThat(custom.get(ServiceAccount.class, CUSTOM_OPERATOR)
                        .getMetadata()
                        .getAnnotations())
                .containsEntry("iam.example.com/role", "privatelink-operator");
        assertThat(custom.get(PodDisruptionBudget.class, CUSTOM_OPERATOR)
                        .getSpec()
                        .getMinAvailable())
                .isEqualTo(new IntOrString(2));
    }

    @Test
    void customForwarderValuesReachTheOperatorsSettings() {
        Container operator = operatorContainer(custom.get(Deployment.class, CUSTOM_OPERATOR));

        assertThat(env(operator))
                .contains(
                        entry("PRIVATELINK_ENDPOINT_QUOTA", "25"),
                        entry("PRIVATELINK_CLUSTER_DOMAIN", "corp.internal"),
                        // the forwarder runs the operator's image unless told otherwise
                        entry("PRIVATELINK_FORWARDER_IMAGE", "registry.example.com/platform/kube-privatelink:1.2.3"),
                        entry("PRIVATELINK_FORWARDER_REPLICAS", "4"),
                        entry("PRIVATELINK_FORWARDER_IMAGE_PULL_SECRETS", "registry-credentials"),
                        entry("PRIVATELINK_FORWARDER_PRIORITY_CLASS_NAME", "privatelink-data-plane"),
                        entry("PRIVATELINK_FORWARDER_NODE_SELECTOR", "node-role.example.com/edge=true"),
                        entry("PRIVATELINK_FORWARDER_CPU_REQUEST", "500m"),
                        entry("PRIVATELINK_FORWARDER_MEMORY_REQUEST", "256Mi"),
                        entry("PRIVATELINK_FORWARDER_MEMORY_LIMIT", "1Gi"),
                        entry("PRIVATELINK_FORWARDER_JVM_OPTIONS", "-XX:+UseSerialGC -Xmx512m"),
                        entry("PRIVATELINK_FORWARDER_FIRST_LISTEN_PORT", "20000"),
                        entry("PRIVATELINK_FORWARDER_LAST_LISTEN_PORT", "20999"),
                        entry("PRIVATELINK_NETWORK_POLICY_API_SERVER_CIDRS", "172.20.0.10/32,fd00:10::1/128"),
                        entry("PRIVATELINK_NETWORK_POLICY_API_SERVER_PORTS", "6443"),
                        entry("PRIVATELINK_NETWORK_POLICY_DNS_NAMESPACE", "openshift-dns"),
                        entry(
                                "PRIVATELINK_NETWORK_POLICY_DNS_POD_LABELS",
                                "dns.operator.openshift.io/daemonset-dns=default"),
                        entry("PRIVATELINK_NETWORK_POLICY_DNS_PORT", "5353"),
                        entry("PRIVATELINK_PEERING_PORT", "9444"),
                        entry("PRIVATELINK_PEERING_GATEWAY_ADDRESSES", "gw-1.east.example.com:8443,[fd00::10]:8443"));
    }

    /** SEC-18: the chart's forwarder placement values reach the forwarder pods the operator renders. */
    @Test
    void forwarderPlacementValuesReachTheForwarderPods() {
        OperatorSettings settings =
                NetworkIsolationTest.settingsFromTheChart(custom.get(Deployment.class, CUSTOM_OPERATOR));
        var pod = ForwarderResources.deployment(new ConsumerNamespace("shop", "uid-shop"), settings)
                .getSpec()
                .getTemplate()
                .getSpec();

        assertThat(pod.getPriorityClassName()).isEqualTo("privatelink-data-plane");
        assertThat(pod.getNodeSelector()).containsExactly(entry("node-role.example.com/edge", "true"));
        assertThat(pod.getTolerations()).singleElement().satisfies(toleration -> {
            assertThat(toleration.getKey()).isEqualTo("dedicated");
            assertThat(toleration.getOperator()).isEqualTo("Equal");
            assertThat(toleration.getValue()).isEqualTo("edge");
            assertThat(toleration.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(pod.getAffinity()
                        .getNodeAffinity()
                        .getRequiredDuringSchedulingIgnoredDuringExecution()
                        .getNodeSelectorTerms())
                .singleElement()
                .satisfies(term -> assertThat(term.getMatchExpressions().get(0).getValues())
                        .containsExactly("amd64"));

        var byDefault = ForwarderResources.deployment(
                        new ConsumerNamespace("shop", "uid-shop"),
                        NetworkIsolationTest.settingsFromTheChart(defaults.get(Deployment.class, OPERATOR)))
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(byDefault.getPriorityClassName()).isNull();
        assertThat(byDefault.getNodeSelector()).isNullOrEmpty();
        assertThat(byDefault.getTolerations()).isNullOrEmpty();
        assertThat(byDefault.getAffinity()).isNull();
    }

    @Test
    void forwarderImageCanDifferFromTheOperators() {
        Manifests rendered = template(RELEASE, NAMESPACE, "--set", "forwarder.image.tag=0.2.0-rc1");

        assertThat(env(operatorContainer(rendered.get(Deployment.class, OPERATOR))))
                .containsEntry("PRIVATELINK_FORWARDER_IMAGE", "ghcr.io/kube-privatelink/kube-privatelink:0.2.0-rc1");
        assertThat(operatorContainer(rendered.get(Deployment.class, OPERATOR)).getImage())
                .isEqualTo("ghcr.io/kube-privatelink/kube-privatelink:" + appVersion);
    }

    @Test
    void bindingsFollowTheReleaseNamespace() {
        assertThat(custom.get(ClusterRoleBinding.class, CUSTOM_OPERATOR).getSubjects())
                .singleElement()
                .satisfies(subject -> assertServiceAccount(subject, CUSTOM_OPERATOR, CUSTOM_NAMESPACE));
        assertThat(custom.get(RoleBinding.class, CUSTOM_OPERATOR).getSubjects())
                .singleElement()
                .satisfies(subject -> assertServiceAccount(subject, CUSTOM_OPERATOR, CUSTOM_NAMESPACE));
        assertThat(permissions(custom.get(ClusterRole.class, CUSTOM_OPERATOR).getRules()))
                .isEqualTo(permissions(LeastPrivilege.operatorCluster(CUSTOM_FORWARDER + "-pods")));
    }

    @Test
    void serviceMonitorScrapesQuarkusMetricsWhenEnabled() {
        GenericKubernetesResource monitor = custom.get("ServiceMonitor", CUSTOM_OPERATOR);
        Service metrics = custom.get(Service.class, CUSTOM_OPERATOR + "-metrics");

        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.getMetadata().getNamespace()).isEqualTo(CUSTOM_NAMESPACE);
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
        assertThat(metrics.getSpec().getPorts())
                .singleElement()
                .satisfies(port -> assertThat(port.getPort()).isEqualTo(9090));
        assertThat(metrics.getMetadata().getLabels())
                .containsAllEntriesOf(monitor.<Map<String, String>>get("spec", "selector", "matchLabels"));
        assertThat(monitor.<List<Map<String, Object>>>get("spec", "endpoints"))
                .singleElement()
                .satisfies(endpoint -> assertThat(endpoint)
                        .contains(entry("port", "http"), entry("path", "/q/metrics"), entry("interval", "15s")));
    }

    @Test
    void aggregatedRolesCanBeLeftOut() {
        assertThat(custom.all(ClusterRole.class).map(r -> r.getMetadata().getName()))
                .containsExactlyInAnyOrder(
                        CUSTOM_OPERATOR,
                        CUSTOM_FORWARDER + "-pods",
                        CUSTOM_RELEASE + "-kube-privatelink-notification-secret-reader");
    }

    @Test
    void aSingleReplicaGetsNoDisruptionBudgetAndNullRunAsUserLeavesTheUserToTheImage() {
        Manifests rendered =
                template(RELEASE, NAMESPACE, "--set", "operator.replicas=1", "--set", "operator.runAsUser=null");
        var pod =
                rendered.get(Deployment.class, OPERATOR).getSpec().getTemplate().getSpec();

        assertThat(rendered.kindsAndNames()).noneMatch(o -> o.startsWith("PodDisruptionBudget/"));
        assertThat(pod.getSecurityContext().getRunAsUser()).isNull();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    }

    // --- values that must fail at install ---

    @ParameterizedTest(name = "--set {0} fails on {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "operator.replicas=two                        | replicas",
                "operator.replica=2                           | replica",
                "unknownKey=1                                 | unknownKey",
                "operator.endpointQuota=0                     | endpointQuota",
                "operator.usageIntervalSeconds=1              | usageIntervalSeconds",
                "operator.runAsUser=0                         | runAsUser",
                "image.pullPolicy=Sometimes                   | pullPolicy",
                "image.repository=                            | repository",
                "forwarder.replicas=0                         | replicas",
                "forwarder.resources.requests.cpu=lots        | cpu",
                "forwarder.resources.limits.cpu=1             | cpu",
                "forwarder.listenPorts.first=80               | first",
                "forwarder.nodeSelector.zone=a\\,b           | nodeSelector",
                "forwarder.tolerations=none                   | tolerations",
                "admissionPolicy.enabled=maybe                | enabled",
                "metrics.serviceMonitor.enabled=yes           | enabled",
                "metrics.serviceMonitor.interval=soon         | interval",
                "metrics.podMonitor.enabled=yes               | enabled",
                "metrics.podMonitor.scrapeTimeout=soon        | scrapeTimeout",
                "operator.podDisruptionBudget.minAvailable=0  | minAvailable",
                "networkPolicy.enabled=yes                    | enabled",
                "networkPolicy.monitoringNamespace=Monitoring | monitoringNamespace",
                "networkPolicy.apiServer.cidrs={10.0.0.1}     | cidrs",
                "networkPolicy.apiServer.ports={0}            | ports",
                "networkPolicy.dns.port=0                     | port",
                "networkPolicy.dns.podLabels.a=b\\,c        | podLabels",
                "trustDomain=Prod.Example                     | trustDomain",
                "gateway.enabled=yes                          | enabled",
                "gateway.service.type=ExternalName            | type",
                "gateway.replicas=0                           | replicas",
            })
    void valueAgainstTheSchemaFailsTemplate(String set, String key) {
        Tools.Result result = helmTemplate(RELEASE, NAMESPACE, "--set", set);

        assertThat(result.succeeded()).as("helm template --set %s", set).isFalse();
        assertThat(result.err()).containsIgnoringCase("schema").contains(key);
    }

    @Test
    void valueAgainstTheSchemaFailsLint() {
        Tools.Result result = Tools.run(Tools.helm(), "lint", CHART, "--set", "operator.replicas=two");

        assertThat(result.succeeded()).isFalse();
        assertThat(result.out() + result.err()).containsIgnoringCase("schema").contains("replicas");
    }

    @ParameterizedTest(name = "{0} fails: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "forwarder.listenPorts.first=20000          | first (20000) must not be above last (19999)",
                "operator.podDisruptionBudget.minAvailable=2 | must be below operator.replicas",
            })
    void valuesThatContradictEachOtherFailTemplate(String set, String message) {
        Tools.Result result = helmTemplate(RELEASE, NAMESPACE, "--set", set);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.err()).contains(message);
    }

    // --- helpers ---

    static Container operatorContainer(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("operator"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container named operator"));
    }

    static Map<String, String> env(Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar variable : container.getEnv()) {
            env.put(variable.getName(), variable.getValue());
        }
        return env;
    }

    static void assertHttpProbe(Probe probe, String path) {
        assertThat(probe).as("probe of %s", path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort()).isEqualTo(new IntOrString("http"));
    }

    static void assertServiceAccount(Subject subject, String name, String namespace) {
        assertThat(subject.getKind()).isEqualTo("ServiceAccount");
        assertThat(subject.getName()).isEqualTo(name);
        assertThat(subject.getNamespace()).isEqualTo(namespace);
    }

    /**
     * The environment variables SmallRye Config reads for a {@code @ConfigMapping} interface:
     * {@code privatelink.forwarder.cpu-request} is {@code PRIVATELINK_FORWARDER_CPU_REQUEST}.
     */
    static Set<String> settingVariables(Class<?> mapping, String prefix) {
        Set<String> variables = new TreeSet<>();
        for (Method method : mapping.getDeclaredMethods()) {
            if (method.getParameterCount() > 0
                    || method.isSynthetic()
                    || method.isDefault()
                    || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            String name = prefix + "_"
                    + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
            if (method.getReturnType().isInterface() && method.getReturnType().getEnclosingClass() == mapping) {
                variables.addAll(settingVariables(method.getReturnType(), name));
            } else {
                variables.add(name);
            }
        }
        return variables;
    }

    /** A forwarder admits only pods of its consumer namespace: it may read pods, where the operator binds it. */
    @Test
    void forwardersMayReadPodsOnlyThroughTheBindingsTheOperatorMakes() {
        ClusterRole podReader = defaults.get(ClusterRole.class, FORWARDER + "-pods");

        assertThat(permissions(podReader.getRules())).isEqualTo(permissions(LeastPrivilege.FORWARDER_POD_READER_RULES));
        assertThat(defaults.all(ClusterRoleBinding.class)
                        .map(b -> b.getRoleRef().getName()))
                .as("never bound cluster-wide")
                .doesNotContain(FORWARDER + "-pods");
        assertThat(defaults.get(Deployment.class, OPERATOR)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnv())
                .anySatisfy(env -> {
                    assertThat(env.getName()).isEqualTo("PRIVATELINK_FORWARDER_POD_READER_ROLE");
                    assertThat(env.getValue()).isEqualTo(FORWARDER + "-pods");
                });
    }

    /**
     * Issue 12: the ClusterRole an owner binds in its namespace so that the operator reads its
     * notification header's Secret; it reads Secrets only (get), and nothing binds it
     * cluster-wide, so the operator gets no Secret read of its own.
     */
    @Test
    void theNotificationSecretReaderIsOnlyForOwnersToBind() {
        ClusterRole reader = defaults.get(ClusterRole.class, RELEASE + "-notification-secret-reader");

        assertThat(permissions(reader.getRules()))
                .isEqualTo(permissions(LeastPrivilege.NOTIFICATION_SECRET_READER_RULES))
                .containsExactly("get core/secrets");
        assertThat(defaults.all(ClusterRoleBinding.class)
                        .map(b -> b.getRoleRef().getName()))
                .doesNotContain(RELEASE + "-notification-secret-reader");
        assertThat(defaults.all(RoleBinding.class).map(b -> b.getRoleRef().getName()))
                .doesNotContain(RELEASE + "-notification-secret-reader");
        assertThat(permissions(defaults.get(ClusterRole.class, OPERATOR).getRules()))
                .noneMatch(p -> p.contains("secrets"));
    }
}
