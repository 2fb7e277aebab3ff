package dev.privatelink.forwarder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.privatelink.forwarder.config.ForwarderConfig.ProxyProtocol;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line as picocli reads it (what runs then is tested through the classes it builds). */
class ForwarderCommandTest {

    private final ForwarderCommand command = new ForwarderCommand();

    @Test
    void standaloneOptionsAreRead() {
        new CommandLine(command)
                .parseArgs(
                        "--listen",
                        "127.0.0.1:20443",
                        "--upstream",
                        "10.0.0.1:8443,[fd00::2]:8443",
                        "--proxy-protocol",
                        "v2",
                        "--endpoint-id",
                        "vpce-1",
                        "--idle-timeout",
                        "90s",
                        "--connect-timeout",
                        "500ms",
                        "--drain-timeout",
                        "PT1M");

        assertThat(command.mode.standalone.listen).isEqualTo(new HostPort("127.0.0.1", 20443));
        assertThat(command.mode.standalone.upstreams)
                .containsExactly(new HostPort("10.0.0.1", 8443), new HostPort("fd00::2", 8443));
        assertThat(command.proxyProtocol).isEqualTo(ProxyProtocol.V2);
        assertThat(command.upstream.idleTimeout).isEqualTo(Duration.ofSeconds(90));
        assertThat(command.upstream.connectTimeout).isEqualTo(Duration.ofMillis(500));
        assertThat(command.drainTimeout).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void defaultsMatchPrivateLink() {
        new CommandLine(command).parseArgs("--config-map", "forwarder-a");

        assertThat(command.upstream.idleTimeout).isEqualTo(Duration.ofSeconds(350));
        assertThat(command.upstream.connectTimeout).isEqualTo(Duration.ofSeconds(5));
        assertThat(command.drainTimeout).isEqualTo(Duration.ofSeconds(20));
        assertThat(command.bindAddress).isEqualTo("0.0.0.0");
        assertThat(command.proxyProtocol).isEqualTo(ProxyProtocol.NONE);
    }

    @Test
    void theSourceCheckIsOffUnlessAConsumerNamespaceIsGiven() {
        new CommandLine(command).parseArgs("--config-map", "forwarder-a");
        assertThat(command.consumerNamespace).isNull();

        ForwarderCommand checking = new ForwarderCommand();
        new CommandLine(checking).parseArgs("--config-map", "forwarder-a", "--consumer-namespace", "shop");
        assertThat(checking.consumerNamespace).isEqualTo("shop");
    }

    @Test
    void aClientsOwnProxyHeaderIsRefusedUnlessAllowed() {
        new CommandLine(command).parseArgs("--config-map", "forwarder-a");
        assertThat(command.settings("0.0.0.0").refuseClientProxyHeaders()).isTrue();

        ForwarderCommand allowing = new ForwarderCommand();
        new CommandLine(allowing).parseArgs("--config-map", "forwarder-a", "--allow-client-proxy-header");
        assertThat(allowing.settings("0.0.0.0").refuseClientProxyHeaders()).isFalse();
    }

    @Test
    void badValuesAreRejectedWithTheOptionsName() {
        assertThatThrownBy(() -> new CommandLine(command).parseArgs("--listen", "nowhere"))
                .hasMessageContaining("--listen");
        assertThatThrownBy(() -> new CommandLine(command).parseArgs("--proxy-protocol", "v3"))
                .hasMessageContaining("--proxy-protocol");
    }

    @Test
    void bothModesAtOnceAreRefused() {
        CommandLine line = new CommandLine(command);

        assertThatThrownBy(() -> line.parseArgs(
                        "--config-map", "forwarder-a", "--listen", "127.0.0.1:1", "--upstream", "127.0.0.1:2"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("mutually exclusive");
    }

    @Test
    void neitherModeIsRefused() {
        assertThatThrownBy(() -> new CommandLine(command).parseArgs("--namespace", "ns"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--config-map");
    }

    @Test
    void standaloneNeedsBothAListenerAndAnUpstream() {
        assertThatThrownBy(() -> new CommandLine(command).parseArgs("--listen", "127.0.0.1:1"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--upstream");
    }

    @Test
    void proxyProtocolWithoutAnEndpointIdIsRefused() {
        new CommandLine(command)
                .parseArgs("--listen", "127.0.0.1:1", "--upstream", "127.0.0.1:2", "--proxy-protocol", "v2");

        assertThatThrownBy(command::call).hasMessageContaining("--endpoint-id");
    }

    @Test
    void gatewayCredentialsAreADirectoryAndAStandaloneGatewayRouteNeedsThemAndAnEndpointId() {
        new CommandLine(command)
                .parseArgs("--config-map", "forwarder-a", "--gateway-credentials", "/etc/privatelink/gateway-client");
        assertThat(command.gatewayCredentials).isEqualTo(Path.of("/etc/privatelink/gateway-client"));

        ForwarderCommand standalone = new ForwarderCommand();
        new CommandLine(standalone)
                .parseArgs("--listen", "127.0.0.1:1", "--upstream", "127.0.0.1:2", "--gateway-trust-domain", "east");
        assertThatThrownBy(standalone::call).hasMessageContaining("--gateway-credentials");
    }
}
