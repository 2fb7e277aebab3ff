package dev.privatelink.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Predicate;

/**
 * A field selector as kube-apiserver reads it ({@code involvedObject.name=x,type!=Normal}):
 * requirements joined by commas, each {@code field=value}, {@code field==value} or
 * {@code field!=value}; a field missing from an object has the value "".
 */
final class FieldSelector {
    private FieldSelector() {}

    static Predicate<JsonNode> parse(String selector) {
        Predicate<JsonNode> all = object -> true;
        if (selector == null || selector.isBlank()) {
            return all;
        }
        for (String requirement : selector.split(",")) {
            boolean not = requirement.contains("!=");
            String[] sides = requirement.split(not ? "!=" : "==?", 2);
            if (sides.length != 2) {
                throw new IllegalArgumentException("invalid field selector " + selector);
            }
            String field = sides[0].trim();
            String value = sides[1].trim();
            Predicate<JsonNode> equal = object -> value(object, field).equals(value);
            all = all.and(not ? equal.negate() : equal);
        }
        return all;
    }

    private static String value(JsonNode object, String field) {
        JsonNode node = object;
        for (String step : field.split("\\.")) {
            node = node.path(step);
        }
        return node.isValueNode() ? node.asText() : "";
    }
}
