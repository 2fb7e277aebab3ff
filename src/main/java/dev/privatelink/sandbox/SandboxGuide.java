package dev.privatelink.sandbox;

import static dev.privatelink.sandbox.SandboxOptions.CONSUMER_NAMESPACE;
import static dev.privatelink.sandbox.SandboxOptions.ENDPOINT;
import static dev.privatelink.sandbox.SandboxOptions.ENDPOINT_SERVICE;
import static dev.privatelink.sandbox.SandboxOptions.OPERATOR_DEPLOYMENT;
import static dev.privatelink.sandbox.SandboxOptions.PROVIDER_NAMESPACE;

import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.desired.Labels;
import dev.privatelink.operator.ClusterPeerReconciler;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** What the sandbox prints once the sample endpoint is Available: how to try it with curl and kubectl. */
final class SandboxGuide {
    private SandboxGuide() {}

    static String text(Sandbox sandbox, InterfaceEndpoint endpoint) {
        String id = endpoint.getStatus().getEndpointId();
        String serviceName = endpoint.getSpec().getServiceName();
        String url = "http://" + endpoint.getStatus().getAddress() + ":"
                + sandbox.options().servicePort() + "/";
        String shop = sandbox.clientAddress(CONSUMER_NAMESPACE, Duration.ofSeconds(30));
        String payments = sandbox.clientAddress(PROVIDER_NAMESPACE, Duration.ofSeconds(30));
        String curl = "curl --interface " + shop + " " + url;
        return """

                ================================================================================
                The kube-privatelink sandbox is running. Ctrl-C stops everything.

                Kubernetes API: %1$s (no auth; the Fabric8 mock API server, in memory)
                  export KUBECONFIG=%2$s
                  kubectl get privatelink -A          # also: get epsvc,svcperm -n %3$s; get vpce -n %4$s

                Every namespace has a client pod that connects from an address of its own (curl --interface);
                the forwarders admit only pods of their consumer namespace (a curl without --interface is from
                127.0.0.1, no pod: reset too):
                  kubectl get ns -o custom-columns='NAME:.metadata.name,CLIENT:.metadata.annotations.sandbox\\.privatelink\\.dev/client-address'

                Endpoint %4$s/%5$s (%6$s) to endpoint service %3$s/%7$s (%8$s) is Available.
                From a pod of %4$s (%13$s) it answers:
                  %9$s
                  -> hello from payments: client=%13$s:... endpoint=%6$s
                From a pod of any other namespace (here one of %3$s, %14$s) the forwarder resets the connection:
                  curl --interface %14$s %15$s
                  -> curl: (56) Recv failure: Connection reset by peer
                and so it does for a client that sends a PROXY header of its own, to forge its source:
                  curl --haproxy-protocol --interface %13$s %15$s
                  -> curl: (56) Recv failure: Connection reset by peer

                After a curl, what the connection carried, as the owner sees it (the operator reads the forwarders'
                counters every %17$d s here; every 60 s by default):
                  kubectl -n %3$s get epsvc %7$s -o jsonpath='{range .status.connections[*]}{.consumer} {.usage}{"\n"}{end}'
                  -> %4$s/%5$s {"bytesFromConsumer":...,"bytesToConsumer":...,"since":"..."}
                The forwarder pods' metrics, what a PodMonitor scrapes (labels endpoint_id, endpoint_service,
                endpoint_service_namespace, consumer_namespace):
                %16$s

                Suspend the connection (the owner's decision, in the EndpointService's spec), then curl: refused
                  kubectl -n %3$s patch epsvc %7$s --type=json \\
                    -p '[{"op":"add","path":"/spec/connections","value":[{"endpointId":"%6$s","decision":"Suspend"}]}]'
                  kubectl -n %4$s get vpce %5$s      # STATE Suspended
                  %9$s      # Connection refused

                Resume it (remove the decision, or make it Accept), then curl again: it answers
                  kubectl -n %3$s patch epsvc %7$s --type=json -p '[{"op":"remove","path":"/spec/connections"}]'

                The operator is a Deployment: at 0 replicas the forwarders keep serving, and a decision waits for it
                  kubectl -n %10$s scale deployment %11$s --replicas=0
                  %9$s      # still answered
                  kubectl -n %3$s patch epsvc %7$s --type=json \\
                    -p '[{"op":"add","path":"/spec/connections","value":[{"endpointId":"%6$s","decision":"Suspend"}]}]'
                  kubectl -n %4$s get vpce %5$s      # still STATE Available, and curl still answered
                  kubectl -n %10$s scale deployment %11$s --replicas=1
                  kubectl -n %4$s get vpce %5$s      # Suspended once the operator has started; curl: refused
                  kubectl -n %3$s patch epsvc %7$s --type=json -p '[{"op":"remove","path":"/spec/connections"}]'

                Delete a forwarder pod: a replacement starts, on a new address, and the EndpointSlices follow
                  kubectl -n %10$s get pods      # READY, STATUS and IP of the operator and forwarder pods
                  kubectl -n %10$s delete pod %12$s
                  kubectl -n %10$s get pods      # a new forwarder pod, on a new IP
                  kubectl -n %4$s get endpointslices -o custom-columns='NAME:.metadata.name,ADDRESSES:.endpoints[*].addresses[0]'
                  %9$s

                A namespace the owner did not permit cannot tell the service from one that does not exist:
                  kubectl create -f - <<EOF
                  apiVersion: v1
                  kind: Namespace
                  metadata: {name: intruder}
                  ---
                  apiVersion: privatelink.dev/v1alpha1
                  kind: InterfaceEndpoint
                  metadata: {name: payments, namespace: intruder}
                  spec: {serviceName: %8$s}
                  EOF
                  kubectl -n intruder get vpce payments -o jsonpath='{.status.state} {.status.conditions[?(@.type=="Ready")].reason}{"\\n"}'
                  -> Failed ServiceNotFound
                and its new client pod cannot use %4$s's endpoint either:
                  curl --interface $(kubectl get ns intruder -o jsonpath='{.metadata.annotations.sandbox\\.privatelink\\.dev/client-address}') %15$s
                  -> curl: (56) Recv failure: Connection reset by peer

                More client pods: any Pod you create outside %10$s (kubectl run, create -f) gets an address of its
                own (status.podIP, and the annotation sandbox.privatelink.dev/client-address) and is Running:
                  kubectl -n %4$s run checkout --image=none --labels=app=checkout
                  curl --interface $(kubectl -n %4$s get pod checkout -o jsonpath='{.status.podIP}') %15$s

                kubectl: get (-w, wait), describe (with Events), explain, create/apply -f (admitted by the CRDs'
                schemas and CEL rules), edit, patch, scale work; not apply --server-side or other protobuf
                requests (use -f manifests). See README.md, section "The sandbox".
                ================================================================================
                """.formatted(
                        sandbox.apiUrl(),
                        sandbox.kubeconfig(),
                        PROVIDER_NAMESPACE,
                        CONSUMER_NAMESPACE,
                        ENDPOINT,
                        id,
                        ENDPOINT_SERVICE,
                        serviceName,
                        curl,
                        sandbox.options().operatorNamespace(),
                        OPERATOR_DEPLOYMENT,
                        forwarderPod(sandbox),
                        shop,
                        payments,
                        url,
                        metricsCommands(sandbox),
                        Sandbox.USAGE_INTERVAL_SECONDS);
    }

    /** What the two-cluster sandbox prints once west's endpoint to east's service is Available. */
    static String text(TwoClusterSandbox sandbox, InterfaceEndpoint endpoint) {
        Sandbox east = sandbox.east();
        Sandbox west = sandbox.west();
        String id = endpoint.getStatus().getEndpointId();
        String shop = west.clientAddress(CONSUMER_NAMESPACE, Duration.ofSeconds(30));
        String curl = "curl --interface " + shop + " http://"
                + endpoint.getStatus().getAddress() + ":" + west.options().servicePort() + "/";
        String key = TwoClusterSandbox.consumerKey();
        return """

                ================================================================================
                The kube-privatelink sandbox is running with two clusters. Ctrl-C stops everything.

                  east: %1$s  the provider: endpoint service %3$s/%4$s, and its gateway
                  west: %2$s  the consumer: endpoint %5$s/%6$s to %4$s in cluster east
                Each has its own API server, operator and loopback range; one kubeconfig has both:
                  export KUBECONFIG=%7$s
                  kubectl --context east get clusterpeers,epsvc -A
                  kubectl --context west get clusterpeers,vpce -A

                They were peered as README.md "Peering two clusters" tells two admins to:
                  east: a ClusterPeer west with spec.invite; its token is in Secret %8$s/%9$s, key token
                  west: that token in Secret %10$s/%11$s, and a ClusterPeer east with spec.join.tokenSecretRef
                Only public keys crossed: each ClusterPeer's status has the other's trust bundle.

                From west's client pod of %5$s (%12$s), through west's forwarder and east's gateway (mutual
                TLS), to east's sample provider, which reads east's endpoint ID from the PROXY v2 header:
                  %13$s
                  -> hello from payments: client=... endpoint=%14$s

                East's owner decides, in east, naming the endpoint by its consumer key %15$s: suspend it
                  kubectl --context east -n %3$s patch epsvc %4$s --type=json \\
                    -p '[{"op":"add","path":"/spec/connections","value":[{"consumer":"%15$s","decision":"Suspend"}]}]'
                  kubectl --context west -n %5$s get vpce %6$s      # STATE Suspended, at west's next sync (5 s)
                  %13$s      # refused: east's gateway lets nothing through
                Resume it (remove the decision, or make it Accept), then, once west's endpoint is Available again, curl:
                  kubectl --context east -n %3$s patch epsvc %4$s --type=json -p '[{"op":"remove","path":"/spec/connections"}]'
                  kubectl --context west -n %5$s get vpce %6$s -w
                  %13$s

                See README.md, section "Across clusters".
                ================================================================================
                """.formatted(
                        east.apiUrl(),
                        west.apiUrl(),
                        PROVIDER_NAMESPACE,
                        ENDPOINT_SERVICE,
                        CONSUMER_NAMESPACE,
                        ENDPOINT,
                        sandbox.kubeconfig(),
                        east.options().operatorNamespace(),
                        ClusterPeerReconciler.inviteSecretName(TwoClusterSandbox.WEST),
                        west.options().operatorNamespace(),
                        TwoClusterSandbox.TOKEN_SECRET,
                        shop,
                        curl,
                        id,
                        key);
    }

    /** One curl per forwarder pod's metrics URL, showing the byte counters. */
    private static String metricsCommands(Sandbox sandbox) {
        List<String> urls = sandbox.forwarderMetricsUrls();
        if (urls.isEmpty()) {
            return "  (no forwarder pod is running yet: kubectl -n "
                    + sandbox.options().operatorNamespace() + " get pods)";
        }
        return urls.stream()
                .map(url -> "  curl -s " + url + " | grep '^privatelink_forwarder_bytes_total'")
                .collect(Collectors.joining("\n"));
    }

    /** The name of one forwarder pod of the sample endpoint's namespace, to delete. */
    private static String forwarderPod(Sandbox sandbox) {
        return sandbox
                .client()
                .pods()
                .inNamespace(sandbox.options().operatorNamespace())
                .withLabel(Labels.COMPONENT, Labels.COMPONENT_FORWARDER)
                .withLabel(Labels.CONSUMER_NAMESPACE, CONSUMER_NAMESPACE)
                .list()
                .getItems()
                .stream()
                .map(p -> p.getMetadata().getName())
                .sorted()
                .findFirst()
                .orElse("<a forwarder pod's name>");
    }
}
