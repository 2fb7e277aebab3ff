package dev.privatelink.operator;

import dev.privatelink.desired.ForwarderPod;
import dev.privatelink.desired.Labels;
import dev.privatelink.desired.Resources;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;
import java.util.function.Function;

/** Reads what the endpoint slices need from a forwarder pod and the node it runs on. */
final class ForwarderPods {
    private ForwarderPods() {}

    static Optional<ForwarderPod> from(Pod pod, Function<String, Optional<Node>> nodes) {
        var status = pod.getStatus();
        if (status == null || status.getPodIP() == null || status.getPodIP().isEmpty()) {
            return Optional.empty();
        }
        boolean ready = status.getConditions() != null
                && status.getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        String zone = nodeName == null
                ? null
                : nodes.apply(nodeName)
                        .map(n -> n.getMetadata().getLabels())
                        .map(labels -> labels.get(Labels.ZONE_NODE_LABEL))
                        .orElse(null);
        return Optional.of(new ForwarderPod(
                pod.getMetadata().getName(),
                pod.getMetadata().getNamespace(),
                status.getPodIP(),
                ready,
                !Resources.isLive(pod),
                zone,
                nodeName));
    }
}
