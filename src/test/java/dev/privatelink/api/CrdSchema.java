package dev.privatelink.api;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.path.PathType;
import dev.cel.common.CelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The {@code openAPIV3Schema} of one committed CRD, and an admission check of objects against it
 * in the API server's order: defaults, then the OpenAPI schema, then the CEL rules.
 */
final class CrdSchema {

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

    static final String NOT_CHECKED = "some validation rules were not checked because the object was invalid;"
            + " correct the existing errors to complete validation";

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String SPEC = "#/properties/spec";

    final String name;
    final String kind;
    private final JsonNode openApi;
    private final Schema validator;

    private CrdSchema(JsonNode crd) {
        this.name = crd.path("metadata").path("name").stringValue();
        this.kind = crd.path("spec").path("names").path("kind").stringValue();
        this.openApi = crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
        this.validator = SCHEMAS.getSchema(openApi);
    }

    static CrdSchema load(String file) {
        return new CrdSchema(YAML.readTree(Path.of("crds", file).toFile()));
    }

    /** What a violation found, where, and which constraint of the schema (CRD name + location) it breaks. */
    record Violation(String path, String message, String constraint) {
        @Override
        public String toString() {
            return path.isEmpty() ? message : path + ": " + message;
        }
    }

    /** The outcome of admitting one object: its violations and every constraint that was checked. */
    record Review(List<Violation> violations, Set<String> checked) {
        List<String> messages() {
            return violations.stream().map(Violation::toString).toList();
        }
    }

    Review create(String specYaml) {
        return review(null, object(specYaml));
    }

    Review update(String oldSpecYaml, String specYaml) {
        return review(object(oldSpecYaml), object(specYaml));
    }

    /** Every constraint under spec and every CEL rule of the CRD, keyed as in {@link Violation#constraint()}. */
    Set<String> constraints() {
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
            review.violations().add(new Violation("", NOT_CHECKED, null));
        }
        walk(openApi, "#", object, old, "", !blocking, review);
        return review;
    }

    private Violation violation(Error error) {
        String path = error.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
        String constraint = name + error.getSchemaLocation();
        if ("required".equals(error.getKeyword())) {
            return new Violation(path + "." + error.getProperty(), "required", constraint + "/" + error.getProperty());
        }
        return new Violation(path, error.getKeyword(), constraint);
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
                review.violations().add(new Violation(path, message, constraint));
            }
        } catch (CelException e) {
            review.violations().add(new Violation(path, "cannot evaluate " + rule + ": " + e.getMessage(), null));
        }
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
