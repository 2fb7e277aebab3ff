package dev.privatelink.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code meta.k8s.io/v1} Table of objects, the answer an API server gives {@code kubectl get}
 * (which asks for one in its Accept header): a Name column, then the CRD's
 * additionalPrinterColumns for a custom resource, or the columns kube-apiserver prints for a
 * built-in kind ({@link BuiltInColumns}).
 */
final class TableView {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern STEP =
            Pattern.compile("\\.([^.\\[]+)|\\[\\?\\(@\\.([^=!\\s]+)\\s*==\\s*['\"]([^'\"]*)['\"]\\)]|\\[(\\d+)]");

    /** A column: its header, type (string, integer, boolean, date…), priority and how to read its cell. */
    record Column(
            String name,
            String type,
            String format,
            String description,
            int priority,
            Function<JsonNode, JsonNode> cell) {
        static Column of(CustomResourceColumnDefinition d) {
            return path(
                    d.getName(),
                    d.getType(),
                    d.getFormat() == null ? "" : d.getFormat(),
                    d.getDescription() == null ? "" : d.getDescription(),
                    d.getPriority() == null ? 0 : d.getPriority(),
                    d.getJsonPath());
        }

        /** A column of the value at a JSONPath (as a CRD's printer columns are). */
        static Column path(String name, String type, String format, String description, int priority, String jsonPath) {
            evaluate(NODES.objectNode(), jsonPath); // an unsupported path fails now, not on every row
            return new Column(name, type, format, description, priority, object -> evaluate(object, jsonPath));
        }
    }

    static final Column NAME =
            Column.path("Name", "string", "name", "Name must be unique within a namespace.", 0, ".metadata.name");
    static final Column AGE = Column.path(
            "Age",
            "date",
            "",
            "CreationTimestamp is a timestamp representing the server time when this object was created.",
            0,
            ".metadata.creationTimestamp");

    private TableView() {}

    /** Name, then the CRD's printer columns of the kind. */
    static List<Column> columns(Class<? extends HasMetadata> kind) {
        List<Column> columns = new ArrayList<>();
        columns.add(NAME);
        DiscoveryDispatcher.crd(kind)
                .getSpec()
                .getVersions()
                .get(0)
                .getAdditionalPrinterColumns()
                .forEach(d -> columns.add(Column.of(d)));
        return columns;
    }

    /**
     * The value at a printer column's JSONPath in an object, or null when there is none. Supports
     * what CRDs use: field steps ({@code .status.state}), list indexes ({@code [0]}) and equality
     * filters on lists of objects ({@code .status.conditions[?(@.type=="Ready")].status}, first
     * match).
     */
    static JsonNode evaluate(JsonNode object, String jsonPath) {
        String path = jsonPath.trim();
        if (path.startsWith("{") && path.endsWith("}")) {
            path = path.substring(1, path.length() - 1);
        }
        if (path.startsWith("$")) {
            path = path.substring(1);
        }
        List<JsonNode> current = List.of(object);
        Matcher m = STEP.matcher(path);
        int at = 0;
        while (at < path.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("unsupported JSONPath " + jsonPath + " at " + path.substring(at));
            }
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                if (m.group(1) != null) {
                    add(next, node.get(m.group(1)));
                } else if (m.group(4) != null) {
                    add(next, node.isArray() ? node.get(Integer.parseInt(m.group(4))) : null);
                } else if (node.isArray()) {
                    for (JsonNode element : node) {
                        JsonNode key = evaluate(element, "." + m.group(2));
                        if (key != null && key.isValueNode() && key.asText().equals(m.group(3))) {
                            next.add(element);
                        }
                    }
                }
            }
            current = next;
            at = m.end();
        }
        return current.isEmpty() ? null : current.get(0);
    }

    private static void add(List<JsonNode> nodes, JsonNode node) {
        if (node != null && !node.isNull() && !node.isMissingNode()) {
            nodes.add(node);
        }
    }

    /**
     * A Table of an object, or of the items of a list, with these columns; a date column shows the
     * time since then as an API server does ({@code 5m10s}), since kubectl prints cells as they are.
     */
    static ObjectNode table(JsonNode objectOrList, List<Column> columns, Instant now) {
        ObjectNode table = NODES.objectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        ObjectNode metadata = table.putObject("metadata");
        JsonNode resourceVersion = objectOrList.path("metadata").path("resourceVersion");
        if (objectOrList.has("items") && resourceVersion.isTextual()) {
            metadata.put("resourceVersion", resourceVersion.asText());
        }
        ArrayNode definitions = table.putArray("columnDefinitions");
        for (Column c : columns) {
            definitions
                    .addObject()
                    .put("name", c.name())
                    .put("type", c.type())
                    .put("format", c.format())
                    .put("description", c.description())
                    .put("priority", c.priority());
        }
        ArrayNode rows = table.putArray("rows");
        Iterable<JsonNode> objects = objectOrList.has("items") ? objectOrList.get("items") : List.of(objectOrList);
        for (JsonNode object : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (Column c : columns) {
                JsonNode value = c.cell().apply(object);
                if (value != null && value.isTextual() && c.type().equals("date")) {
                    try {
                        value = NODES.textNode(humanDuration(Duration.between(Instant.parse(value.asText()), now)));
                    } catch (DateTimeParseException e) {
                        // not a timestamp: shown as it is
                    }
                }
                cells.add(
                        value == null
                                ? NODES.nullNode()
                                : value.isValueNode() ? value : NODES.textNode(value.toString()));
            }
            row.putObject("object")
                    .put("kind", "PartialObjectMetadata")
                    .put("apiVersion", "meta.k8s.io/v1")
                    .set("metadata", object.path("metadata").deepCopy());
        }
        return table;
    }

    /** A duration the way Kubernetes prints ages (k8s.io/apimachinery duration.HumanDuration). */
    static String humanDuration(Duration d) {
        long seconds = d.getSeconds();
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        } else if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        } else if (hours < 24 * 365 * 8) {
            long days = hours / 24 % 365;
            return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
        }
        return hours / 24 / 365 + "y";
    }
}
