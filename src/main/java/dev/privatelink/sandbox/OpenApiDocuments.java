package dev.privatelink.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.privatelink.api.Api;
import dev.privatelink.sandbox.admission.CrdSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;

/**
 * The OpenAPI v3 documents kube-apiserver publishes for the CRDs' group, which {@code kubectl
 * explain} reads: the index {@code /openapi/v3} names the group version's document, whose
 * {@code components.schemas} hold each kind's {@code openAPIV3Schema} with the
 * {@code x-kubernetes-group-version-kind} kubectl looks it up by, and the standard descriptions
 * of apiVersion, kind and metadata that kube-apiserver adds; and the PATCH operation's query
 * parameters, by which kubectl decides to leave field validation to the server. Built-in kinds
 * have no document (kubectl then knows no schema for them, for explain and validation alike).
 */
final class OpenApiDocuments {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String GROUP_PATH = "/openapi/v3/apis/" + Api.GROUP + "/" + Api.VERSION;

    private final String index;
    private final String group;

    OpenApiDocuments(Collection<CrdSchema> schemas) {
        try {
            ObjectNode groupDocument = JSON.createObjectNode().put("openapi", "3.0.0");
            groupDocument
                    .putObject("info")
                    .put("title", "Kubernetes CRD Swagger")
                    .put("version", "v0.1.0");
            ObjectNode groupPaths = groupDocument.putObject("paths");
            ObjectNode components = groupDocument.putObject("components").putObject("schemas");
            for (CrdSchema crd : schemas) {
                ObjectNode schema = (ObjectNode) JSON.readTree(crd.openApiJson());
                ObjectNode properties = schema.with("properties");
                properties
                        .putObject("apiVersion")
                        .put("type", "string")
                        .put(
                                "description",
                                "APIVersion defines the versioned schema of this representation of an object."
                                        + " Servers should convert recognized schemas to the latest internal value,"
                                        + " and may reject unrecognized values.");
                properties
                        .putObject("kind")
                        .put("type", "string")
                        .put(
                                "description",
                                "Kind is a string value representing the REST resource this object represents.");
                JsonNode metadata = properties.path("metadata");
                ObjectNode meta = metadata.isObject() ? (ObjectNode) metadata : properties.putObject("metadata");
                meta.put("type", "object")
                        .put(
                                "description",
                                "Standard object's metadata. More info:"
                                        + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");
                schema.putArray("x-kubernetes-group-version-kind")
                        .addObject()
                        .put("group", Api.GROUP)
                        .put("kind", crd.kind())
                        .put("version", Api.VERSION);
                String id = Api.GROUP.replace('.', '-') + "." + Api.VERSION + "." + crd.kind();
                components.set(id, schema);
                // kubectl explain finds a resource's kind from the GET of its paths
                String plural = crd.name().substring(0, crd.name().indexOf('.'));
                String prefix = "/apis/" + Api.GROUP + "/" + Api.VERSION + "/namespaces/{namespace}/" + plural;
                for (String path : List.of(prefix, prefix + "/{name}")) {
                    ObjectNode operations = groupPaths.putObject(path);
                    if (path.endsWith("}")) {
                        // kubectl sends fieldValidation and dryRun (and checks here that the
                        // server takes them) with the PATCH of a kind: the admission honours both
                        ObjectNode patch = operations.putObject("patch");
                        patch.put("x-kubernetes-action", "patch");
                        patch.putObject("x-kubernetes-group-version-kind")
                                .put("group", Api.GROUP)
                                .put("kind", crd.kind())
                                .put("version", Api.VERSION);
                        for (String parameter : List.of("dryRun", "fieldValidation")) {
                            patch.withArray("parameters")
                                    .addObject()
                                    .put("name", parameter)
                                    .put("in", "query")
                                    .putObject("schema")
                                    .put("type", "string");
                        }
                    }
                    ObjectNode get = operations.putObject("get");
                    get.put("x-kubernetes-action", path.endsWith("}") ? "get" : "list");
                    get.putObject("x-kubernetes-group-version-kind")
                            .put("group", Api.GROUP)
                            .put("kind", crd.kind())
                            .put("version", Api.VERSION);
                    get.putObject("responses")
                            .putObject("200")
                            .put("description", "OK")
                            .putObject("content")
                            .putObject("application/json")
                            .putObject("schema")
                            .put("$ref", "#/components/schemas/" + id);
                }
            }
            group = JSON.writeValueAsString(groupDocument);
            ObjectNode paths = JSON.createObjectNode();
            paths.putObject("apis/" + Api.GROUP + "/" + Api.VERSION)
                    .put("serverRelativeURL", GROUP_PATH + "?hash=" + Integer.toHexString(group.hashCode()));
            ObjectNode indexDocument = JSON.createObjectNode();
            indexDocument.set("paths", paths);
            index = JSON.writeValueAsString(indexDocument);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document at this path (without its query), or null if there is none. */
    String document(String path) {
        if (path.equals("/openapi/v3") || path.equals("/openapi/v3/")) {
            return index;
        }
        return path.equals(GROUP_PATH) ? group : null;
    }
}
