package dev.privatelink.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Helm chart and the kustomize base carry the CRDs the build generates into crds/, byte for
 * byte (neither Helm nor kustomize can read a file outside its folder, so they hold copies).
 */
class CrdCopiesTest {

    static final Path GENERATED = Path.of("crds");
    static final String STALE = "copies of the CRDs are stale; refresh them with:"
            + " cp crds/*.yml helm/kube-privatelink/crds/ && cp crds/*.yml config/crd/bases/";

    @ParameterizedTest
    @ValueSource(strings = {"helm/kube-privatelink/crds", "config/crd/bases"})
    void copiesAreIdenticalToTheGeneratedCrds(String copies) throws IOException {
        List<String> generated = fileNames(GENERATED);

        assertThat(generated).hasSize(4);
        assertThat(fileNames(Path.of(copies))).as(STALE).isEqualTo(generated);
        for (String name : generated) {
            assertThat(Files.readAllBytes(Path.of(copies, name)))
                    .as(STALE + ": " + name)
                    .isEqualTo(Files.readAllBytes(GENERATED.resolve(name)));
        }
    }

    @Test
    void crdKustomizationListsEveryCrd() throws IOException {
        Map<?, ?> kustomization = Manifests.SERIALIZATION.unmarshal(
                Files.readString(Path.of("config/crd/kustomization.yaml")), Map.class);

        assertThat(((List<?>) kustomization.get("resources"))
                        .stream().map(String::valueOf).toList())
                .as("resources of config/crd/kustomization.yaml")
                .containsExactlyInAnyOrderElementsOf(
                        fileNames(GENERATED).stream().map(n -> "bases/" + n).toList());
    }

    static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
