package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.ClusterPeerSpec;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.Principal;
import dev.privatelink.desired.Certificates;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

/**
 * A forwarder mounts its gateway credential and is told where only while the cluster has a
 * ClusterPeer: a single-cluster install keeps exactly the forwarder it had.
 */
class ForwarderGatewayCredentialsTest extends OperatorTestBase {

    void connect() {
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(OWNER, "api", "api");
        world.permission(OWNER, "all", "api", true, Principal.namespace("*"));
        world.endpoint(CONSUMER, "api", serviceNameOf(OWNER, "api"));
        awaitState(CONSUMER, "api", ConnectionState.Available);
    }

    Deployment forwarder() {
        return client.apps()
                .deployments()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName(world.forwarderName(CONSUMER))
                .get();
    }

    static boolean mountsCredentials(Deployment deployment) {
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        return pod.getContainers().get(0).getArgs().contains("--gateway-credentials");
    }

    void peer(String name) {
        ClusterPeer peer = new ClusterPeer();
        peer.getMetadata().setName(name);
        ClusterPeerSpec spec = new ClusterPeerSpec();
        spec.setInvite(new ClusterPeerSpec.Invite());
        peer.setSpec(spec);
        client.resource(peer).create();
    }

    @Test
    void withoutPeersTheForwarderIsAsInASingleCluster() {
        connect();

        Deployment deployment = forwarder();
        assertThat(mountsCredentials(deployment)).isFalse();
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
                .extracting(v -> v.getName())
                .containsExactly("tmp");
    }

    @Test
    void theFirstPeerGivesTheForwarderItsCredentialAndTheLastOneTakesItAway() {
        connect();
        String name = world.forwarderName(CONSUMER);

        peer("west");
        eventually().until(() -> mountsCredentials(forwarder()));
        PodSpec pod = forwarder().getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().get(0).getArgs())
                .containsSequence("--gateway-credentials", "/etc/privatelink/gateway-client");
        assertThat(pod.getContainers().get(0).getVolumeMounts())
                .filteredOn(m -> m.getName().equals("gateway-client"))
                .singleElement()
                .satisfies(mount -> {
                    assertThat(mount.getMountPath()).isEqualTo(Certificates.CLIENT_CREDENTIALS_DIR);
                    assertThat(mount.getReadOnly()).isTrue();
                });
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getName().equals("gateway-client"))
                .singleElement()
                .satisfies(volume -> {
                    assertThat(volume.getSecret().getSecretName()).isEqualTo(name + "-gateway-client");
                    assertThat(volume.getSecret().getOptional()).isTrue();
                });
        eventually()
                .until(() -> client.secrets()
                                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                                .withName(name + "-gateway-client")
                                .get()
                        != null);

        peer("north");
        client.resources(ClusterPeer.class).withName("west").delete();
        assertThat(mountsCredentials(forwarder())).isTrue();
        client.resources(ClusterPeer.class).withName("north").delete();
        eventually().until(() -> !mountsCredentials(forwarder()));
    }
}
