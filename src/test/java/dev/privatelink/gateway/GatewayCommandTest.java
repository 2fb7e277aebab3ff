package dev.privatelink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.privatelink.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void onceTheWatchHasDeliveredTheLaggingFileIsNotAppliedAgain() {
        List<GatewayConfig> applied = new ArrayList<>();
        GatewayCommand.ConfigPrecedence configs = new GatewayCommand.ConfigPrecedence(applied::add);
        GatewayConfig older = new GatewayConfig(List.of(), List.of());
        // told apart by their content (the constructor does not check it)
        GatewayConfig newer = new GatewayConfig(
                List.of(),
                List.of(new GatewayConfig.Endpoint("vpce-0123456789abcdef0", "west", "shop", null, null, null)));

        configs.fromFile(older);
        configs.fromWatch(newer);
        configs.fromFile(older);

        assertThat(applied).containsExactly(older, newer);
    }

    @Test
    void watchesAConfigMapWhenAsked() {
        GatewayCommand command = new GatewayCommand();
        new CommandLine(command)
                .parseArgs(
                        "--config", "/etc/gateway/gateway.json",
                        "--certificate-chain", "tls.crt",
                        "--private-key", "tls.key",
                        "--config-map", GatewayConfig.CONFIG_MAP,
                        "--namespace", "privatelink-system");
        assertThat(command.configMap).isEqualTo("privatelink-gateway");
        assertThat(command.namespace).isEqualTo("privatelink-system");
    }
}
