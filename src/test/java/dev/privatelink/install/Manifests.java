package dev.privatelink.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/** Rendered manifests (multi-document YAML), looked up by kind and name, never by position. */
final class Manifests {

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final List<HasMetadata> objects;

    private Manifests(List<HasMetadata> objects) {
        this.objects = objects;
    }

    static Manifests parse(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(yaml);
        if (parsed == null) {
            return new Manifests(List.of());
        }
        List<?> documents = parsed instanceof List<?> list ? list : List.of(parsed);
        return new Manifests(documents.stream()
                .filter(Objects::nonNull)
                .map(HasMetadata.class::cast)
                .toList());
    }

    List<HasMetadata> all() {
        return objects;
    }

    /** The one object of this type and name; fails when there is none or more than one. */
    <T extends HasMetadata> T get(Class<T> type, String name) {
        List<T> found = objects.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .filter(o -> name.equals(o.getMetadata().getName()))
                .toList();
        assertThat(found)
                .as("%s %s among %s", type.getSimpleName(), name, kindsAndNames())
                .hasSize(1);
        return found.get(0);
    }

    /** The one object of a kind the Fabric8 model has no class for (a ServiceMonitor). */
    GenericKubernetesResource get(String kind, String name) {
        List<GenericKubernetesResource> found = objects.stream()
                .filter(GenericKubernetesResource.class::isInstance)
                .map(GenericKubernetesResource.class::cast)
                .filter(o ->
                        kind.equals(o.getKind()) && name.equals(o.getMetadata().getName()))
                .toList();
        assertThat(found).as("%s %s among %s", kind, name, kindsAndNames()).hasSize(1);
        return found.get(0);
    }

    /** The kinds of cluster-scoped objects that the chart or config/ holds. */
    static final Set<String> CLUSTER_SCOPED = Set.of(
            "Namespace",
            "ClusterRole",
            "ClusterRoleBinding",
            "CustomResourceDefinition",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding");

    /** The objects that live in a namespace. */
    List<HasMetadata> namespaced() {
        return objects.stream()
                .filter(o -> !CLUSTER_SCOPED.contains(o.getKind()))
                .toList();
    }

    <T extends HasMetadata> Stream<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast);
    }

    /** "Kind/name" of every object, for messages and whole-set checks. */
    List<String> kindsAndNames() {
        return objects.stream().map(Manifests::kindAndName).toList();
    }

    static String kindAndName(HasMetadata o) {
        return o.getKind() + "/" + o.getMetadata().getName();
    }

    /**
     * An object as a plain tree, for comparisons that ignore what its metadata says (and a pod
     * template's: Helm and kustomize label differently).
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withoutMetadata(HasMetadata o) {
        Map<String, Object> tree = SERIALIZATION.convertValue(o, Map.class);
        tree.remove("metadata");
        if (tree.get("spec") instanceof Map<?, ?> spec && spec.get("template") instanceof Map<?, ?> template) {
            ((Map<String, Object>) template).remove("metadata");
        }
        return tree;
    }
}
