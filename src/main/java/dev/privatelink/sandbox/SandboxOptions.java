package dev.privatelink.sandbox;

import java.nio.file.Path;

/**
 * Where the sandbox listens. Everything binds to loopback: the API server to {@code apiHost},
 * forwarder pods to {@code 127.<net>.1.N}, Services to {@code 127.<net>.2.N}, the sample
 * provider to {@code 127.<net>.3.1}, and the client pods of the namespaces connect from
 * {@code 127.<net>.4.N} (Linux routes all of 127.0.0.0/8 to the loopback device).
 *
 * @param apiHost           the API server's address
 * @param apiPort           the API server's port; 0 for any free one
 * @param net               the second octet of the loopback addresses; two sandboxes with different ones coexist
 * @param servicePort       the port of the sample provider's Service, hence of the endpoint
 * @param forwarderReplicas forwarder pods per consumer namespace
 * @param kubeconfig        where the kubeconfig for kubectl is written
 * @param operatorNamespace where the operator runs its forwarders
 */
public record SandboxOptions(
        String apiHost,
        int apiPort,
        int net,
        int servicePort,
        int forwarderReplicas,
        Path kubeconfig,
        String operatorNamespace) {

    public static final String PROVIDER_NAMESPACE = "payments";
    public static final String PROVIDER_SERVICE = "payments-api";
    public static final String ENDPOINT_SERVICE = "payments";
    public static final String CONSUMER_NAMESPACE = "shop";
    public static final String ENDPOINT = "payments";
    /** The operator's Deployment, in the operator namespace. */
    public static final String OPERATOR_DEPLOYMENT = "kube-privatelink-operator";

    public SandboxOptions {
        if (net < 0 || net > 255) {
            throw new IllegalArgumentException("net is an octet: 0..255");
        }
        if (forwarderReplicas < 1 || forwarderReplicas > 250) {
            throw new IllegalArgumentException("forwarderReplicas must be 1..250");
        }
    }

    public static SandboxOptions defaults() {
        return new SandboxOptions(
                "127.0.0.1", 6443, 0, 9080, 2, Path.of("target", "sandbox", "kubeconfig"), "kube-privatelink-system");
    }

    public SandboxOptions withApiPort(int port) {
        return new SandboxOptions(apiHost, port, net, servicePort, forwarderReplicas, kubeconfig, operatorNamespace);
    }

    public SandboxOptions withNet(int octet) {
        return new SandboxOptions(
                apiHost, apiPort, octet, servicePort, forwarderReplicas, kubeconfig, operatorNamespace);
    }

    public SandboxOptions withServicePort(int port) {
        return new SandboxOptions(apiHost, apiPort, net, port, forwarderReplicas, kubeconfig, operatorNamespace);
    }

    public SandboxOptions withForwarderReplicas(int replicas) {
        return new SandboxOptions(apiHost, apiPort, net, servicePort, replicas, kubeconfig, operatorNamespace);
    }

    public SandboxOptions withKubeconfig(Path path) {
        return new SandboxOptions(apiHost, apiPort, net, servicePort, forwarderReplicas, path, operatorNamespace);
    }

    AddressPool podAddresses() {
        return new AddressPool("127." + net + ".1.");
    }

    AddressPool clientAddresses() {
        return new AddressPool("127." + net + ".4.");
    }

    AddressPool serviceAddresses() {
        return new AddressPool("127." + net + ".2.");
    }

    String providerAddress() {
        return "127." + net + ".3.1";
    }
}
