package dev.privatelink.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed {@code crds/} are what the model generates now. The Quarkus build regenerates them
 * only in the package phase (after the tests) and in {@code @QuarkusTest} augmentation, so this test
 * runs the same Fabric8 generator (crd-generator-api-v2, with our post-processor, as the Quarkus
 * Operator SDK does) into a temporary folder and compares.
 */
class GeneratedCrdsTest {

    static final String STALE =
            "CRDs in crds/ are stale: commit the regenerated files" + " (mvn package -DskipTests writes them to crds/)";

    @TempDir
    Path generated;

    @Test
    void committedCrdsAreWhatTheModelGenerates() throws Exception {
        new CRDGenerator()
                .customResourceClasses(customResourceClasses())
                .withPostProcessor(new PrinterColumnOrder())
                .forCRDVersions("v1")
                .inOutputDir(generated.toFile())
                .generate();

        assertThat(fileNames(Path.of("crds"))).as(STALE).isEqualTo(fileNames(generated));
        for (String name : fileNames(generated)) {
            assertThat(Files.readString(Path.of("crds", name)))
                    .as(STALE + ": " + name)
                    .isEqualTo(Files.readString(generated.resolve(name)));
        }
    }

    /** The concrete custom resources of this package, found in its compiled classes. */
    static List<Class<? extends HasMetadata>> customResourceClasses() throws IOException, URISyntaxException {
        Path classes = Path.of(EndpointService.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        String pkg = EndpointService.class.getPackageName();
        try (Stream<Path> files = Files.list(classes.resolve(pkg.replace('.', '/')))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".class") && !f.contains("$"))
                    .map(f -> load(pkg + "." + f.substring(0, f.length() - ".class".length())))
                    .filter(c -> CustomResource.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers()))
                    .<Class<? extends HasMetadata>>map(c -> c.asSubclass(HasMetadata.class))
                    .toList();
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
