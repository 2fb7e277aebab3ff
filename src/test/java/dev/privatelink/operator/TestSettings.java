package dev.privatelink.operator;

import dev.privatelink.config.FixedOperatorSettings;
import dev.privatelink.config.OperatorSettings;

/** Operator settings for tests: the defaults, with the namespace and quota chosen by the test. */
public record TestSettings(String namespace, int endpointQuota) implements OperatorSettings {

    public static final String OPERATOR_NAMESPACE = "privatelink-system";

    public static TestSettings defaults() {
        return new TestSettings(OPERATOR_NAMESPACE, 100);
    }

    @Override
    public String clusterDomain() {
        return fixed().clusterDomain();
    }

    @Override
    public Forwarder forwarder() {
        return fixed().forwarder();
    }

    private FixedOperatorSettings fixed() {
        return new FixedOperatorSettings(namespace, endpointQuota, "example.test/kube-privatelink:test", 2);
    }
}
