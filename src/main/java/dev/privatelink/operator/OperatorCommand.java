package dev.privatelink.operator;

import dev.privatelink.config.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;

/** The control plane: reconciles the three resources until stopped. */
@Command(
        name = "operator",
        mixinStandardHelpOptions = true,
        description = "Run the operator against the cluster of the current kubeconfig or service account.")
public class OperatorCommand implements Runnable {

    @Inject
    Operator operator;

    @Inject
    UsageMetering usage;

    @Inject
    ConnectionNotifications notifications;

    @Inject
    CertificateRotation certificates;

    @Inject
    KubernetesClient client;

    @Inject
    OperatorSettings settings;

    @Override
    public void run() {
        // The SDK does not start on its own (quarkus.operator-sdk.start-operator=false), so that
        // the forwarder role, which shares this image, runs no controllers.
        operator.start();
        usage.start(client, settings);
        notifications.start(client, settings);
        certificates.start(client, settings);
        Quarkus.waitForExit();
    }
}
