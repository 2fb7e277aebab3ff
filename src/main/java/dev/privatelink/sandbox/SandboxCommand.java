package dev.privatelink.sandbox;

import dev.privatelink.api.InterfaceEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The sandbox role: Kubernetes, the operator and the data plane on this machine, until Ctrl-C. */
@Command(
        name = "sandbox",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run an API server, the operator, forwarders and a sample provider with an endpoint to it, all on "
                    + "loopback, and print how to use them with curl and kubectl. Ctrl-C stops everything."
        })
public class SandboxCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--api-port",
            paramLabel = "PORT",
            defaultValue = "6443",
            description = "Port of the API server on 127.0.0.1; 0 for any free one (default: ${DEFAULT-VALUE}).")
    int apiPort;

    @Option(
            names = "--service-port",
            paramLabel = "PORT",
            defaultValue = "9080",
            description = "Port of the sample provider's Service and so of the endpoint (default: ${DEFAULT-VALUE}).")
    int servicePort;

    @Option(
            names = "--net",
            paramLabel = "OCTET",
            defaultValue = "0",
            description = "Second octet of the loopback addresses: pods 127.N.1.x, Services 127.N.2.x, the"
                    + " namespaces' client pods 127.N.4.x (default: ${DEFAULT-VALUE}).")
    int net;

    @Option(
            names = "--replicas",
            paramLabel = "N",
            defaultValue = "2",
            description = "Forwarder pods per consumer namespace (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(
            names = "--clusters",
            paramLabel = "N",
            defaultValue = "1",
            description = "1: one cluster with the provider and the endpoint. 2: two clusters, east (the provider,"
                    + " on --net and --api-port) and west (the endpoint to it, on the next of each), peered,"
                    + " with contexts east and west in one kubeconfig (default: ${DEFAULT-VALUE}).")
    int clusters;

    @Option(
            names = "--kubeconfig",
            paramLabel = "FILE",
            defaultValue = "target/sandbox/kubeconfig",
            description = "Where to write the kubeconfig for kubectl (default: ${DEFAULT-VALUE}).")
    Path kubeconfig;

    @Inject
    MeterRegistry registry;

    @Override
    public Integer call() {
        SandboxOptions options = SandboxOptions.defaults()
                .withApiPort(apiPort)
                .withServicePort(servicePort)
                .withNet(net)
                .withForwarderReplicas(replicas)
                .withKubeconfig(kubeconfig);
        if (clusters != 1 && clusters != 2) {
            throw new ParameterException(spec.commandLine(), "--clusters must be 1 or 2");
        }
        try (RunningSandbox sandbox =
                clusters == 2 ? TwoClusterSandbox.start(options, registry) : Sandbox.start(options, registry)) {
            InterfaceEndpoint endpoint = sandbox.awaitEndpoint(Duration.ofSeconds(60));
            sandbox.awaitServing(endpoint, Duration.ofSeconds(60));
            PrintWriter out = spec.commandLine().getOut();
            out.println(sandbox.guide(endpoint));
            out.flush();
            Quarkus.waitForExit();
        }
        return 0;
    }
}
