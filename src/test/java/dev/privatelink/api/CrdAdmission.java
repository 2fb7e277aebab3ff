package dev.privatelink.api;

import dev.privatelink.sandbox.admission.CrdSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Admission of an object's spec by the committed CRD of its kind, as {@link CrdSchema} does it
 * (defaults, OpenAPI schema, CEL rules), for tests outside this package: the install tests check
 * config/samples with it.
 */
public final class CrdAdmission {

    private static final Map<String, CrdSchema> BY_KIND = load();

    private CrdAdmission() {}

    /** What the API server would reject in a new object of this kind with this spec; empty if admitted. */
    public static List<String> violationsOfCreate(String kind, String specYaml) {
        CrdSchema crd = BY_KIND.get(kind);
        if (crd == null) {
            throw new IllegalArgumentException("no CRD in crds/ for kind " + kind + "; there are " + BY_KIND.keySet());
        }
        return crd.create(specYaml).messages();
    }

    private static Map<String, CrdSchema> load() {
        try (Stream<Path> files = Files.list(Path.of("crds"))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".yml"))
                    .map(CrdSchema::load)
                    .collect(Collectors.toMap(CrdSchema::kind, Function.identity()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
