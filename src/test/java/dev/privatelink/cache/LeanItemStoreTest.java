package dev.privatelink.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** SEC-10: informer caches keep objects without their bulk that nothing reads. */
class LeanItemStoreTest {

    @Test
    void managedFieldsAndTheLastAppliedCopyAreNotKept() {
        LeanItemStore<Pod> store = new LeanItemStore<>();
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName("web")
                .withLabels(Map.of("app", "web"))
                .withAnnotations(
                        Map.of(LeanItemStore.LAST_APPLIED, "{\"a\":\"" + "x".repeat(100_000) + "\"}", "keep", "me"))
                .withManagedFields(new ManagedFieldsEntryBuilder()
                        .withManager("kubectl")
                        .withOperation("Apply")
                        .build())
                .endMetadata()
                .build();

        store.put(store.getKey(pod), pod);

        Pod cached = store.get("shop/web");
        assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(cached.getMetadata().getAnnotations()).containsExactly(Map.entry("keep", "me"));
        assertThat(cached.getMetadata().getLabels()).containsEntry("app", "web");
        assertThat(store.keySet()).containsExactly("shop/web");
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.remove("shop/web")).isSameAs(cached);
        assertThat(store.values()).isEmpty();
    }

    /** Every informer of the operator keeps lean objects: each event source, each controller. */
    @Test
    void everyOperatorInformerUsesIt() throws IOException {
        List<String> missing = new ArrayList<>();
        Pattern source = Pattern.compile(
                "InformerEventSourceConfiguration\\.from\\([^)]*\\)\\s*\\.withItemStore\\(new LeanItemStore<>\\(\\)\\)");
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/privatelink/operator"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String code = Files.readString(file);
                int sources = count(code, Pattern.compile("InformerEventSourceConfiguration\\.from\\("));
                if (count(code, source) != sources) {
                    missing.add(file + ": an informer event source without LeanItemStore");
                }
                if (code.contains("@ControllerConfiguration(")
                        && !code.contains("informer = @Informer(itemStore = LeanItemStore.class)")) {
                    missing.add(file + ": a controller whose primary informer does not use LeanItemStore");
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    private static int count(String code, Pattern pattern) {
        Matcher matcher = pattern.matcher(code);
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }
}
