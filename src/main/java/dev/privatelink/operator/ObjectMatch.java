package dev.privatelink.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Whether an object in the cluster still is what the operator rendered. Every field the operator
 * renders must hold the rendered value, and every list the rendered length: fields the API
 * server defaults or that others add beside them are left alone, but an edited value, an added
 * or removed list entry is drift. A field the operator owns but renders empty (the endpoints of
 * a suspended endpoint's slice) does not appear in the rendering at all, so those paths are
 * named per kind and must be empty in the cluster too.
 */
final class ObjectMatch {
    private ObjectMatch() {}

    /**
     * Paths the operator owns even when it renders them empty. A NetworkPolicy's rules are among
     * them: a rule added to a policy rendered without any would open what it fences.
     */
    private static final Map<Class<?>, List<String>> OWNED_WHEN_EMPTY = Map.of(
            EndpointSlice.class,
            List.of("/endpoints", "/ports"),
            Service.class,
            List.of("/spec/selector"),
            NetworkPolicy.class,
            List.of("/spec/ingress", "/spec/egress"));

    static boolean matches(HasMetadata rendered, HasMetadata actual, JsonNode renderedJson, JsonNode actualJson) {
        for (String path : OWNED_WHEN_EMPTY.getOrDefault(rendered.getClass(), List.of())) {
            if (isEmpty(renderedJson.at(path)) && !isEmpty(actualJson.at(path))) {
                return false;
            }
        }
        return covers(renderedJson, actualJson);
    }

    /** Every field of {@code wanted} is in {@code actual} with the same value; lists have the same length. */
    static boolean covers(JsonNode wanted, JsonNode actual) {
        if (wanted.isObject()) {
            if (!actual.isObject()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = wanted.fields(); it.hasNext(); ) {
                var field = it.next();
                if (!covers(field.getValue(), actual.path(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (wanted.isArray()) {
            if (!actual.isArray() || actual.size() != wanted.size()) {
                return false;
            }
            for (int i = 0; i < wanted.size(); i++) {
                if (!covers(wanted.get(i), actual.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (wanted.isNumber() && actual.isNumber()) {
            return wanted.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return wanted.equals(actual);
    }

    private static boolean isEmpty(JsonNode node) {
        return node.isMissingNode() || node.isNull() || node.isEmpty() && (node.isArray() || node.isObject());
    }
}
