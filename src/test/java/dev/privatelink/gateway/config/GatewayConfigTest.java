package dev.privatelink.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.privatelink.gateway.config.GatewayConfig.Endpoint;
import dev.privatelink.gateway.config.GatewayConfig.EndpointState;
import dev.privatelink.gateway.config.GatewayConfig.Peer;
import dev.privatelink.gateway.config.GatewayConfig.PeerState;
import dev.privatelink.gateway.config.GatewayConfig.Port;
import dev.privatelink.gateway.config.GatewayConfig.ProxyProtocol;
import dev.privatelink.gateway.config.GatewayConfig.Upstream;
import dev.privatelink.pki.CertificateAuthority;
import dev.privatelink.pki.Pem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {

    private static final String BUNDLE = Pem.certificates(
            List.of(CertificateAuthority.newRoot("west", Clock.systemUTC(), CertificateAuthority.ROOT_VALIDITY)
                    .root()));

    static GatewayConfig valid(EndpointState state) {
        return new GatewayConfig(
                List.of(new Peer("west-peer", "west", BUNDLE, PeerState.ACTIVE)),
                List.of(new Endpoint(
                        "vpce-1",
                        "west-peer",
                        "shop",
                        state,
                        List.of(new Port(443, List.of(new Upstream("10.0.0.1", 8443)))),
                        ProxyProtocol.V2)));
    }

    @TempDir
    Path dir;

    @Test
    void roundTripsThroughJson() {
        GatewayConfig config = valid(EndpointState.AVAILABLE);
        assertThat(config.problems()).isEmpty();
        assertThat(GatewayConfig.fromJson(config.toJson())).isEqualTo(config);
        assertThat(config.rootsByTrustDomain()).containsOnlyKeys("west");
    }

    @Test
    void namesWhatCannotBeServed() {
        GatewayConfig bad = new GatewayConfig(
                List.of(new Peer("west-peer", "west", BUNDLE, null), new Peer("west-again", "west", "not PEM", null)),
                List.of(
                        new Endpoint(
                                "vpce 1",
                                "nobody",
                                "Shop",
                                null,
                                List.of(new Port(0, List.of(new Upstream("lb.example", 443)))),
                                null),
                        new Endpoint("vpce-2", "west-peer", "shop", null, List.of(new Port(443, null)), null),
                        new Endpoint("vpce-2", "west-peer", "shop", null, List.of(), null)));

        assertThat(bad.problems())
                .anyMatch(p -> p.contains("belongs to another peer too"))
                .anyMatch(p -> p.contains("west-again: trustBundle"))
                .anyMatch(p -> p.contains("endpointId is not"))
                .anyMatch(p -> p.contains("peer nobody is not in the config"))
                .anyMatch(p -> p.contains("consumerNamespace is not"))
                .anyMatch(p -> p.contains("0 is not a TCP port"))
                .anyMatch(p -> p.contains("lb.example is not an IP address"))
                .anyMatch(p -> p.contains("vpce-2: listed twice"));
        assertThatThrownBy(() -> GatewayConfig.fromJson(bad.toJson())).hasMessageContaining("invalid gateway config");
        assertThatThrownBy(() -> GatewayConfig.fromJson("{")).hasMessageContaining("not a gateway config");
    }

    @Test
    void theFileSourceKeepsTheLastGoodConfig() throws Exception {
        Path file = dir.resolve("gateway.json");
        List<GatewayConfig> applied = new ArrayList<>();
        try (GatewayConfigFile source = new GatewayConfigFile(file, applied::add)) {
            assertThat(source.poll()).isFalse(); // no file yet: nothing applied, nothing taken away

            Files.writeString(file, valid(EndpointState.AVAILABLE).toJson(), StandardCharsets.UTF_8);
            assertThat(source.poll()).isTrue();
            assertThat(source.poll()).isFalse(); // unchanged

            Files.writeString(file, "{ not json", StandardCharsets.UTF_8);
            assertThat(source.poll()).isFalse();
            Files.delete(file);
            assertThat(source.poll()).isFalse();

            Files.writeString(file, valid(EndpointState.SUSPENDED).toJson(), StandardCharsets.UTF_8);
            assertThat(source.poll()).isTrue();
        }
        assertThat(applied)
                .extracting(c -> c.endpoints().get(0).state())
                .containsExactly(EndpointState.AVAILABLE, EndpointState.SUSPENDED);
    }
}
