package dev.privatelink.sandbox.admission;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.path.PathType;
import dev.cel.common.CelException;
import dev.privatelink.api.Api;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The {@code openAPIV3Schema} of one CRD, and an admission check of objects against it in the API
 * server's order: pruning of unknown fields, defaults, then the OpenAPI schema, then the CEL rules
 * (transition rules with {@code oldSelf} on updates). The sandbox's API server admits the
 * project's kinds with it, and the tests check the committed CRDs with the same code.
 */
public final class CrdSchema {

    /** The schema keywords that can reject an object (besides the CEL rules). */
    private static final List<String> KEYWORDS = List.of(
            "required", "enum", "pattern", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems");

    /** Kubernetes' extensions, which the API server checks in its own way (the CEL rules: see below). */
    private static final List<String> EXTENSIONS = List.of(
            "x-kubernetes-validations",
            "x-kubernetes-preserve-unknown-fields",
            "x-kubernetes-int-or-string",
            "x-kubernetes-embedded-resource",
            "x-kubernetes-list-type",
            "x-kubernetes-list-map-keys",
            "x-kubernetes-map-type");

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(
            Dialect.builder(Dialects.getOpenApi30())
                    .keywords(EXTENSIONS.stream().map(NonValidationKeyword::new).toList())
                    .build(),
            registry -> registry.schemaRegistryConfig(
                    SchemaRegistryConfig.builder().pathType(PathType.JSON_PATH).build()));

    /**
     * Schema violations after which the API server does not evaluate the CEL rules but reports
     * {@link #NOT_CHECKED} (its customresource strategy's {@code hasBlockingErr}: type, required,
     * enum, maxLength, maxItems, maxProperties).
     */
    private static final Set<String> BLOCKING =
            Set.of("type", "required", "enum", "maxLength", "maxItems", "maxProperties");

    public static final String NOT_CHECKED = "some validation rules were not checked because the object was invalid;"
            + " correct the existing errors to complete validation";

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String SPEC = "#/properties/spec";

    private final String name;
    private final String kind;
    private final JsonNode openApi;
    private final Schema validator;

    private CrdSchema(JsonNode crd) {
        this.name = crd.path("metadata").path("name").stringValue();
        this.kind = crd.path("spec").path("names").path("kind").stringValue();
        this.openApi = crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
        this.validator = SCHEMAS.getSchema(openApi);
    }

    /** A committed CRD, from the {@code crds} folder of the project. */
    public static CrdSchema load(String file) {
        return new CrdSchema(YAML.readTree(Path.of("crds", file).toFile()));
    }

    /** A CRD from the class path (the jar carries the generated CRDs under {@code crds/}). */
    public static CrdSchema fromResource(String resource) {
        try (InputStream in = CrdSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no " + resource + " on the class path");
            }
            return new CrdSchema(YAML.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CRD's name ({@code plural.group}). */
    public String name() {
        return name;
    }

    /** The kind it defines. */
    public String kind() {
        return kind;
    }

    /** The {@code openAPIV3Schema} of its version, as JSON (what {@code kubectl explain} is served). */
    public String openApiJson() {
        return openApi.toString();
    }

    /**
     * What a violation found, where, and which constraint of the schema (CRD name + location) it
     * breaks; {@code reason} and {@code detail} are the API server's for it (a {@code StatusCause}:
     * {@code FieldValueInvalid}, {@code Invalid value: "x": spec.a in body should match '^b$'}).
     */
    public record Violation(String path, String message, String constraint, String reason, String detail) {
        @Override
        public String toString() {
            return path.isEmpty() ? message : path + ": " + message;
        }
    }

    /** The outcome of admitting one object: its violations and every constraint that was checked. */
    public record Review(List<Violation> violations, Set<String> checked) {
        public List<String> messages() {
            return violations.stream().map(Violation::toString).toList();
        }
    }

    /**
     * An admitted (or refused) object: pruned and defaulted, as it would be stored, its review, and
     * the unknown fields that were pruned ({@code spec.bogus}).
     */
    public record Admission(String objectJson, Review review, List<String> unknownFields) {
        public boolean allowed() {
            return review.violations().isEmpty();
        }
    }

    /** Admission of a new object with this spec (named "sample"). */
    public Review create(String specYaml) {
        return review(null, object(specYaml));
    }

    /** Admission of an update from an object with the old spec to one with this one. */
    public Review update(String oldSpecYaml, String specYaml) {
        return review(object(oldSpecYaml), object(specYaml));
    }

    /**
     * Admission of a whole object (JSON) as the API server admits a create ({@code oldJson} null)
     * or an update: unknown fields of spec and status pruned, defaults applied, then validated.
     */
    public Admission admit(String oldJson, String json) {
        ObjectNode object = (ObjectNode) YAML.readTree(json);
        List<String> unknown = new ArrayList<>();
        prune(openApi.path("properties").path("spec"), object.get("spec"), "spec", unknown);
        prune(openApi.path("properties").path("status"), object.get("status"), "status", unknown);
        applyDefaults(openApi, object);
        JsonNode old = null;
        if (oldJson != null) {
            old = YAML.readTree(oldJson);
            applyDefaults(openApi, old);
        }
        return new Admission(object.toString(), review(old, object), unknown);
    }

    /** Drops the fields the schema does not know, as the API server prunes them (unless preserved). */
    private static void prune(JsonNode schema, JsonNode json, String path, List<String> pruned) {
        if (json == null || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            return;
        }
        if (json.isObject()) {
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            List<String> unknown = new ArrayList<>();
            json.forEachEntry((key, child) -> {
                if (properties.has(key)) {
                    prune(properties.get(key), child, path + "." + key, pruned);
                } else if (additional.isObject()) {
                    prune(additional, child, path + "." + key, pruned);
                } else if (!additional.asBoolean(false)) {
                    unknown.add(key);
                    pruned.add(path + "." + key);
                }
            });
            unknown.forEach(((ObjectNode) json)::remove);
        } else if (json.isArray()) {
            for (int i = 0; i < json.size(); i++) {
                prune(schema.path("items"), json.get(i), path + "[" + i + "]", pruned);
            }
        }
    }

    /** Every constraint under spec and every CEL rule of the CRD, keyed as in {@link Violation#constraint()}. */
    public Set<String> constraints() {
        Set<String> constraints = new LinkedHashSet<>();
        collect(openApi, "#", constraints);
        return constraints;
    }

    private void collect(JsonNode schema, String location, Set<String> constraints) {
        if (location.startsWith(SPEC)) {
            constraints.addAll(keywordConstraints(schema, location));
        }
        schema.path("x-kubernetes-validations")
                .forEach(rule -> constraints.add(
                        ruleConstraint(location, rule.path("rule").stringValue())));
        schema.path("properties")
                .forEachEntry((key, child) -> collect(child, location + "/properties/" + key, constraints));
        if (schema.has("items")) {
            collect(schema.get("items"), location + "/items", constraints);
        }
        if (schema.path("additionalProperties").isObject()) {
            collect(schema.get("additionalProperties"), location + "/additionalProperties", constraints);
        }
    }

    private List<String> keywordConstraints(JsonNode schema, String location) {
        List<String> constraints = new ArrayList<>();
        for (String keyword : KEYWORDS) {
            if (keyword.equals("required")) {
                schema.path("required").forEach(p -> constraints.add(name + location + "/required/" + p.stringValue()));
            } else if (schema.has(keyword)) {
                constraints.add(name + location + "/" + keyword);
            }
        }
        return constraints;
    }

    private String ruleConstraint(String location, String rule) {
        return name + location + " " + rule;
    }

    private ObjectNode object(String specYaml) {
        ObjectNode object = YAML.createObjectNode();
        object.put("apiVersion", Api.GROUP + "/" + Api.VERSION);
        object.put("kind", kind);
        object.putObject("metadata").put("name", "sample");
        object.set("spec", YAML.readTree(specYaml));
        applyDefaults(openApi, object);
        return object;
    }

    private static void applyDefaults(JsonNode schema, JsonNode json) {
        if (json.isObject()) {
            schema.path("properties").forEachEntry((key, child) -> {
                if (!json.has(key) && child.has("default")) {
                    ((ObjectNode) json).set(key, child.get("default").deepCopy());
                }
                if (json.has(key)) {
                    applyDefaults(child, json.get(key));
                }
            });
        } else if (json.isArray()) {
            json.forEach(item -> applyDefaults(schema.path("items"), item));
        }
    }

    private Review review(JsonNode old, JsonNode object) {
        Review review = new Review(new ArrayList<>(), new LinkedHashSet<>());
        boolean blocking = false;
        for (Error error : validator.validate(object)) {
            review.violations().add(violation(error));
            blocking |= BLOCKING.contains(error.getKeyword());
        }
        if (blocking) {
            review.violations()
                    .add(new Violation("", NOT_CHECKED, null, "InternalError", "Internal error: " + NOT_CHECKED));
        }
        walk(openApi, "#", object, old, "", !blocking, review);
        return review;
    }

    private Violation violation(Error error) {
        String path = error.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
        String location = error.getSchemaLocation().toString();
        String constraint = name + location;
        String keyword = error.getKeyword();
        if ("required".equals(keyword)) {
            String field = path.isEmpty() ? error.getProperty() : path + "." + error.getProperty();
            return new Violation(
                    field, "required", constraint + "/" + error.getProperty(), "FieldValueRequired", "Required value");
        }
        JsonNode bound = openApi.at(location.replaceFirst("^#", ""));
        JsonNode value = error.getInstanceNode();
        String shown = value == null ? "null" : value.toString();
        String detail = switch (keyword) {
            case "pattern" ->
                "Invalid value: " + shown + ": " + path + " in body should match '" + bound.stringValue() + "'";
            case "enum" -> {
                List<String> supported = new ArrayList<>();
                bound.forEach(v -> supported.add(v.toString()));
                yield "Unsupported value: " + shown + ": supported values: " + String.join(", ", supported);
            }
            case "minimum" ->
                "Invalid value: " + shown + ": " + path + " in body should be greater than or equal to " + bound;
            case "maximum" ->
                "Invalid value: " + shown + ": " + path + " in body should be less than or equal to " + bound;
            case "minLength" ->
                "Invalid value: " + shown + ": " + path + " in body should be at least " + bound + " chars long";
            case "maxLength" -> "Too long: may not be longer than " + bound;
            case "minItems" ->
                "Invalid value: " + value.size() + ": " + path + " in body should have at least " + bound + " items";
            case "maxItems" -> "Too many: " + value.size() + ": must have at most " + bound + " items";
            case "type" ->
                "Invalid value: " + shown + ": " + path + " in body must be of type " + bound.stringValue() + ": "
                        + typeName(value);
            default -> "Invalid value: " + shown + ": " + error.getMessage();
        };
        String reason = switch (keyword) {
            case "enum" -> "FieldValueNotSupported";
            case "maxLength" -> "FieldValueTooLong";
            case "maxItems" -> "FieldValueTooMany";
            case "type" -> "FieldValueTypeInvalid";
            default -> "FieldValueInvalid";
        };
        return new Violation(path, keyword, constraint, reason, detail);
    }

    /** The name of a value's type as CEL and the API server's messages show it. */
    private static String typeName(JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        } else if (value.isObject()) {
            return "object";
        } else if (value.isArray()) {
            return "array";
        } else if (value.isIntegralNumber()) {
            return "integer";
        } else if (value.isNumber()) {
            return "number";
        } else if (value.isBoolean()) {
            return "boolean";
        }
        return "string";
    }

    /** Records the constraints that apply to the value and evaluates the CEL rules sitting at its schema. */
    private void walk(
            JsonNode schema, String location, JsonNode json, JsonNode old, String path, boolean cel, Review review) {
        review.checked().addAll(keywordConstraints(schema, location));
        for (JsonNode validation : schema.path("x-kubernetes-validations")) {
            String rule = validation.path("rule").stringValue();
            if (cel && (old != null || !CelRules.isTransition(rule))) {
                String constraint = ruleConstraint(location, rule);
                review.checked().add(constraint);
                evaluate(
                        rule,
                        schema,
                        json,
                        old,
                        path,
                        constraint,
                        validation.path("message").stringValue(),
                        review);
            }
        }
        schema.path("properties").forEachEntry((key, child) -> {
            if (json.has(key)) {
                JsonNode oldChild = old == null ? null : old.get(key);
                walk(child, location + "/properties/" + key, json.get(key), oldChild, join(path, key), cel, review);
            }
        });
        if (json.isArray() && schema.has("items")) {
            // items of an atomic list do not correlate with the old list: no oldSelf for them
            for (int i = 0; i < json.size(); i++) {
                walk(schema.get("items"), location + "/items", json.get(i), null, path + "[" + i + "]", cel, review);
            }
        }
    }

    private static void evaluate(
            String rule,
            JsonNode schema,
            JsonNode json,
            JsonNode old,
            String path,
            String constraint,
            String message,
            Review review) {
        try {
            Object oldSelf = old == null ? null : CelRules.value(schema, old);
            if (!CelRules.holds(rule, CelRules.value(schema, json), oldSelf)) {
                review.violations()
                        .add(new Violation(
                                path,
                                message,
                                constraint,
                                "FieldValueInvalid",
                                "Invalid value: \"" + typeName(json) + "\": "
                                        + (message == null ? "failed rule: " + rule : message)));
            }
        } catch (CelException e) {
            String problem = "cannot evaluate " + rule + ": " + e.getMessage();
            review.violations().add(new Violation(path, problem, null, "InternalError", "Internal error: " + problem));
        }
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
