package dev.privatelink.desired;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.forwarder.config.ForwarderConfig;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The forwarder of one consumer namespace: a Deployment in the operator's namespace (so the
 * consumer cannot alter what it enforces), the ConfigMap it serves and its own identity. All are
 * owned by the consumer Namespace (a namespaced dependent may have a cluster-scoped owner).
 */
public final class ForwarderResources {
    private ForwarderResources() {}

    public static final String APP_NAME = "kube-privatelink-forwarder";
    static final int HTTP_PORT = 8080;
    /** The forwarder's own readiness group: the image's operator readiness check is down in this role. */
    static final String READINESS_PATH = "/q/health/group/forwarder";

    public static Map<String, String> selectorLabels(String consumerNamespace) {
        Map<String, String> labels = new LinkedHashMap<>(Labels.managed(Labels.COMPONENT_FORWARDER));
        labels.put(Labels.CONSUMER_NAMESPACE, consumerNamespace);
        return labels;
    }

    /**
     * The forwarder's ConfigMap: the config it serves, and as annotations the endpoints that got no
     * listener port (their reconciles read it) and the listener ports in quarantine (so that the
     * quarantine outlives the operator).
     */
    public static ConfigMap configMap(
            ConsumerNamespace consumer,
            ForwarderConfig config,
            Set<String> unplaced,
            FreedPorts freed,
            OperatorSettings settings) {
        Map<String, String> labels = new LinkedHashMap<>(Labels.managed(Labels.COMPONENT_FORWARDER_CONFIG));
        labels.put(Labels.CONSUMER_NAMESPACE, consumer.name());
        Map<String, String> annotations = new LinkedHashMap<>();
        if (!unplaced.isEmpty()) {
            annotations.put(Labels.UNPLACED_ENDPOINTS, String.join(",", new TreeSet<>(unplaced)));
        }
        if (!freed.until().isEmpty()) {
            annotations.put(Labels.FREED_LISTEN_PORTS, freed.render());
        }
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(consumer.forwarderName())
                .withNamespace(settings.namespace())
                .withLabels(labels)
                .withAnnotations(annotations)
                .withOwnerReferences(consumer.ownerReference())
                .endMetadata()
                .withData(Map.of(ForwarderConfig.DATA_KEY, config.toJson()))
                .build();
    }

    /** The RoleBinding's name in every consumer namespace. */
    public static final String POD_READER_BINDING = "kube-privatelink-forwarder-pods";

    private static final String RBAC_GROUP = "rbac.authorization.k8s.io";

    /**
     * Lets the namespace's forwarders (their own ServiceAccount) read the pods of the consumer
     * namespace, in that namespace only: they admit a connection only from one of them. No other
     * forwarder may read them.
     */
    public static RoleBinding podReaderBinding(ConsumerNamespace consumer, OperatorSettings settings) {
        Map<String, String> labels = new LinkedHashMap<>(Labels.managed(Labels.COMPONENT_FORWARDER_POD_READER));
        labels.put(Labels.CONSUMER_NAMESPACE, consumer.name());
        return new RoleBindingBuilder()
                .withNewMetadata()
                .withName(POD_READER_BINDING)
                .withNamespace(consumer.name())
                .withLabels(labels)
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup(RBAC_GROUP)
                .withKind("ClusterRole")
                .withName(settings.forwarder().podReaderRole())
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(consumer.forwarderName())
                .withNamespace(settings.namespace())
                .endSubject()
                .build();
    }

    /**
     * The forwarder's own identity (SEC-13): a ServiceAccount per consumer namespace, named like
     * the forwarder, so that a compromised forwarder reads its own routes and its own namespace's
     * pods and nothing of other tenants. It carries the pull secrets, since the forwarder's pods
     * are not the chart's.
     */
    public static ServiceAccount serviceAccount(ConsumerNamespace consumer, OperatorSettings settings) {
        List<LocalObjectReference> pullSecrets = settings.forwarder().imagePullSecrets().orElse(List.of()).stream()
                .filter(name -> !name.isBlank())
                .map(name -> new LocalObjectReference(name.trim()))
                .toList();
        return new ServiceAccountBuilder()
                .withMetadata(identityMetadata(consumer, settings))
                .withImagePullSecrets(pullSecrets)
                .build();
    }

    /**
     * Reads the forwarder's ConfigMap and no other. {@code list} and {@code watch} are limited to
     * the name too: the forwarder's informer asks with a {@code metadata.name} field selector,
     * which RBAC matches against resourceNames. The operator may create this Role because it
     * holds these verbs on ConfigMaps of its namespace itself (RBAC's escalation check).
     */
    public static Role configReaderRole(ConsumerNamespace consumer, OperatorSettings settings) {
        return new RoleBuilder()
                .withMetadata(identityMetadata(consumer, settings))
                .withRules(new PolicyRuleBuilder()
                        .withApiGroups("")
                        .withResources("configmaps")
                        .withResourceNames(consumer.forwarderName())
                        .withVerbs("get", "list", "watch")
                        .build())
                .build();
    }

    /** Binds {@link #configReaderRole} to the forwarder's own ServiceAccount. */
    public static RoleBinding configReaderBinding(ConsumerNamespace consumer, OperatorSettings settings) {
        return new RoleBindingBuilder()
                .withMetadata(identityMetadata(consumer, settings))
                .withNewRoleRef()
                .withApiGroup(RBAC_GROUP)
                .withKind("Role")
                .withName(consumer.forwarderName())
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(consumer.forwarderName())
                .withNamespace(settings.namespace())
                .endSubject()
                .build();
    }

    private static ObjectMeta identityMetadata(ConsumerNamespace consumer, OperatorSettings settings) {
        Map<String, String> labels = new LinkedHashMap<>(Labels.managed(Labels.COMPONENT_FORWARDER_IDENTITY));
        labels.put(Labels.CONSUMER_NAMESPACE, consumer.name());
        return new ObjectMetaBuilder()
                .withName(consumer.forwarderName())
                .withNamespace(settings.namespace())
                .withLabels(labels)
                .withOwnerReferences(consumer.ownerReference())
                .build();
    }

    /** The config a forwarder's ConfigMap holds; an unreadable one (edited by hand) counts as empty. */
    public static ForwarderConfig config(ConfigMap configMap) {
        try {
            return configMap == null ? ForwarderConfig.EMPTY : ForwarderConfig.from(configMap);
        } catch (IllegalArgumentException e) {
            return ForwarderConfig.EMPTY;
        }
    }

    /** The listener ports in quarantine, as a forwarder's ConfigMap records them. */
    public static FreedPorts freed(ConfigMap configMap) {
        Map<String, String> annotations =
                configMap == null ? null : configMap.getMetadata().getAnnotations();
        return FreedPorts.parse(annotations == null ? null : annotations.get(Labels.FREED_LISTEN_PORTS));
    }

    /** What the endpoints of a namespace read of its forwarder. */
    public static EndpointWorld.ForwarderView view(ConfigMap configMap) {
        if (configMap == null) {
            return EndpointWorld.ForwarderView.NONE;
        }
        Map<String, String> annotations = configMap.getMetadata().getAnnotations();
        Set<String> unplacedIds = ids(annotations, Labels.UNPLACED_ENDPOINTS);
        Set<String> unsyncedIds = ids(annotations, Labels.UNSYNCED_ENDPOINTS);
        String refusal = annotations == null ? null : annotations.get(Labels.CONFIG_REFUSED);
        try {
            return new EndpointWorld.ForwarderView(
                    ForwarderConfig.from(configMap), unplacedIds, true, unsyncedIds, refusal);
        } catch (IllegalArgumentException e) {
            return new EndpointWorld.ForwarderView(ForwarderConfig.EMPTY, unplacedIds, false, unsyncedIds, refusal);
        }
    }

    /**
     * Keeps all but one of a forwarder's pods through voluntary disruptions (node drains,
     * upgrades), whatever the replica count: {@code maxUnavailable: 1} rather than
     * {@code minAvailable: 1}, which would let every pod but one go at once when replicas are
     * raised. None for a single replica: its budget would block every drain of its node.
     */
    public static Optional<PodDisruptionBudget> disruptionBudget(
            ConsumerNamespace consumer, OperatorSettings settings) {
        if (settings.forwarder().replicas() <= 1) {
            return Optional.empty();
        }
        Map<String, String> labels = new LinkedHashMap<>(selectorLabels(consumer.name()));
        labels.put(Labels.NAME, APP_NAME);
        return Optional.of(new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName(consumer.forwarderName())
                .withNamespace(settings.namespace())
                .withLabels(labels)
                .withOwnerReferences(consumer.ownerReference())
                .endMetadata()
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector()
                .withMatchLabels(selectorLabels(consumer.name()))
                .endSelector()
                .endSpec()
                .build());
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, String> nodeSelector(OperatorSettings.Forwarder fwd) {
        Map<String, String> labels = ForwarderPolicies.labels(fwd.nodeSelector().orElse(""));
        return labels.isEmpty() ? null : labels;
    }

    private static List<Toleration> tolerations(OperatorSettings.Forwarder fwd) {
        List<Toleration> tolerations = fwd.tolerations()
                .map(json -> parse(json, new TypeReference<List<Toleration>>() {}, "tolerations"))
                .orElse(List.of());
        return tolerations.isEmpty() ? null : tolerations;
    }

    private static Affinity affinity(OperatorSettings.Forwarder fwd) {
        Affinity affinity = fwd.affinity()
                .map(json -> parse(json, new TypeReference<Affinity>() {}, "affinity"))
                .orElse(null);
        return affinity == null
                        || affinity.getNodeAffinity() == null
                                && affinity.getPodAffinity() == null
                                && affinity.getPodAntiAffinity() == null
                ? null
                : affinity;
    }

    private static <T> T parse(String json, TypeReference<T> type, String setting) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "privatelink.forwarder." + setting + " is not Kubernetes " + setting + " as JSON: "
                            + e.getOriginalMessage(),
                    e);
        }
    }

    private static Set<String> ids(Map<String, String> annotations, String key) {
        String ids = annotations == null ? null : annotations.get(key);
        return ids == null || ids.isBlank() ? Set.of() : Set.of(ids.split(","));
    }

    /** What a ConfigMap's data holds at most, keys and values together (the API server's limit). */
    public static final int CONFIG_MAP_DATA_LIMIT = 1024 * 1024;

    /** Why the API server would refuse {@code configMap} for its size, if it would. */
    public static Optional<String> tooLarge(ConfigMap configMap) {
        long bytes = configMap.getData() == null
                ? 0
                : configMap.getData().entrySet().stream()
                        .mapToLong(e -> e.getKey().getBytes(StandardCharsets.UTF_8).length
                                + e.getValue().getBytes(StandardCharsets.UTF_8).length)
                        .sum();
        return bytes > CONFIG_MAP_DATA_LIMIT
                ? Optional.of("the forwarder configuration is " + bytes + " bytes; a ConfigMap holds at most "
                        + CONFIG_MAP_DATA_LIMIT)
                : Optional.empty();
    }

    /** The longest refusal kept in the ConfigMap's annotation: the API server's message, shortened. */
    static final int MAX_REFUSAL_LENGTH = 1024;

    /**
     * {@code desired} (the ConfigMap the API server refused) holding {@code served} instead, and
     * naming the endpoints whose routes that lacks and why, for their reconciles to report.
     */
    static ConfigMap refused(ConfigMap desired, ForwarderConfig served, Set<String> unsynced, String refusal) {
        Map<String, String> annotations = new LinkedHashMap<>(
                desired.getMetadata().getAnnotations() == null
                        ? Map.of()
                        : desired.getMetadata().getAnnotations());
        if (!unsynced.isEmpty()) {
            annotations.put(Labels.UNSYNCED_ENDPOINTS, String.join(",", new TreeSet<>(unsynced)));
            annotations.put(
                    Labels.CONFIG_REFUSED,
                    refusal.length() > MAX_REFUSAL_LENGTH ? refusal.substring(0, MAX_REFUSAL_LENGTH) + "…" : refusal);
        }
        return new ConfigMapBuilder(desired)
                .editMetadata()
                .withAnnotations(annotations)
                .endMetadata()
                .withData(Map.of(ForwarderConfig.DATA_KEY, served.toJson()))
                .build();
    }

    public static Deployment deployment(ConsumerNamespace consumer, OperatorSettings settings) {
        return deployment(consumer, settings, false);
    }

    /** The volume of a forwarder's client credential for peers' gateways. */
    static final String GATEWAY_CREDENTIALS_VOLUME = "gateway-client";

    /**
     * The forwarder's Deployment. With {@code gatewayCredentials} (the cluster has a ClusterPeer)
     * its pods also mount their Secret {@code <name>-gateway-client} (client certificate, key and
     * peers' roots, issued by the operator) and are told where with {@code --gateway-credentials};
     * without, they stay exactly as in a single cluster.
     */
    public static Deployment deployment(
            ConsumerNamespace consumer, OperatorSettings settings, boolean gatewayCredentials) {
        String consumerNamespace = consumer.name();
        String name = consumer.forwarderName();
        Map<String, String> labels = new LinkedHashMap<>(selectorLabels(consumerNamespace));
        labels.put(Labels.NAME, APP_NAME);
        OperatorSettings.Forwarder fwd = settings.forwarder();
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(settings.namespace())
                .withLabels(labels)
                .withOwnerReferences(consumer.ownerReference())
                .endMetadata()
                .withNewSpec()
                .withReplicas(fwd.replicas())
                .withNewSelector()
                .withMatchLabels(selectorLabels(consumerNamespace))
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                // its own account, which reads only its own ConfigMap and its namespace's pods
                .withServiceAccountName(name)
                // No Service environment variables: the forwarder needs none, and a namespace with
                // many Services would fill its environment (and hand it every address).
                .withEnableServiceLinks(false)
                .withTerminationGracePeriodSeconds(30L)
                // placement the platform chooses (SEC-18): priority, dedicated nodes, taints
                .withPriorityClassName(fwd.priorityClassName().orElse(null))
                .withNodeSelector(nodeSelector(fwd))
                .withTolerations(tolerations(fwd))
                .withAffinity(affinity(fwd))
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .addNewTopologySpreadConstraint()
                .withMaxSkew(1)
                .withTopologyKey(Labels.ZONE_NODE_LABEL)
                .withWhenUnsatisfiable("ScheduleAnyway")
                .withNewLabelSelector()
                .withMatchLabels(selectorLabels(consumerNamespace))
                .endLabelSelector()
                .endTopologySpreadConstraint()
                .addNewTopologySpreadConstraint()
                .withMaxSkew(1)
                .withTopologyKey(Labels.HOSTNAME_NODE_LABEL)
                .withWhenUnsatisfiable("ScheduleAnyway")
                .withNewLabelSelector()
                .withMatchLabels(selectorLabels(consumerNamespace))
                .endLabelSelector()
                .endTopologySpreadConstraint()
                .addNewContainer()
                .withName("forwarder")
                .withImage(fwd.image())
                .withArgs(args(name, consumerNamespace, settings, gatewayCredentials))
                // the JVM options as deployed (forwarder-jvm.options), before the image's own
                .addNewEnv()
                .withName(ForwarderJvm.ENVIRONMENT_VARIABLE)
                .withValue(ForwarderJvm.render(fwd.jvmOptions()))
                .endEnv()
                .addNewPort()
                .withName("http")
                .withContainerPort(HTTP_PORT)
                .endPort()
                .withNewReadinessProbe()
                .withNewHttpGet()
                .withPath(READINESS_PATH)
                .withPort(new IntOrString("http"))
                .endHttpGet()
                .withPeriodSeconds(2)
                .endReadinessProbe()
                .withNewLivenessProbe()
                .withNewHttpGet()
                .withPath("/q/health/live")
                .withPort(new IntOrString("http"))
                .endHttpGet()
                .withPeriodSeconds(10)
                .endLivenessProbe()
                .withNewResources()
                .addToRequests("cpu", new Quantity(fwd.cpuRequest()))
                .addToRequests("memory", new Quantity(fwd.memoryRequest()))
                .addToLimits("memory", new Quantity(fwd.memoryLimit()))
                .endResources()
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities()
                .addToDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                // Netty unpacks its native transport into /tmp; the root filesystem is read-only.
                .addNewVolumeMount()
                .withName("tmp")
                .withMountPath("/tmp")
                .endVolumeMount()
                .addAllToVolumeMounts(gatewayCredentials ? List.of(gatewayCredentialsMount()) : List.of())
                .endContainer()
                .addNewVolume()
                .withName("tmp")
                .withNewEmptyDir()
                // the JVM's scratch space only; bounded so that it cannot fill the node's disk
                .withSizeLimit(new Quantity("64Mi"))
                .endEmptyDir()
                .endVolume()
                .addAllToVolumes(gatewayCredentials ? List.of(gatewayCredentialsVolume(name)) : List.of())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static List<String> args(
            String name, String consumerNamespace, OperatorSettings settings, boolean gatewayCredentials) {
        List<String> args = new ArrayList<>(List.of(
                "forwarder",
                "--config-map",
                name,
                "--namespace",
                settings.namespace(),
                // admit only pods of the consumer namespace, whatever the CNI
                "--consumer-namespace",
                consumerNamespace));
        if (gatewayCredentials) {
            args.addAll(List.of("--gateway-credentials", Certificates.CLIENT_CREDENTIALS_DIR));
        }
        return args;
    }

    private static VolumeMount gatewayCredentialsMount() {
        return new VolumeMountBuilder()
                .withName(GATEWAY_CREDENTIALS_VOLUME)
                .withMountPath(Certificates.CLIENT_CREDENTIALS_DIR)
                .withReadOnly(true)
                .build();
    }

    /**
     * Optional: the operator issues the Secret right after it sees the forwarder, and a pod that
     * started before keeps serving its local routes meanwhile (the kubelet fills the volume in
     * when the Secret appears, and the forwarder reads the directory again).
     */
    private static Volume gatewayCredentialsVolume(String forwarderName) {
        return new VolumeBuilder()
                .withName(GATEWAY_CREDENTIALS_VOLUME)
                .withNewSecret()
                .withSecretName(Certificates.clientSecretName(forwarderName))
                .withOptional(true)
                .endSecret()
                .build();
    }
}
