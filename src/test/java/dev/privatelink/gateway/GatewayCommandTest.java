package dev.privatelink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GatewayCommandTest {

    @Test
    void needsItsConfigAndCredentialsAndHasDefaultsForTheRest() {
        GatewayCommand command = new GatewayCommand();
        new CommandLine(command)
                .parseArgs(
                        "--config",
                        "/etc/gateway/gateway.json",
                        "--certificate-chain",
                        "tls.crt",
                        "--private-key",
                        "tls.key");

        assertThat(command.config).isEqualTo(Path.of("/etc/gateway/gateway.json"));
        assertThat(command.listen.port()).isEqualTo(8443);
        assertThat(command.upstream.idleTimeout).isEqualTo(Duration.ofSeconds(350));
        assertThat(command.upstream.allowLoopbackUpstreams).isFalse();
        assertThat(command.peeringUpstream)
                .as("no peering pass-through unless asked")
                .isNull();
        assertThat(command.maxConnections).isEqualTo(GatewayLimits.DEFAULT_MAX_CONNECTIONS);
        assertThat(command.maxNewConnectionsPerSource)
                .isEqualTo(GatewayLimits.DEFAULT_MAX_NEW_CONNECTIONS_PER_SOURCE_PER_SECOND);

        assertThatThrownBy(() -> new CommandLine(new GatewayCommand()).parseArgs("--config", "gateway.json"))
                .isInstanceOf(CommandLine.MissingParameterException.class)
                .hasMessageContaining("--certificate-chain");
    }

    @Test
    void peeringUpstreamIsAHostAndPort() {
        GatewayCommand command = new GatewayCommand();
        new CommandLine(command)
                .parseArgs(
                        "--config",
                        "gateway.json",
                        "--certificate-chain",
                        "tls.crt",
                        "--private-key",
                        "tls.key",
                        "--peering-upstream",
                        "kube-privatelink-operator-peering.kube-privatelink-system.svc:8444");

        assertThat(command.peeringUpstream.host())
                .isEqualTo("kube-privatelink-operator-peering.kube-privatelink-system.svc");
        assertThat(command.peeringUpstream.port()).isEqualTo(8444);
    }
}
