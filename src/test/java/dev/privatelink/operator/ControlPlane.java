package dev.privatelink.operator;

import dev.privatelink.config.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The operator as it runs in production, started by hand against an API server: the CRDs from
 * {@code crds/} are installed, then the four reconcilers run. Works against the Fabric8 mock
 * server in CRUD mode and against a real cluster alike.
 */
public final class ControlPlane implements AutoCloseable {

    private final Operator operator;

    private ControlPlane(Operator operator) {
        this.operator = operator;
    }

    public static ControlPlane start(KubernetesClient client, OperatorSettings settings) {
        return start(client, settings, Metrics.NOOP);
    }

    public static ControlPlane start(KubernetesClient client, OperatorSettings settings, Metrics metrics) {
        installCrds(client);
        Operator operator = new Operator(o -> o
                .withKubernetesClient(client)
                .withMetrics(metrics)
                .withCloseClientOnStop(false)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .checkingCRDAndValidateLocalModel(false));
        operator.register(new EndpointServiceReconciler(settings));
        operator.register(new ServicePermissionReconciler());
        operator.register(new InterfaceEndpointReconciler(settings));
        operator.register(new ForwarderReconciler(settings));
        operator.start();
        return new ControlPlane(operator);
    }

    public static void installCrds(KubernetesClient client) {
        try (Stream<Path> files = Files.list(Path.of("crds"))) {
            files.filter(f -> f.toString().endsWith(".yml")).sorted().forEach(f -> {
                try (InputStream in = new FileInputStream(f.toFile())) {
                    client.load(in).createOrReplace();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        operator.stop();
    }
}
