package dev.privatelink.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.privatelink.api.Api;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.operator.ControlPlane;
import dev.privatelink.sandbox.admission.CrdSchema;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Admission of the project's kinds as kube-apiserver does it for a custom resource, which the
 * mock server does not: every create, update and patch (of the object or of its status
 * subresource) is turned into the object that would be stored, admitted by the CRD's schema and
 * CEL rules ({@link CrdSchema}: unknown fields pruned, defaults applied, transition rules against
 * the stored object), and either refused with the API server's 422 {@code Invalid} Status, whose
 * causes name the fields, or stored with a PUT (the mock server then keeps the status of a spec
 * write, the spec of a status write, and moves {@code metadata.generation} only with the spec).
 * A strategic merge patch is refused as kube-apiserver refuses it for custom resources.
 */
final class Admission {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** /apis/privatelink.dev/VERSION/namespaces/NS/PLURAL[/NAME[/status]] */
    private static final Pattern PATH = Pattern.compile("/apis/" + Pattern.quote(Api.GROUP)
            + "/([^/]+)/namespaces/([^/]+)/([^/?]+)(?:/([^/?]+))?(/status)?(?:\\?(.*))?");

    private final Dispatcher crud;
    private final Map<String, CrdSchema> byPlural = new LinkedHashMap<>();

    Admission(Dispatcher crud) {
        this.crud = crud;
        for (Class<? extends HasMetadata> kind :
                List.of(EndpointService.class, ServicePermission.class, InterfaceEndpoint.class)) {
            byPlural.put(HasMetadata.getPlural(kind), CrdSchema.fromResource(ControlPlane.crdResource(kind)));
        }
    }

    /** The schemas of the project's CRDs, by plural. */
    Map<String, CrdSchema> schemas() {
        return byPlural;
    }

    /** The answer to a write of one of the project's kinds, or null if this request is none. */
    MockResponse handle(RecordedRequest request) {
        String method = request.getMethod();
        if (!List.of("POST", "PUT", "PATCH").contains(method)) {
            return null;
        }
        Matcher m = PATH.matcher(request.getPath());
        if (!m.matches() || !byPlural.containsKey(m.group(3))) {
            return null;
        }
        CrdSchema schema = byPlural.get(m.group(3));
        String name = m.group(4);
        boolean status = m.group(5) != null;
        boolean dryRun = String.valueOf(m.group(6)).matches("(.*&)?dryRun=All(&.*)?");
        String objectPath = request.getPath().replaceFirst("(/status)?(\\?.*)?$", "");
        try {
            if (method.equals("POST")) {
                if (name != null) {
                    return null;
                }
                ObjectNode object = object(request.getUtf8Body());
                object.remove("status"); // the status subresource: a create sets none
                return admitted(request, schema, null, object, objectPath, dryRun, HttpMethod.POST);
            }
            if (name == null) {
                return null;
            }
            MockResponse stored = crud.dispatch(new RecordedRequest(
                    request.getHttpVersion(), HttpMethod.GET, objectPath, jsonHeaders(request, 0), new Buffer()));
            if (stored.code() != 200 || stored.getBody() == null) {
                return notFound(schema, name);
            }
            ObjectNode current = object(stored.getBody().readUtf8());
            ObjectNode written;
            if (method.equals("PUT")) {
                written = object(request.getUtf8Body());
            } else {
                String type = String.valueOf(request.getHeader("Content-Type"));
                JsonNode patch = JSON.readTree(request.getUtf8Body());
                if (type.startsWith("application/json-patch+json")) {
                    written = (ObjectNode) JsonPatch.apply(patch, current);
                } else if (type.startsWith("application/merge-patch+json")) {
                    written = (ObjectNode) MergePatch.apply(current, patch);
                } else {
                    return unsupportedPatch();
                }
            }
            ObjectNode next;
            if (status) {
                next = current.deepCopy();
                next.set("status", written.get("status"));
            } else {
                next = written;
                if (current.has("status")) {
                    next.set("status", current.get("status"));
                } else {
                    next.remove("status");
                }
            }
            return admitted(
                    request, schema, current, next, objectPath + (status ? "/status" : ""), dryRun, HttpMethod.PUT);
        } catch (IOException | ClassCastException | JsonPatchException | IllegalArgumentException e) {
            return DiscoveryDispatcher.status(
                    400, "BadRequest", "the request body is no valid object or patch: " + e.getMessage());
        }
    }

    private MockResponse admitted(
            RecordedRequest request,
            CrdSchema schema,
            ObjectNode current,
            ObjectNode next,
            String path,
            boolean dryRun,
            HttpMethod method)
            throws IOException {
        CrdSchema.Admission admission =
                schema.admit(current == null ? null : JSON.writeValueAsString(current), JSON.writeValueAsString(next));
        String fieldValidation = WatchStream.parameter(query(request), "fieldValidation");
        List<String> unknown = admission.unknownFields().stream()
                .map(f -> "unknown field \"" + f + "\"")
                .toList();
        if ("Strict".equals(fieldValidation) && !unknown.isEmpty()) {
            return DiscoveryDispatcher.status(
                    400,
                    "BadRequest",
                    schema.kind() + " in version \"" + Api.VERSION + "\" cannot be handled as a " + schema.kind()
                            + ": strict decoding error: " + String.join(", ", unknown));
        }
        if (!admission.allowed()) {
            return invalid(schema, next.path("metadata").path("name").asText(), admission.review());
        }
        if (dryRun) {
            return new MockResponse()
                    .setResponseCode(method == HttpMethod.POST ? 201 : 200)
                    .addHeader("Content-Type", "application/json")
                    .setBody(admission.objectJson());
        }
        byte[] body = admission.objectJson().getBytes(StandardCharsets.UTF_8);
        MockResponse response = crud.dispatch(new RecordedRequest(
                request.getHttpVersion(), method, path, jsonHeaders(request, body.length), new Buffer(body)));
        if (method == HttpMethod.POST && response.code() == 200) {
            response.setResponseCode(201);
        }
        response.setHeader("Content-Type", "application/json");
        if (!"Ignore".equals(fieldValidation)) {
            // the default, Warn: stored without them, and kubectl prints "Warning: unknown field ..."
            unknown.forEach(u -> response.addHeader("Warning", "299 - \"" + u.replace("\"", "\\\"") + "\""));
        }
        return response;
    }

    private static String query(RecordedRequest request) {
        int at = request.getPath().indexOf('?');
        return at < 0 ? null : request.getPath().substring(at + 1);
    }

    private static ObjectNode object(String json) throws IOException {
        JsonNode node = JSON.readTree(json);
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return object;
    }

    private static Headers jsonHeaders(RecordedRequest request, int length) {
        return request.getHeaders()
                .newBuilder()
                .set("Content-Type", "application/json")
                .set("Accept", "application/json")
                .set("Content-Length", String.valueOf(length))
                .build();
    }

    /**
     * kube-apiserver's refusal: {@code InterfaceEndpoint.privatelink.dev "x" is invalid: CAUSES},
     * each cause with its field, which kubectl prints as {@code The InterfaceEndpoint "x" is
     * invalid: spec.serviceName: Invalid value: ...}.
     */
    static MockResponse invalid(CrdSchema schema, String name, CrdSchema.Review review) {
        ObjectNode status = JSON.createObjectNode()
                .put("kind", "Status")
                .put("apiVersion", "v1")
                .put("status", "Failure");
        status.putObject("metadata");
        List<String> causes = review.violations().stream()
                .map(v -> (v.path().isEmpty() ? "<nil>" : v.path()) + ": " + v.detail())
                .toList();
        status.put(
                "message",
                schema.kind() + "." + Api.GROUP + " \"" + name + "\" is invalid: "
                        + (causes.size() == 1 ? causes.get(0) : "[" + String.join(", ", causes) + "]"));
        status.put("reason", "Invalid");
        ObjectNode details = status.putObject("details")
                .put("name", name)
                .put("group", Api.GROUP)
                .put("kind", schema.kind());
        ArrayNode list = details.putArray("causes");
        review.violations()
                .forEach(v -> list.addObject()
                        .put("reason", v.reason())
                        .put("message", v.detail())
                        .put("field", v.path().isEmpty() ? "<nil>" : v.path()));
        status.put("code", 422);
        return new MockResponse()
                .setResponseCode(422)
                .addHeader("Content-Type", "application/json")
                .setBody(status.toString());
    }

    private static MockResponse notFound(CrdSchema schema, String name) {
        ObjectNode status = JSON.createObjectNode()
                .put("kind", "Status")
                .put("apiVersion", "v1")
                .put("status", "Failure")
                .put("message", schema.name() + " \"" + name + "\" not found")
                .put("reason", "NotFound");
        status.putObject("details")
                .put("name", name)
                .put("group", Api.GROUP)
                .put("kind", schema.name().substring(0, schema.name().indexOf('.')));
        status.put("code", 404);
        return new MockResponse()
                .setResponseCode(404)
                .addHeader("Content-Type", "application/json")
                .setBody(status.toString());
    }

    /** What kube-apiserver answers a strategic merge patch (or another unknown type) of a custom resource. */
    static MockResponse unsupportedPatch() {
        return DiscoveryDispatcher.status(
                415,
                "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include:"
                        + " application/json-patch+json, application/merge-patch+json");
    }
}
