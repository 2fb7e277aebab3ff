package dev.privatelink.operator;

import dev.privatelink.config.OperatorSettings;
import dev.privatelink.peering.PeeringService;
import dev.privatelink.pki.LocalTrust;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import java.time.Clock;
import picocli.CommandLine.Command;

/** The control plane: reconciles the resources and serves peering until stopped. */
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
    PeerSync peerSync;

    @Inject
    GatewayConfigWriter gatewayConfig;

    @Inject
    CertificateRotation certificates;

    @Inject
    KubernetesClient client;

    @Inject
    OperatorSettings settings;

    @Inject
    LocalTrust trust;

    @Inject
    PeeringService peeringService;

    @Override
    public void run() {
        // The SDK does not start on its own (quarkus.operator-sdk.start-operator=false), so that
        // the forwarder role, which shares this image, runs no controllers.
        operator.start();
        usage.start(client, settings);
        notifications.start(client, settings);
        certificates.start(client, settings);
        // after the start, which waits for the caches: a snapshot from a half-filled one would delete records
        peerSync.start();
        gatewayConfig.start();
        try (PeeringEndpoint peering =
                PeeringEndpoint.start(client, settings, trust, Clock.systemUTC(), peeringService)) {
            Quarkus.waitForExit();
        }
    }
}
