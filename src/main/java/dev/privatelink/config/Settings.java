package dev.privatelink.config;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;

/**
 * Operator settings for an operator started by hand (the sandbox, the tests): built through the
 * same {@link OperatorSettings} mapping as in production, so the defaults have one home (its
 * annotations) and only the given properties differ.
 */
public final class Settings {
    private Settings() {}

    /**
     * @param properties overrides by full key, for example {@code privatelink.namespace}
     */
    public static OperatorSettings of(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(OperatorSettings.class)
                .withSources(new PropertiesConfigSource(properties, "overrides", 500))
                .build();
        return config.getConfigMapping(OperatorSettings.class);
    }

    /**
     * @param environment a container's environment, for example {@code PRIVATELINK_NAMESPACE}, read
     *     as the operator's process reads its own (the variables of the manager Deployment)
     */
    public static OperatorSettings ofEnvironment(Map<String, String> environment) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(OperatorSettings.class)
                .withSources(new EnvConfigSource(environment, 300))
                .build();
        return config.getConfigMapping(OperatorSettings.class);
    }
}
