package dev.privatelink.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.CrdAdmission;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.operator.ControlPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample in config/samples applies: no API server runs here, so each is read into the
 * project's model without losing a field, admitted by its CRD's schema and CEL rules (real
 * evaluators), and created in the Fabric8 mock API server after the CRDs from crds/.
 */
@EnableKubernetesMockClient(crud = true)
class SamplesTest {

    static final Path SAMPLES = Path.of("config/samples");
    static final Map<String, Class<? extends CustomResource<?, ?>>> MODEL = Map.of(
            "EndpointService", EndpointService.class,
            "ServicePermission", ServicePermission.class,
            "InterfaceEndpoint", InterfaceEndpoint.class,
            "ClusterPeer", ClusterPeer.class);

    /** One mock API server for the class (a static field): the samples do not collide. */
    static KubernetesClient client;

    @BeforeAll
    static void installCrds() {
        ControlPlane.installCrds(client);
    }

    /** The samples config/samples/kustomization.yaml lists. */
    static Stream<String> samples() throws IOException {
        Map<?, ?> kustomization =
                Manifests.SERIALIZATION.unmarshal(Files.readString(SAMPLES.resolve("kustomization.yaml")), Map.class);
        return ((List<?>) kustomization.get("resources")).stream().map(String::valueOf);
    }

    @Test
    void thereIsOneSamplePerKind() throws IOException {
        List<String> kinds = samples()
                .map(SamplesTest::raw)
                .map(raw -> String.valueOf(raw.get("kind")))
                .toList();

        assertThat(kinds).containsExactlyInAnyOrderElementsOf(MODEL.keySet());
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sampleLoadsIntoTheModelWithoutLosingAField(String sample) {
        Map<String, Object> raw = raw(sample);
        HasMetadata typed = typed(sample);

        assertThat(typed).isInstanceOf(MODEL.get(String.valueOf(raw.get("kind"))));
        assertSurvives(raw, Manifests.SERIALIZATION.convertValue(typed, Map.class), "");
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sampleIsAdmittedByTheSchemaAndRulesOfItsCrd(String sample) {
        Map<String, Object> raw = raw(sample);

        assertThat(CrdAdmission.violationsOfCreate(
                        String.valueOf(raw.get("kind")), Manifests.SERIALIZATION.asYaml(raw.get("spec"))))
                .as(sample)
                .isEmpty();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sampleIsCreatedInTheApiServer(String sample) {
        HasMetadata typed = typed(sample);

        client.resource(typed).create();

        HasMetadata stored = client.resource(typed).get();
        assertThat(stored).as(sample).isNotNull();
        assertThat(Manifests.SERIALIZATION.convertValue(stored, Map.class).get("spec"))
                .isEqualTo(
                        Manifests.SERIALIZATION.convertValue(typed, Map.class).get("spec"));
    }

    HasMetadata typed(String sample) {
        Class<? extends CustomResource<?, ?>> type =
                MODEL.get(String.valueOf(raw(sample).get("kind")));
        assertThat(type).as("a kind of the model in %s", sample).isNotNull();
        return Manifests.SERIALIZATION.unmarshal(read(sample), type);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> raw(String sample) {
        return Manifests.SERIALIZATION.unmarshal(read(sample), Map.class);
    }

    static String read(String sample) {
        try {
            return Files.readString(SAMPLES.resolve(sample));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every field of {@code written} is in {@code read} with the same value (read may add defaults). */
    static void assertSurvives(Object written, Object read, String path) {
        if (written instanceof Map<?, ?> map) {
            assertThat(read).as("%s is an object", path).isInstanceOf(Map.class);
            map.forEach((key, value) -> {
                assertThat(((Map<?, ?>) read).containsKey(key))
                        .as("the model keeps %s.%s", path, key)
                        .isTrue();
                assertSurvives(value, ((Map<?, ?>) read).get(key), path + "." + key);
            });
        } else if (written instanceof List<?> list) {
            assertThat(read).as("%s is a list", path).isInstanceOf(List.class);
            assertThat((List<?>) read).as(path).hasSameSizeAs(list);
            for (int i = 0; i < list.size(); i++) {
                assertSurvives(list.get(i), ((List<?>) read).get(i), path + "[" + i + "]");
            }
        } else {
            assertThat(String.valueOf(read)).as(path).isEqualTo(String.valueOf(written));
        }
    }
}
