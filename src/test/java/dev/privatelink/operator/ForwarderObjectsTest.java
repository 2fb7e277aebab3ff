package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionDecision;
import dev.privatelink.api.ConnectionDecision.Decision;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.Principal;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.ForwarderResources;
import dev.privatelink.desired.Labels;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The forwarder objects of a consumer namespace: named by its UID, owned by it, none left over. */
class ForwarderObjectsTest extends OperatorTestBase {

    @Override
    OperatorSettings settings() {
        return TestSettings.with(Map.of("privatelink.forwarder.image-pull-secrets", "registry-credentials"));
    }

    private void connect() {
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(OWNER, "api", "api");
        world.permission(OWNER, "all", "api", true, Principal.namespace("*"));
        world.endpoint(CONSUMER, "api", serviceNameOf(OWNER, "api"));
        awaitState(CONSUMER, "api", ConnectionState.Available);
    }

    /** SEC-05: the garbage collector removes them with their namespace, even while the operator is down. */
    @Test
    void forwarderObjectsAreOwnedByTheirConsumerNamespace() {
        connect();
        String name = world.forwarderName(CONSUMER);
        String uid = client.namespaces().withName(CONSUMER).get().getMetadata().getUid();

        HasMetadata configMap = client.configMaps()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName(name)
                .get();
        HasMetadata deployment = client.apps()
                .deployments()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName(name)
                .get();
        for (HasMetadata object : new HasMetadata[] {configMap, deployment}) {
            assertThat(object.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(owner -> assertNamespace(owner, uid));
        }
    }

    private static void assertNamespace(OwnerReference owner, String uid) {
        assertThat(owner.getKind()).isEqualTo("Namespace");
        assertThat(owner.getApiVersion()).isEqualTo("v1");
        assertThat(owner.getName()).isEqualTo(CONSUMER);
        assertThat(owner.getUid()).isEqualTo(uid);
        assertThat(owner.getBlockOwnerDeletion()).isFalse();
    }

    /** An older operator's forwarder, or one of a namespace deleted and created again, does not stay behind. */
    @Test
    void aForwarderObjectOfTheNamespaceUnderAnotherNameIsDeleted() {
        client.configMaps()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("plfwd-" + CONSUMER)
                        .withLabels(Map.of(
                                Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE,
                                Labels.COMPONENT, Labels.COMPONENT_FORWARDER_CONFIG,
                                Labels.CONSUMER_NAMESPACE, CONSUMER))
                        .endMetadata()
                        .withData(Map.of("forwarder.json", "{\"routes\":[]}"))
                        .build())
                .create();

        connect();

        eventually()
                .until(() -> client.configMaps()
                                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                                .withName("plfwd-" + CONSUMER)
                                .get()
                        == null);
        assertThat(client.configMaps()
                        .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                        .withName(world.forwarderName(CONSUMER))
                        .get())
                .isNotNull();
    }

    /** SEC-09: forwarder pods run outside the tenant's quota, so only endpoints that carry traffic get them. */
    @Test
    void aNamespaceWhoseEndpointsCannotCarryTrafficHasNoForwarder() {
        publishAndAwaitPendingEndpoint();
        world.endpoint(CONSUMER, "nowhere", "vpce-svc-00000000000000000");
        awaitState(CONSUMER, "nowhere", ConnectionState.Failed);

        eventually()
                .during(Duration.ofSeconds(1))
                .until(() -> client.apps()
                        .deployments()
                        .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                        .withLabel(Labels.CONSUMER_NAMESPACE, CONSUMER)
                        .list()
                        .getItems()
                        .isEmpty());

        world.decide(OWNER, "api", new ConnectionDecision(null, CONSUMER + "/api", Decision.Accept));
        eventually()
                .until(() -> !client.apps()
                        .deployments()
                        .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                        .withLabel(Labels.CONSUMER_NAMESPACE, CONSUMER)
                        .list()
                        .getItems()
                        .isEmpty());
    }

    /** The forwarder admits only pods of its consumer namespace, which it may read there and nowhere else. */
    @Test
    void theForwarderChecksSourcesAndMayReadThePodsOfItsNamespaceOnly() {
        connect();
        String name = world.forwarderName(CONSUMER);

        var args = client.apps()
                .deployments()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName(name)
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getArgs();
        assertThat(String.join(" ", args)).contains("--consumer-namespace " + CONSUMER);
        RoleBinding binding = client.rbac()
                .roleBindings()
                .inNamespace(CONSUMER)
                .withName(ForwarderResources.POD_READER_BINDING)
                .get();
        assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(binding.getRoleRef().getName()).isEqualTo("kube-privatelink-forwarder-pods");
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(subject.getName()).as("the forwarder's own account").isEqualTo(name);
            assertThat(subject.getNamespace()).isEqualTo(TestSettings.OPERATOR_NAMESPACE);
        });

        client.resources(InterfaceEndpoint.class)
                .inNamespace(CONSUMER)
                .withName("api")
                .delete();
        eventually()
                .until(() -> client.rbac()
                                .roleBindings()
                                .inNamespace(CONSUMER)
                                .withName(ForwarderResources.POD_READER_BINDING)
                                .get()
                        == null);
    }

    /**
     * SEC-13: each forwarder runs as its own ServiceAccount, which may read its own ConfigMap and
     * nothing else in the operator's namespace; owned by the consumer Namespace like the rest.
     */
    @Test
    void eachForwarderHasItsOwnIdentityThatReadsOnlyItsOwnConfigMap() {
        connect();
        String name = world.forwarderName(CONSUMER);
        String uid = client.namespaces().withName(CONSUMER).get().getMetadata().getUid();
        String ns = TestSettings.OPERATOR_NAMESPACE;

        eventually()
                .until(() -> client.rbac()
                                .roleBindings()
                                .inNamespace(ns)
                                .withName(name)
                                .get()
                        != null);
        ServiceAccount account =
                client.serviceAccounts().inNamespace(ns).withName(name).get();
        Role role = client.rbac().roles().inNamespace(ns).withName(name).get();
        RoleBinding binding =
                client.rbac().roleBindings().inNamespace(ns).withName(name).get();

        assertThat(client.apps()
                        .deployments()
                        .inNamespace(ns)
                        .withName(name)
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getServiceAccountName())
                .isEqualTo(name);
        assertThat(account.getImagePullSecrets())
                .extracting(LocalObjectReference::getName)
                .containsExactly("registry-credentials");
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("configmaps");
            assertThat(rule.getResourceNames()).as("its own ConfigMap only").containsExactly(name);
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
        });
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo(name);
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(subject.getName()).isEqualTo(name);
            assertThat(subject.getNamespace()).isEqualTo(ns);
        });
        for (HasMetadata object : List.of(account, role, binding)) {
            assertThat(object.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(owner -> assertNamespace(owner, uid));
        }

        client.resources(InterfaceEndpoint.class)
                .inNamespace(CONSUMER)
                .withName("api")
                .delete();
        eventually()
                .until(() -> client.serviceAccounts()
                                        .inNamespace(ns)
                                        .withName(name)
                                        .get()
                                == null
                        && client.rbac().roles().inNamespace(ns).withName(name).get() == null
                        && client.rbac()
                                        .roleBindings()
                                        .inNamespace(ns)
                                        .withName(name)
                                        .get()
                                == null);
    }

    /** An identity of the namespace under another name (an older forwarder's) does not stay behind. */
    @Test
    void aForwarderAccountOfTheNamespaceUnderAnotherNameIsDeleted() {
        client.serviceAccounts()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .resource(new ServiceAccountBuilder()
                        .withNewMetadata()
                        .withName("plfwd-" + CONSUMER)
                        .withLabels(Map.of(
                                Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE,
                                Labels.COMPONENT, Labels.COMPONENT_FORWARDER_IDENTITY,
                                Labels.CONSUMER_NAMESPACE, CONSUMER))
                        .endMetadata()
                        .build())
                .create();

        connect();

        eventually()
                .until(() -> client.serviceAccounts()
                                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                                .withName("plfwd-" + CONSUMER)
                                .get()
                        == null);
    }

    /** SEC-18: a replicated forwarder keeps all but one pod through drains; the budget goes with it. */
    @Test
    void aReplicatedForwarderHasADisruptionBudgetThatGoesWithIt() {
        connect();
        String name = world.forwarderName(CONSUMER);
        var budgets = client.policy().v1().podDisruptionBudget().inNamespace(TestSettings.OPERATOR_NAMESPACE);

        eventually().until(() -> budgets.withName(name).get() != null);
        assertThat(budgets.withName(name).get().getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));

        client.resources(InterfaceEndpoint.class)
                .inNamespace(CONSUMER)
                .withName("api")
                .delete();
        eventually().until(() -> budgets.withName(name).get() == null);
    }
}
