package dev.privatelink.sandbox.admission;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelException;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Evaluates {@code x-kubernetes-validations} rules with a real CEL runtime, the way the API server
 * does: {@code self} (and {@code oldSelf} for transition rules) declared as dyn, objects turned into
 * CEL maps and lists guided by their schema.
 */
final class CelRules {

    /** CEL words Kubernetes escapes as {@code __word__} when a property has that name. */
    private static final Set<String> RESERVED = Set.of(
            "true",
            "false",
            "null",
            "in",
            "as",
            "break",
            "const",
            "continue",
            "else",
            "for",
            "function",
            "if",
            "import",
            "let",
            "loop",
            "package",
            "namespace",
            "return",
            "var",
            "void",
            "while");

    private static final Cel CEL = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .addVar("oldSelf", SimpleType.DYN)
            .build();

    private static final Map<String, CelRuntime.Program> PROGRAMS = new HashMap<>();

    private CelRules() {}

    /** A transition rule compares with the stored object; the API server checks it on update only. */
    static boolean isTransition(String rule) {
        return rule.contains("oldSelf");
    }

    static boolean holds(String rule, Object self, Object oldSelf) throws CelException {
        Map<String, Object> vars = new HashMap<>();
        vars.put("self", self);
        if (oldSelf != null) {
            vars.put("oldSelf", oldSelf);
        }
        return Boolean.TRUE.equals(program(rule).eval(vars));
    }

    private static synchronized CelRuntime.Program program(String rule) throws CelException {
        CelRuntime.Program program = PROGRAMS.get(rule);
        if (program == null) {
            CelAbstractSyntaxTree ast = CEL.compile(rule).getAst();
            program = CEL.createProgram(ast);
            PROGRAMS.put(rule, program);
        }
        return program;
    }

    /**
     * The CEL value of a JSON value under a schema: properties of an object become map keys under
     * their escaped names (so {@code namespace} is {@code self.__namespace__}); keys of an
     * {@code additionalProperties} map stay as they are.
     */
    static Object value(JsonNode schema, JsonNode json) {
        if (json.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            JsonNode properties = schema.path("properties");
            json.forEachEntry((key, child) -> {
                if (properties.has(key)) {
                    map.put(escape(key), value(properties.get(key), child));
                } else if (schema.has("additionalProperties")) {
                    map.put(key, value(schema.get("additionalProperties"), child));
                }
            });
            return map;
        }
        if (json.isArray()) {
            List<Object> list = new ArrayList<>();
            json.forEach(item -> list.add(value(schema.path("items"), item)));
            return list;
        }
        if (json.isIntegralNumber()) {
            return json.longValue();
        }
        if (json.isNumber()) {
            return json.doubleValue();
        }
        if (json.isBoolean()) {
            return json.booleanValue();
        }
        return json.stringValue();
    }

    /** Kubernetes' escaping of property names for CEL. */
    static String escape(String name) {
        if (RESERVED.contains(name)) {
            return "__" + name + "__";
        }
        return name.replace("__", "__underscores__")
                .replace(".", "__dot__")
                .replace("-", "__dash__")
                .replace("/", "__slash__");
    }
}
