package dev.privatelink.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.privatelink.api.Api;
import dev.privatelink.api.ClusterPeer;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.operator.ControlPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers the discovery requests kubectl starts with ({@code /version}, {@code /api},
 * {@code /apis} and each group version) for the kinds the sandbox holds, which the mock API
 * server does not (it answers them with a list of every object), and the CRDs' OpenAPI v3
 * document ({@link OpenApiDocuments}, for kubectl explain); everything else goes to the CRUD
 * dispatcher, adapted on the way to what kube-apiserver would answer:
 * <ul>
 *   <li>a write of one of the project's kinds is admitted by its CRD ({@link Admission});
 *   <li>a GET that asks for a Table (kubectl get) is answered with one ({@link TableView}: the
 *       CRD's printer columns for our kinds, kube-apiserver's for the built-in ones), a list is of
 *       its kind's list kind and filtered by any field selector, and a watch kubectl asks for is
 *       adapted ({@link WatchStream}, streamed by {@link ApiServerFront});
 *   <li>a strategic merge patch of a built-in kind (kubectl apply, edit and patch) goes to the
 *       CRUD dispatcher as a JSON merge patch, which the mock server would refuse; server-side
 *       apply is refused with what to use instead;
 *   <li>{@code kubectl create namespace NAME}, the one protobuf request it serves, is created from
 *       JSON ({@link ProtobufNamespace}); other protobuf bodies are refused (415) rather than left
 *       to the mock server, which never answers them.
 * </ul>
 */
final class DiscoveryDispatcher extends Dispatcher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    private static final String STRATEGIC_MERGE = "application/strategic-merge-patch+json";
    private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
    private static final String APPLY = "application/apply-patch";
    /** A Deployment's scale subresource; group 1 is the Deployment's own path. */
    private static final Pattern SCALE = Pattern.compile("(/apis/apps/v1/namespaces/[^/]+/deployments/[^/]+)/scale");

    private final Dispatcher crud;
    private final Admission admission;
    private final OpenApiDocuments openApiDocuments;
    private final Map<String, Object> documents = new LinkedHashMap<>();
    /** The printer columns of each kind, by "group/plural". */
    private final Map<String, List<TableView.Column>> columns = new LinkedHashMap<>();
    /** apiVersion and list kind of each resource, by "group/plural". */
    private final Map<String, String[]> listKinds = new LinkedHashMap<>();

    DiscoveryDispatcher(Dispatcher crud) {
        this.crud = crud;
        this.admission = new Admission(crud);
        this.openApiDocuments = new OpenApiDocuments(admission.schemas().values());
        Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        groups.put(
                "v1",
                List.of(
                        resource("namespaces", "Namespace", false, List.of("ns"), List.of()),
                        resource("pods", "Pod", true, List.of("po"), List.of("all")),
                        resource("services", "Service", true, List.of("svc"), List.of("all")),
                        resource("configmaps", "ConfigMap", true, List.of("cm"), List.of()),
                        resource("nodes", "Node", false, List.of("no"), List.of()),
                        resource("events", "Event", true, List.of("ev"), List.of()),
                        resource("serviceaccounts", "ServiceAccount", true, List.of("sa"), List.of())));
        groups.put(
                "apps/v1",
                List.of(
                        resource("deployments", "Deployment", true, List.of("deploy"), List.of("all")),
                        scaleSubresource("deployments")));
        groups.put(
                "discovery.k8s.io/v1",
                List.of(resource("endpointslices", "EndpointSlice", true, List.of(), List.of())));
        groups.put("coordination.k8s.io/v1", List.of(resource("leases", "Lease", true, List.of(), List.of())));
        groups.put("events.k8s.io/v1", List.of(resource("events", "Event", true, List.of("ev"), List.of())));
        groups.put(
                "apiextensions.k8s.io/v1",
                List.of(resource(
                        "customresourcedefinitions",
                        "CustomResourceDefinition",
                        false,
                        List.of("crd", "crds"),
                        List.of())));
        columns.putAll(BuiltInColumns.BY_RESOURCE);
        columns.put("events.k8s.io/events", BuiltInColumns.EVENTS);
        List<Map<String, Object>> privatelink = new ArrayList<>();
        for (Class<? extends HasMetadata> kind :
                List.of(EndpointService.class, ServicePermission.class, InterfaceEndpoint.class, ClusterPeer.class)) {
            CustomResourceDefinitionNames names = crd(kind).getSpec().getNames();
            privatelink.add(resource(
                    names.getPlural(),
                    names.getKind(),
                    Namespaced.class.isAssignableFrom(kind),
                    names.getShortNames(),
                    names.getCategories()));
            columns.put(HasMetadata.getGroup(kind) + "/" + names.getPlural(), TableView.columns(kind));
        }
        groups.put(HasMetadata.getApiVersion(EndpointService.class), privatelink);

        documents.put(
                "/version",
                Map.of(
                        "major",
                        "1",
                        "minor",
                        "32",
                        "gitVersion",
                        "v1.32.0-privatelink-sandbox",
                        "platform",
                        "linux/amd64"));
        documents.put(
                "/api",
                Map.of(
                        "kind",
                        "APIVersions",
                        "versions",
                        List.of("v1"),
                        "serverAddressByClientCIDRs",
                        List.of(Map.of("clientCIDR", "0.0.0.0/0", "serverAddress", "127.0.0.1"))));
        List<Map<String, Object>> groupList = new ArrayList<>();
        groups.forEach((groupVersion, resources) -> {
            String prefix = groupVersion.equals("v1") ? "/api/" : "/apis/";
            documents.put(
                    prefix + groupVersion,
                    Map.of(
                            "kind",
                            "APIResourceList",
                            "apiVersion",
                            "v1",
                            "groupVersion",
                            groupVersion,
                            "resources",
                            resources));
            if (!groupVersion.equals("v1")) {
                String group = groupVersion.substring(0, groupVersion.indexOf('/'));
                Map<String, Object> version =
                        Map.of("groupVersion", groupVersion, "version", groupVersion.substring(group.length() + 1));
                groupList.add(Map.of("name", group, "versions", List.of(version), "preferredVersion", version));
            }
        });
        documents.put("/apis", Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", groupList));
        groups.forEach((groupVersion, resources) -> resources.forEach(r -> {
            String group = groupVersion.contains("/") ? groupVersion.substring(0, groupVersion.indexOf('/')) : "";
            listKinds.putIfAbsent(group + "/" + r.get("name"), new String[] {groupVersion, r.get("kind") + "List"});
        }));
    }

    private static Map<String, Object> resource(
            String plural, String kind, boolean namespaced, List<String> shortNames, List<String> categories) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", plural);
        r.put("singularName", kind.toLowerCase());
        r.put("namespaced", namespaced);
        r.put("kind", kind);
        r.put("verbs", VERBS);
        if (shortNames != null && !shortNames.isEmpty()) {
            r.put("shortNames", shortNames);
        }
        if (categories != null && !categories.isEmpty()) {
            r.put("categories", categories);
        }
        return r;
    }

    /** The scale subresource of a kind (kubectl scale looks for it in discovery): an autoscaling/v1 Scale. */
    private static Map<String, Object> scaleSubresource(String plural) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", plural + "/scale");
        r.put("singularName", "");
        r.put("namespaced", true);
        r.put("group", "autoscaling");
        r.put("version", "v1");
        r.put("kind", "Scale");
        r.put("verbs", List.of("get", "patch", "update"));
        return r;
    }

    static CustomResourceDefinition crd(Class<? extends HasMetadata> kind) {
        String resource = ControlPlane.crdResource(kind);
        try (InputStream in = DiscoveryDispatcher.class.getClassLoader().getResourceAsStream(resource)) {
            return Serialization.unmarshal(in, CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        int query = path.indexOf('?');
        Object document =
                "GET".equals(request.getMethod()) ? documents.get(query < 0 ? path : path.substring(0, query)) : null;
        if (document == null) {
            Matcher scale = SCALE.matcher(query < 0 ? path : path.substring(0, query));
            if (scale.matches()) {
                return scale(request, scale.group(1));
            }
            if (path.startsWith("/openapi/v3")) {
                String openApi = openApiDocuments.document(query < 0 ? path : path.substring(0, query));
                return openApi == null
                        ? status(404, "NotFound", "no OpenAPI document at " + path)
                        : new MockResponse()
                                .setResponseCode(200)
                                .addHeader("Content-Type", "application/json")
                                .setBody(openApi);
            }
            if (path.startsWith("/openapi/v2")) {
                return new MockResponse()
                        .setResponseCode(200)
                        .addHeader("Content-Type", "application/octet-stream")
                        .setBody(new byte[0]);
            }
            if (String.valueOf(request.getHeader("Content-Type")).startsWith(PROTOBUF)) {
                return fromProtobuf(request, query < 0 ? path : path.substring(0, query));
            }
            String contentType = String.valueOf(request.getHeader("Content-Type"));
            if ("PATCH".equals(request.getMethod()) && contentType.startsWith(APPLY)) {
                return status(
                        415,
                        "UnsupportedMediaType",
                        "the sandbox's API server does not implement server-side apply (field managers,"
                                + " conflicts, merge keys): use kubectl apply without --server-side (client-side"
                                + " apply), or kubectl create -f / replace -f");
            }
            if (path.startsWith("/apis/" + Api.GROUP + "/")) {
                if ("PATCH".equals(request.getMethod()) && contentType.startsWith(STRATEGIC_MERGE)) {
                    return Admission.unsupportedPatch();
                }
                MockResponse admitted = admission.handle(request);
                if (admitted != null) {
                    return admitted;
                }
            }
            if ("PATCH".equals(request.getMethod()) && contentType.startsWith(STRATEGIC_MERGE)) {
                Headers headers = request.getHeaders()
                        .newBuilder()
                        .set("Content-Type", "application/merge-patch+json")
                        .build();
                return crud.dispatch(new RecordedRequest(
                        request.getHttpVersion(), request.method(), path, headers, request.getBody()));
            }
            if ("GET".equals(request.getMethod())) {
                return get(
                        request, query < 0 ? path : path.substring(0, query), query < 0 ? "" : path.substring(query));
            }
            return crud.dispatch(request);
        }
        try {
            return new MockResponse()
                    .setResponseCode(200)
                    .addHeader("Content-Type", "application/json")
                    .setBody(JSON.writeValueAsString(document));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Deployment's scale subresource, which the mock server does not serve: a GET reads the
     * Deployment's replicas, a PATCH or PUT (kubectl scale sends a merge patch of
     * {@code spec.replicas}) sets them with a merge patch of the Deployment; both answer with
     * the Scale.
     */
    private MockResponse scale(RecordedRequest request, String deploymentPath) {
        Headers json = request.getHeaders()
                .newBuilder()
                .set("Accept", "application/json")
                .build();
        MockResponse deployment;
        if ("GET".equals(request.getMethod())) {
            deployment = crud.dispatch(
                    new RecordedRequest(request.getHttpVersion(), HttpMethod.GET, deploymentPath, json, new Buffer()));
        } else if ("PATCH".equals(request.getMethod()) || "PUT".equals(request.getMethod())) {
            JsonNode replicas;
            try {
                replicas = JSON.readTree(request.getUtf8Body()).path("spec").path("replicas");
            } catch (IOException e) {
                replicas = null;
            }
            if (replicas == null || !replicas.canConvertToInt() || replicas.asInt() < 0) {
                return status(422, "Invalid", "a Scale needs spec.replicas, a number of 0 or more");
            }
            byte[] patch = ("{\"spec\":{\"replicas\":" + replicas.asInt() + "}}").getBytes(StandardCharsets.UTF_8);
            Headers headers = json.newBuilder()
                    .set("Content-Type", "application/merge-patch+json")
                    .set("Content-Length", String.valueOf(patch.length))
                    .build();
            deployment = crud.dispatch(new RecordedRequest(
                    request.getHttpVersion(), HttpMethod.PATCH, deploymentPath, headers, new Buffer(patch)));
        } else {
            return status(405, "MethodNotAllowed", "the scale subresource takes GET, PATCH and PUT");
        }
        // the mock server answers a patch with 202
        if (deployment.code() / 100 != 2 || deployment.getBody() == null) {
            return deployment;
        }
        try {
            JsonNode d = JSON.readTree(deployment.getBody().getBytes());
            ObjectNode scale = JSON.createObjectNode().put("kind", "Scale").put("apiVersion", "autoscaling/v1");
            ObjectNode metadata = scale.putObject("metadata");
            for (String field : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
                if (d.path("metadata").has(field)) {
                    metadata.set(field, d.path("metadata").get(field));
                }
            }
            int replicas = d.path("spec").path("replicas").asInt(1);
            scale.putObject("spec").put("replicas", replicas);
            List<String> selector = new ArrayList<>();
            d.path("spec")
                    .path("selector")
                    .path("matchLabels")
                    .fields()
                    .forEachRemaining(
                            e -> selector.add(e.getKey() + "=" + e.getValue().asText()));
            scale.putObject("status").put("replicas", replicas).put("selector", String.join(",", selector));
            return new MockResponse()
                    .setResponseCode(200)
                    .addHeader("Content-Type", "application/json")
                    .setBody(JSON.writeValueAsString(scale));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code kubectl create namespace NAME}: the Namespace created from JSON, answered in JSON (kubectl accepts it). */
    private MockResponse fromProtobuf(RecordedRequest request, String path) {
        var name = "POST".equals(request.getMethod()) && "/api/v1/namespaces".equals(path)
                ? ProtobufNamespace.name(request.getBody().readByteArray())
                : Optional.<String>empty();
        if (name.isEmpty()) {
            return status(
                    415,
                    "UnsupportedMediaType",
                    "the sandbox's API server takes JSON (protobuf only for"
                            + " kubectl create namespace): use a manifest with -f");
        }
        byte[] json = JSON.createObjectNode()
                .put("apiVersion", "v1")
                .put("kind", "Namespace")
                .set(
                        "metadata",
                        JSON.createObjectNode()
                                .put("name", name.get())
                                .set("labels", JSON.createObjectNode().put("kubernetes.io/metadata.name", name.get())))
                .toString()
                .getBytes(StandardCharsets.UTF_8);
        Headers headers = request.getHeaders()
                .newBuilder()
                .set("Content-Type", "application/json")
                .set("Accept", "application/json")
                .set("Content-Length", String.valueOf(json.length))
                .build();
        // typed: without a Content-Type, kubectl would take the answer for protobuf, what it sent
        return crud.dispatch(new RecordedRequest(
                        request.getHttpVersion(), HttpMethod.POST, request.getPath(), headers, new Buffer(json)))
                .setHeader("Content-Type", "application/json");
    }

    static MockResponse status(int code, String reason, String message) {
        ObjectNode status = JSON.createObjectNode()
                .put("kind", "Status")
                .put("apiVersion", "v1")
                .put("status", "Failure")
                .put("message", message)
                .put("reason", reason)
                .put("code", code);
        return new MockResponse()
                .setResponseCode(code)
                .addHeader("Content-Type", "application/json")
                .setBody(status.toString());
    }

    /**
     * The columns of a Table of the resource (or list) at this path, or null if the path is not
     * one of a resource kind: {@code /api/v1/[namespaces/NS/]PLURAL[/NAME]} or
     * {@code /apis/GROUP/VERSION/[namespaces/NS/]PLURAL[/NAME]}.
     */
    private List<TableView.Column> tableColumns(String path) {
        String resource = resource(path);
        return resource == null ? null : columns.getOrDefault(resource, List.of(TableView.NAME, TableView.AGE));
    }

    /**
     * "group/plural" of the resource (or list) at this path, or null if the path is not one of a
     * resource kind: {@code /api/v1/[namespaces/NS/]PLURAL[/NAME]} or
     * {@code /apis/GROUP/VERSION/[namespaces/NS/]PLURAL[/NAME]}.
     */
    static String resource(String path) {
        String[] segments = path.replaceFirst("^/", "").split("/");
        int at;
        String group;
        if (segments.length >= 3 && segments[0].equals("api")) {
            group = "";
            at = 2;
        } else if (segments.length >= 4 && segments[0].equals("apis")) {
            group = segments[1];
            at = 3;
        } else {
            return null;
        }
        int rest = segments.length - at;
        if (segments[at].equals("namespaces") && rest >= 3) {
            at += 2;
            rest -= 2;
        }
        if (rest > 2) {
            return null; // a subresource (status, log…)
        }
        return group + "/" + segments[at];
    }

    /**
     * A GET: a list or watch filtered by its field selector (the mock server knows only
     * {@code metadata.name}; kubectl describe asks for the Events of {@code involvedObject.*}), as a
     * Table when kubectl asks for one; a watch that is no WebSocket (kubectl's) is adapted by
     * {@link WatchStream}. The sandbox's own clients' WebSocket watches are the mock server's.
     */
    private MockResponse get(RecordedRequest request, String path, String query) {
        boolean watch = query.matches(".*[?&]watch=(true|1)(&.*|$)");
        boolean webSocket = "websocket".equalsIgnoreCase(String.valueOf(request.getHeader("Upgrade")));
        if (watch && webSocket) {
            return crud.dispatch(request);
        }
        List<TableView.Column> table =
                String.valueOf(request.getHeader("Accept")).contains("as=Table") ? tableColumns(path) : null;
        String selector = WatchStream.parameter(query, "fieldSelector");
        Predicate<JsonNode> selected;
        try {
            selected = FieldSelector.parse(selector);
        } catch (IllegalArgumentException e) {
            return status(400, "BadRequest", "unable to parse requirement: " + e.getMessage());
        }
        RecordedRequest forwarded = request;
        if (selector != null) {
            String rest = query.replaceFirst("^\\?", "")
                    .replaceAll("(^|&)fieldSelector=[^&]*", "")
                    .replaceFirst("^&", "");
            forwarded = new RecordedRequest(
                    request.getHttpVersion(),
                    request.method(),
                    rest.isEmpty() ? path : path + "?" + rest,
                    request.getHeaders(),
                    request.getBody());
        }
        MockResponse response = crud.dispatch(forwarded);
        if (watch) {
            if (response.getWebSocketListener() != null) {
                response.withWebSocketUpgrade(WatchStream.of(response.getWebSocketListener(), query, table, selected));
            }
            return response;
        }
        response = asList(response, listKinds.get(resource(path)), selected);
        return table == null ? response : asTable(response, table);
    }

    /**
     * A list answer as kube-apiserver gives it: of the kind's own list kind ({@code EventList}, not
     * the mock server's {@code List}, which kubectl describe cannot read), with a resourceVersion
     * (the newest of its items, to watch from), and only the items the field selector matches.
     */
    private static MockResponse asList(MockResponse response, String[] listKind, Predicate<JsonNode> selected) {
        if (response.code() != 200 || response.getBody() == null) {
            return response;
        }
        try {
            JsonNode body = JSON.readTree(response.getBody().getBytes());
            if (body == null || !body.path("items").isArray()) {
                return response;
            }
            ObjectNode list = JSON.createObjectNode();
            long newest = 0;
            ArrayNode items = JSON.createArrayNode();
            for (JsonNode item : body.get("items")) {
                newest = Math.max(
                        newest, item.path("metadata").path("resourceVersion").asLong(0));
                if (selected.test(item)) {
                    items.add(item);
                }
            }
            if (listKind != null) {
                list.put("apiVersion", listKind[0]).put("kind", listKind[1]);
            } else {
                list.setAll((ObjectNode) body);
            }
            list.putObject("metadata").put("resourceVersion", String.valueOf(newest));
            list.set("items", items);
            return new MockResponse()
                    .setResponseCode(200)
                    .addHeader("Content-Type", "application/json")
                    .setBody(JSON.writeValueAsString(list));
        } catch (IOException e) {
            return response;
        }
    }

    private static MockResponse asTable(MockResponse response, List<TableView.Column> columns) {
        if (response.code() != 200 || response.getBody() == null) {
            return response;
        }
        try {
            JsonNode body = JSON.readTree(response.getBody().getBytes());
            if (body == null || !body.isObject() || !(body.has("items") || body.has("metadata"))) {
                return response;
            }
            return new MockResponse()
                    .setResponseCode(200)
                    .addHeader("Content-Type", "application/json")
                    .setBody(JSON.writeValueAsString(TableView.table(body, columns, Instant.now())));
        } catch (IOException e) {
            return response;
        }
    }

    @Override
    public void shutdown() {
        crud.shutdown();
    }
}
