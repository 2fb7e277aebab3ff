package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares rendered objects with files under src/test/resources/golden, so a reviewer sees
 * exactly what the operator writes. Run with -Dgolden.update=true to write or rewrite them; without
 * it a missing golden file fails the test.
 */
final class GoldenFiles {
    private GoldenFiles() {}

    private static final Path DIR = Path.of("src/test/resources/golden");
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    static void assertMatches(String name, Object rendered) {
        assertMatches(DIR, Boolean.getBoolean("golden.update"), name, rendered);
    }

    static void assertMatches(Path dir, boolean update, String name, Object rendered) {
        assertMatchesText(dir, update, name, YAML.asYaml(rendered));
    }

    /** For a golden file that is not YAML (the forwarder's JSON, pretty-printed). */
    static void assertMatchesText(String name, String actual) {
        assertMatchesText(DIR, Boolean.getBoolean("golden.update"), name, actual);
    }

    static void assertMatchesText(Path dir, boolean update, String name, String actual) {
        Path file = dir.resolve(name);
        try {
            if (update) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual);
            }
            assertThat(file)
                    .as("golden file %s (run with -Dgolden.update=true to write it)", file)
                    .exists();
            assertThat(actual)
                    .as("golden file %s (rerun with -Dgolden.update=true if the change is intended)", file)
                    .isEqualTo(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
