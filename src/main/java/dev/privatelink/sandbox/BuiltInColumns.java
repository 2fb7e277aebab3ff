package dev.privatelink.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.privatelink.sandbox.TableView.Column;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The columns kube-apiserver's table printers show for the built-in kinds the sandbox holds
 * (k8s.io/kubernetes pkg/printers/internalversion), by "group/plural"; columns of priority 1
 * show with {@code -o wide}. Kinds not here get Name and Age.
 */
final class BuiltInColumns {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String NONE = "<none>";

    private BuiltInColumns() {}

    static final List<Column> PODS = List.of(
            TableView.NAME,
            text("Ready", 0, "The number of ready containers of all.", BuiltInColumns::podReady),
            text("Status", 0, "The aggregate status of the containers in this pod.", BuiltInColumns::podStatus),
            text("Restarts", 0, "The number of times the containers in this pod have been restarted.", pod -> {
                long restarts = 0;
                for (JsonNode c : pod.path("status").path("containerStatuses")) {
                    restarts += c.path("restartCount").asLong();
                }
                return String.valueOf(restarts);
            }),
            TableView.AGE,
            text(
                    "IP",
                    1,
                    "IP address assigned to the pod",
                    pod -> orNone(pod.path("status").path("podIP"))),
            text(
                    "Node",
                    1,
                    "Name of the node the pod is assigned to",
                    pod -> orNone(pod.path("spec").path("nodeName"))),
            text(
                    "Nominated Node",
                    1,
                    "Name of the node where the pod is nominated to run",
                    pod -> orNone(pod.path("status").path("nominatedNodeName"))),
            text("Readiness Gates", 1, "Readiness gates of the pod", pod -> NONE));

    static final List<Column> SERVICES = List.of(
            TableView.NAME,
            text(
                    "Type",
                    0,
                    "The type of service.",
                    svc -> svc.path("spec").path("type").asText("ClusterIP")),
            text(
                    "Cluster-IP",
                    0,
                    "The cluster IP of the service.",
                    svc -> orNone(svc.path("spec").path("clusterIP"))),
            text("External-IP", 0, "The external IP of the service.", BuiltInColumns::externalIp),
            text("Port(s)", 0, "The ports of the service.", svc -> {
                List<String> ports = new ArrayList<>();
                for (JsonNode p : svc.path("spec").path("ports")) {
                    ports.add(p.path("port").asText()
                            + (p.has("nodePort") ? ":" + p.path("nodePort").asText() : "")
                            + "/" + p.path("protocol").asText("TCP"));
                }
                return ports.isEmpty() ? NONE : String.join(",", ports);
            }),
            TableView.AGE,
            text(
                    "Selector",
                    1,
                    "The selector of the service.",
                    svc -> selector(svc.path("spec").path("selector"))));

    static final List<Column> ENDPOINT_SLICES = List.of(
            TableView.NAME,
            text(
                    "AddressType",
                    0,
                    "The type of the addresses.",
                    s -> s.path("addressType").asText()),
            text("Ports", 0, "The ports of the endpoints.", s -> {
                List<String> ports = new ArrayList<>();
                s.path("ports").forEach(p -> ports.add(p.path("port").asText("<unset>")));
                return ports.isEmpty() ? "<unset>" : String.join(",", ports);
            }),
            text("Endpoints", 0, "The addresses of the endpoints.", s -> {
                List<String> addresses = new ArrayList<>();
                s.path("endpoints").forEach(e -> e.path("addresses").forEach(a -> addresses.add(a.asText())));
                if (addresses.isEmpty()) {
                    return "<unset>";
                }
                return addresses.size() <= 3
                        ? String.join(",", addresses)
                        : String.join(",", addresses.subList(0, 3)) + " + " + (addresses.size() - 3) + " more...";
            }),
            TableView.AGE);

    static final List<Column> DEPLOYMENTS = List.of(
            TableView.NAME,
            text(
                    "Ready",
                    0,
                    "The number of ready replicas of those asked for.",
                    d -> d.path("status").path("readyReplicas").asLong() + "/"
                            + d.path("spec").path("replicas").asLong(1)),
            integer(
                    "Up-to-date",
                    "The replicas updated to the pod template.",
                    d -> d.path("status").path("updatedReplicas").asLong()),
            integer(
                    "Available",
                    "The replicas available to serve.",
                    d -> d.path("status").path("availableReplicas").asLong()),
            TableView.AGE,
            text("Containers", 1, "Names of each container in the template.", d -> containers(d, "name")),
            text("Images", 1, "Images referenced by each container in the template.", d -> containers(d, "image")),
            text(
                    "Selector",
                    1,
                    "The label selector of the pods.",
                    d -> selector(d.path("spec").path("selector").path("matchLabels"))));

    static final List<Column> CONFIG_MAPS = List.of(
            TableView.NAME,
            integer(
                    "Data",
                    "The number of keys.",
                    cm -> cm.path("data").size() + cm.path("binaryData").size()),
            TableView.AGE);

    static final List<Column> NAMESPACES = List.of(
            TableView.NAME,
            text(
                    "Status",
                    0,
                    "The status of the namespace.",
                    ns -> ns.path("status").path("phase").asText("Active")),
            TableView.AGE);

    static final List<Column> SERVICE_ACCOUNTS = List.of(
            TableView.NAME,
            integer(
                    "Secrets",
                    "The number of secrets of the service account.",
                    sa -> sa.path("secrets").size()),
            TableView.AGE);

    static final List<Column> LEASES = List.of(
            TableView.NAME,
            text(
                    "Holder",
                    0,
                    "The holder of the lease.",
                    l -> l.path("spec").path("holderIdentity").asText("")),
            TableView.AGE);

    static final List<Column> EVENTS = List.of(
            new Column(
                    "Last Seen",
                    "date",
                    "",
                    "The time the event was last seen.",
                    0,
                    e -> firstOf(e, "lastTimestamp", "eventTime", "firstTimestamp")),
            text("Type", 0, "The type of the event.", e -> e.path("type").asText()),
            text("Reason", 0, "The reason of the event.", e -> e.path("reason").asText()),
            text("Object", 0, "The object the event is about.", e -> {
                JsonNode about = e.path("involvedObject");
                return about.path("kind").asText().toLowerCase() + "/"
                        + about.path("name").asText();
            }),
            text(
                    "Subobject",
                    1,
                    "The part of the object.",
                    e -> e.path("involvedObject").path("fieldPath").asText("")),
            text(
                    "Source",
                    1,
                    "Who reported the event.",
                    e -> e.path("source").path("component").asText("")),
            text(
                    "Message",
                    0,
                    "The message of the event.",
                    e -> e.path("message").asText()),
            new Column(
                    "First Seen",
                    "date",
                    "",
                    "The time the event was first seen.",
                    1,
                    e -> firstOf(e, "firstTimestamp", "eventTime")),
            integer("Count", 1, "How often it happened.", e -> e.path("count").asLong(1)),
            Column.path("Name", "string", "name", "The name of the event.", 1, ".metadata.name"));

    /** The columns of the built-in kinds, by "group/plural". */
    static final Map<String, List<Column>> BY_RESOURCE = Map.of(
            "/pods", PODS,
            "/services", SERVICES,
            "discovery.k8s.io/endpointslices", ENDPOINT_SLICES,
            "apps/deployments", DEPLOYMENTS,
            "/configmaps", CONFIG_MAPS,
            "/namespaces", NAMESPACES,
            "/serviceaccounts", SERVICE_ACCOUNTS,
            "coordination.k8s.io/leases", LEASES,
            "/events", EVENTS);

    private static Column text(String name, int priority, String description, Function<JsonNode, String> cell) {
        return new Column(name, "string", "", description, priority, o -> NODES.textNode(cell.apply(o)));
    }

    private static Column integer(String name, String description, Function<JsonNode, Number> cell) {
        return integer(name, 0, description, cell);
    }

    private static Column integer(String name, int priority, String description, Function<JsonNode, Number> cell) {
        return new Column(
                name,
                "integer",
                "",
                description,
                priority,
                o -> NODES.numberNode(cell.apply(o).longValue()));
    }

    private static JsonNode firstOf(JsonNode object, String... fields) {
        for (String field : fields) {
            if (object.path(field).isTextual()) {
                return object.get(field);
            }
        }
        return null;
    }

    private static String orNone(JsonNode value) {
        return value.isTextual() && !value.asText().isEmpty() ? value.asText() : NONE;
    }

    private static String selector(JsonNode labels) {
        List<String> pairs = new ArrayList<>();
        labels.fields()
                .forEachRemaining(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
        return pairs.isEmpty() ? NONE : String.join(",", pairs);
    }

    private static String containers(JsonNode deployment, String field) {
        List<String> values = new ArrayList<>();
        deployment
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .forEach(c -> values.add(c.path(field).asText()));
        return String.join(",", values);
    }

    /** Ready containers of all: from the container statuses, or the Ready condition when there are none. */
    private static String podReady(JsonNode pod) {
        int containers = Math.max(1, pod.path("spec").path("containers").size());
        JsonNode statuses = pod.path("status").path("containerStatuses");
        if (statuses.isArray() && !statuses.isEmpty()) {
            int ready = 0;
            for (JsonNode c : statuses) {
                ready += c.path("ready").asBoolean() ? 1 : 0;
            }
            return ready + "/" + containers;
        }
        JsonNode condition = TableView.evaluate(pod, ".status.conditions[?(@.type==\"Ready\")].status");
        return (condition != null && condition.asText().equals("True") ? containers : 0) + "/" + containers;
    }

    /** The phase, a reason of the pod or of a waiting or terminated container, or Terminating. */
    private static String podStatus(JsonNode pod) {
        if (pod.path("metadata").has("deletionTimestamp")) {
            return "Terminating";
        }
        String status = pod.path("status")
                .path("reason")
                .asText(pod.path("status").path("phase").asText("Pending"));
        for (JsonNode c : pod.path("status").path("containerStatuses")) {
            String waiting = c.path("state").path("waiting").path("reason").asText("");
            String terminated =
                    c.path("state").path("terminated").path("reason").asText("");
            if (!waiting.isEmpty()) {
                status = waiting;
            } else if (!terminated.isEmpty()) {
                status = terminated;
            }
        }
        return status;
    }

    private static String externalIp(JsonNode svc) {
        String type = svc.path("spec").path("type").asText("ClusterIP");
        List<String> ips = new ArrayList<>();
        svc.path("spec").path("externalIPs").forEach(ip -> ips.add(ip.asText()));
        if (type.equals("LoadBalancer")) {
            svc.path("status")
                    .path("loadBalancer")
                    .path("ingress")
                    .forEach(i -> ips.add(i.path("ip").asText(i.path("hostname").asText())));
            return ips.isEmpty() ? "<pending>" : String.join(",", ips);
        }
        if (type.equals("ExternalName")) {
            return svc.path("spec").path("externalName").asText(NONE);
        }
        return ips.isEmpty() ? NONE : String.join(",", ips);
    }
}
