package dev.privatelink.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void environmentVariablesNameTheSettingsAsTheManagerDeploymentSetsThem() {
        OperatorSettings settings = Settings.ofEnvironment(Map.of(
                "PRIVATELINK_NAMESPACE", "ops",
                "PRIVATELINK_FORWARDER_REPLICAS", "3",
                "PRIVATELINK_FORWARDER_FIRST_LISTEN_PORT", "12000",
                "UNRELATED", "x"));

        assertThat(settings.namespace()).isEqualTo("ops");
        assertThat(settings.forwarder().replicas()).isEqualTo(3);
        assertThat(settings.forwarder().firstListenPort()).isEqualTo(12000);
    }

    @Test
    void whatTheEnvironmentDoesNotSetKeepsItsDefault() {
        OperatorSettings settings = Settings.ofEnvironment(Map.of());

        assertThat(settings).usingRecursiveComparison().isEqualTo(Settings.of(Map.of()));
    }
}
