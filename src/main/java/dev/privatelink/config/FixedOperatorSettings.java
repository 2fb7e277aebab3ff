package dev.privatelink.config;

/**
 * Operator settings given in code rather than read from configuration: the defaults of
 * {@link OperatorSettings}, with the namespace, quota, forwarder image and replicas chosen by the
 * caller. For an operator started by hand (the sandbox, the tests).
 */
public record FixedOperatorSettings(String namespace, int endpointQuota, String forwarderImage, int forwarderReplicas)
        implements OperatorSettings {

    @Override
    public String clusterDomain() {
        return "cluster.local";
    }

    @Override
    public Forwarder forwarder() {
        return new Forwarder() {
            @Override
            public String image() {
                return forwarderImage;
            }

            @Override
            public int replicas() {
                return forwarderReplicas;
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
