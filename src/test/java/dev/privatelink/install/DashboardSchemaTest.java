package dev.privatelink.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: the chart's Grafana dashboards match Grafana's published dashboard schema (npm
 * {@code @grafana/schema}: its {@code Dashboard} type). Each dashboard's JSON is type-checked as an
 * object literal of that type by the TypeScript compiler, which rejects unknown fields and wrong
 * types; .ci/install-tools installs both under .tools/grafana.
 */
class DashboardSchemaTest {

    static final Path DASHBOARDS = Tools.PROJECT.resolve("helm/kube-privatelink/dashboards");
    static final Path GRAFANA = Tools.PROJECT.resolve(".tools/grafana/node_modules");

    @Test
    void everyDashboardIsAGrafanaDashboard() throws IOException {
        assertThat(check(dashboards())).isEmpty();
    }

    /** The check would catch a mistake: a misspelt field is an error. */
    @Test
    void aMisspeltFieldIsReported() throws IOException {
        Path dashboard = dashboards().get(0);
        Path bad = Files.createDirectories(Tools.PROJECT.resolve("target/dashboard-schema-bad"))
                .resolve("bad.json");
        Files.writeString(bad, Files.readString(dashboard).replace("\"schemaVersion\"", "\"schemaVersio\""));

        assertThat(check(List.of(bad))).contains("schemaVersio");
    }

    static List<Path> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            List<Path> found =
                    files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            assertThat(found).hasSizeGreaterThanOrEqualTo(2);
            return found;
        }
    }

    /** The compiler's complaints, empty when every dashboard type-checks. */
    static String check(List<Path> dashboards) throws IOException {
        Path tsc = GRAFANA.resolve("typescript/bin/tsc");
        if (!Files.exists(tsc) || !Files.exists(GRAFANA.resolve("@grafana/schema/package.json"))) {
            fail("No @grafana/schema and TypeScript under %s: run .ci/install-tools", GRAFANA);
        }
        Path dir = Files.createDirectories(Tools.PROJECT.resolve("target/dashboard-schema"));
        List<String> files = new ArrayList<>();
        for (Path dashboard : dashboards) {
            String name = dashboard.getFileName().toString().replace(".json", ".ts");
            Files.writeString(
                    dir.resolve(name),
                    "import type { Dashboard } from \"@grafana/schema\";\n" + "export const dashboard: Dashboard = "
                            + Files.readString(dashboard) + ";\n");
            files.add("\"" + name + "\"");
        }
        Files.writeString(dir.resolve("tsconfig.json"), """
                {
                  "compilerOptions": {
                    "strict": true, "noEmit": true, "skipLibCheck": true,
                    "module": "esnext", "moduleResolution": "bundler", "target": "es2020",
                    "baseUrl": ".",
                    "paths": {"@grafana/schema": ["%s"]}
                  },
                  "files": [%s]
                }
                """.formatted(
                        GRAFANA.resolve("@grafana/schema"), String.join(", ", files)));
        Tools.Result result = Tools.run(Path.of("node"), tsc.toString(), "-p", dir.toString());
        return result.succeeded() ? "" : result.out() + result.err();
    }
}
