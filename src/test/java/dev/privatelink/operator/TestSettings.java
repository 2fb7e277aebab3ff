package dev.privatelink.operator;

import dev.privatelink.config.OperatorSettings;

/** Operator settings for tests: the defaults, with the namespace and quota chosen by the test. */
public record TestSettings(String namespace, int endpointQuota) implements OperatorSettings {

    public static final String OPERATOR_NAMESPACE = "privatelink-system";

    public static TestSettings defaults() {
        return new TestSettings(OPERATOR_NAMESPACE, 100);
    }

    @Override
    public String clusterDomain() {
        return "cluster.local";
    }

    @Override
    public Forwarder forwarder() {
        return new Forwarder() {
            @Override
            public String image() {
                return "example.test/kube-privatelink:test";
            }

            @Override
            public int replicas() {
                return 2;
            }

            @Override
            public String serviceAccount() {
                return "kube-privatelink-forwarder";
            }

            @Override
            public int firstListenPort() {
                return 10000;
            }

            @Override
            public int lastListenPort() {
                return 19999;
            }

            @Override
            public String cpuRequest() {
                return "100m";
            }

            @Override
            public String memoryRequest() {
                return "128Mi";
            }

            @Override
            public String memoryLimit() {
                return "256Mi";
            }
        };
    }
}
