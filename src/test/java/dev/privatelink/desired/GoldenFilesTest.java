package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The golden-file check itself: it fails unless told to write. */
class GoldenFilesTest {

    @TempDir
    Path dir;

    static ConfigMap rendered(String value) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName("cm")
                .endMetadata()
                .addToData("key", value)
                .build();
    }

    @Test
    void aMissingGoldenFileFailsAndIsNotWritten() {
        assertThatThrownBy(() -> GoldenFiles.assertMatches(dir, false, "missing.yaml", rendered("a")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("golden.update");
        assertThat(dir.resolve("missing.yaml")).doesNotExist();
    }

    @Test
    void aDifferentRenderingFailsAndLeavesTheFileAlone() {
        GoldenFiles.assertMatches(dir, true, "cm.yaml", rendered("a"));

        assertThatThrownBy(() -> GoldenFiles.assertMatches(dir, false, "cm.yaml", rendered("b")))
                .isInstanceOf(AssertionError.class);
        GoldenFiles.assertMatches(dir, false, "cm.yaml", rendered("a"));
    }

    @Test
    void theUpdateSwitchWritesAMissingFile() {
        GoldenFiles.assertMatches(dir, true, "new.yaml", rendered("a"));

        assertThat(dir.resolve("new.yaml")).exists();
        GoldenFiles.assertMatches(dir, false, "new.yaml", rendered("a"));
    }

    @Test
    void theUpdateSwitchRewritesAChangedFile() {
        GoldenFiles.assertMatches(dir, true, "cm.yaml", rendered("a"));

        GoldenFiles.assertMatches(dir, true, "cm.yaml", rendered("b"));

        GoldenFiles.assertMatches(dir, false, "cm.yaml", rendered("b"));
    }
}
