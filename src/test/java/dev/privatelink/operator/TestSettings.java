package dev.privatelink.operator;

import dev.privatelink.config.OperatorSettings;
import dev.privatelink.config.Settings;
import java.util.HashMap;
import java.util.Map;

/** Operator settings for tests: production's defaults, with the namespace and image tests use. */
public final class TestSettings {
    private TestSettings() {}

    public static final String OPERATOR_NAMESPACE = "privatelink-system";
    public static final String TRUST_DOMAIN = "test.privatelink";

    public static OperatorSettings defaults() {
        return with(Map.of());
    }

    /** The defaults with some properties changed, by full key ({@code privatelink.endpoint-quota}). */
    public static OperatorSettings with(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(Map.of(
                "privatelink.namespace",
                OPERATOR_NAMESPACE,
                "privatelink.forwarder.image",
                "example.test/kube-privatelink:test",
                // the mock API server has no kube-system namespace to derive one from
                "privatelink.trust-domain",
                TRUST_DOMAIN));
        all.putAll(properties);
        return Settings.of(all);
    }
}
