package dev.privatelink.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.ConsumerNamespace;
import dev.privatelink.desired.ForwarderJvm;
import dev.privatelink.desired.ForwarderResources;
import dev.privatelink.forwarder.ForwarderSettings;
import dev.privatelink.operator.TestSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forwarder runs as it was benchmarked (issue 10): its JVM options have one definition,
 * src/main/resources/forwarder-jvm.options, and the image, the Deployment the operator writes,
 * the chart's default and bench/forwarder.sh all derive from it; the memory it gets holds the
 * connections it admits.
 */
class AsDeployedTest {

    static final Path DEFINITION = Path.of("src/main/resources", ForwarderJvm.RESOURCE);
    static final String IMAGE_OPTIONS = "/deployments/" + ForwarderJvm.RESOURCE;
    static final ConsumerNamespace SHOP = new ConsumerNamespace("shop", "uid-shop");

    @Test
    void theOperatorWritesTheDefinitionIntoEveryForwarderPod() throws IOException {
        List<String> definition = ForwarderJvm.defaults();

        assertThat(definition)
                .as("the classpath copy is the checked-in file")
                .isEqualTo(argfile(Files.readString(DEFINITION)));
        assertThat(definition).contains("-XX:+UseSerialGC", "-Xmx96m");
        assertThat(jvmOptions(forwarder(TestSettings.defaults()))).isEqualTo(String.join(" ", definition));
        assertThat(jvmOptions(forwarder(TestSettings.with(Map.of("privatelink.forwarder.jvm-options", " ")))))
                .as("a blank setting is no setting")
                .isEqualTo(String.join(" ", definition));
        assertThat(jvmOptions(forwarder(TestSettings.with(Map.of("privatelink.forwarder.jvm-options", "-Xmx1g")))))
                .isEqualTo("-Xmx1g");
    }

    @Test
    void theChartsDefaultIsTheDefinitionAndItsValueReplacesIt() {
        Manifests defaults = HelmChartTest.template(HelmChartTest.RELEASE, HelmChartTest.NAMESPACE);
        Manifests overridden = HelmChartTest.template(
                HelmChartTest.RELEASE,
                HelmChartTest.NAMESPACE,
                "--set",
                "forwarder.jvmOptions=-XX:+UseSerialGC -Xmx200m");

        assertThat(jvmOptions(forwarder(settingsFromTheChart(defaults))))
                .isEqualTo(String.join(" ", ForwarderJvm.defaults()));
        assertThat(jvmOptions(forwarder(settingsFromTheChart(overridden)))).isEqualTo("-XX:+UseSerialGC -Xmx200m");
    }

    @Test
    void theImageBuildsTheArchiveTheDefinitionNamesWithTheDefinitionsOptions() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        String archive = option("-XX:SharedArchiveFile=");

        assertThat(dockerfile)
                .contains("COPY " + DEFINITION + " " + IMAGE_OPTIONS)
                .containsPattern("RUN forwarder-cds-archive /deployments/quarkus-run.jar " + IMAGE_OPTIONS + " \\\\\\s+"
                        + archive);
        assertThat(Files.readString(Path.of(".dockerignore"))).contains("!" + DEFINITION, "!bin/forwarder-cds-archive");
        assertThat(archive).startsWith("/deployments/");
    }

    @Test
    void theBenchmarkRunsTheDefinition() {
        String archive = option("-XX:SharedArchiveFile=");
        List<String> expected = new ArrayList<>();
        for (String option : ForwarderJvm.defaults()) {
            expected.add(
                    option.equals("-XX:SharedArchiveFile=" + archive)
                            ? "-XX:SharedArchiveFile=" + Tools.PROJECT.resolve("target/forwarder-cds.jsa")
                            : option);
        }
        // any free port for health and metrics: the harness starts several instances
        expected.add("-Dquarkus.http.port=0");

        String printed = Tools.run(Path.of("bash"), "bench/forwarder.sh", "--print-jvm-flags")
                .outOrFail()
                .strip();

        assertThat(List.of(printed.split(" "))).isEqualTo(expected);
    }

    /**
     * The options are written for the image's Java release (25: Java 17 refuses compact object
     * headers), so the benchmarks run that release too: bin/image-java reads it from the
     * Dockerfile and takes a java of that release only.
     */
    @Test
    void theBenchmarkRunsTheImagesJavaRelease(@TempDir Path dir) throws IOException {
        String major =
                Tools.run(Path.of("bin/image-java"), "--major").outOrFail().strip();
        assertThat(Files.readString(Path.of("Dockerfile"))).contains("FROM eclipse-temurin:" + major + "-jre");
        assertThat(ForwarderJvm.defaults()).contains("-XX:+UseCompactObjectHeaders");
        assertThat(Integer.parseInt(major))
                .as("compact object headers need 24+")
                .isGreaterThanOrEqualTo(24);

        Path theImages = fakeJava(dir, "image", major);
        Path older = fakeJava(dir, "older", "17");
        assertThat(imageJava(theImages)).isEqualTo(theImages.toString());
        assertThat(imageJava(older)).as("another release is passed over").isNotEqualTo(older.toString());
        assertThat(Files.readString(Path.of("bench/forwarder.sh")))
                .contains("JAVA=$(\"$ROOT/bin/image-java\")", "--proxy-cmd \"$JAVA $JVM_FLAGS");
    }

    /**
     * The heap holds the connections the forwarder admits, and the pod's memory limit the JVM and
     * the kernel's sockets at that count; the figures are measured (BENCHMARKS.md, "Memory as
     * deployed").
     */
    @Test
    void theMemoryLimitHoldsTheHeapAndTheConnectionLimit() {
        int connections = ForwarderSettings.DEFAULT_MAX_CONNECTIONS;
        double heapAtStartMiB = 10; // live after GC, idle forwarder
        double heapPerConnectionKiB = 2.8; // live after GC, per proxied connection (two channels)
        double baseRssMiB = 103; // idle forwarder with these options on Java 25, heap included
        double kernelPerConnectionKiB = 8; // two idle TCP sockets: sock, inode, dentry, file, epoll item
        double heapNeededMiB = heapAtStartMiB + connections * heapPerConnectionKiB / 1024;
        double youngMiB = mebibytes(option("-Xmn"));

        assertThat(mebibytes(option("-Xmx")) - youngMiB)
                .as("old generation (-Xmx less -Xmn) against the live heap at %d connections", connections)
                .isGreaterThan(heapNeededMiB * 1.25);
        assertThat(option("-Xms")).as("a fixed heap").isEqualTo(option("-Xmx"));

        Container container = container(forwarder(TestSettings.defaults()));
        double limitMiB = bytes(container.getResources().getLimits().get("memory")) / (1 << 20);
        double requestMiB = bytes(container.getResources().getRequests().get("memory")) / (1 << 20);
        double atTheLimitMiB =
                baseRssMiB + connections * heapPerConnectionKiB / 1024 + connections * kernelPerConnectionKiB / 1024;
        assertThat(limitMiB)
                .as("memory limit against %d idle connections (%.0f MiB)", connections, atTheLimitMiB)
                .isGreaterThan(atTheLimitMiB * 1.15);
        assertThat(requestMiB).as("the request holds an idle forwarder").isGreaterThan(baseRssMiB);
    }

    // --- helpers ---

    /** A java that only tells its release, as {@code -XshowSettings:properties -version} does. */
    static Path fakeJava(Path dir, String name, String release) throws IOException {
        Path java = dir.resolve(name);
        Files.writeString(java, "#!/bin/sh\necho '    java.specification.version = " + release + "' >&2\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        return java;
    }

    static String imageJava(Path candidate) {
        return Tools.run(Path.of("bash"), "-c", "IMAGE_JAVA=" + candidate + " bin/image-java")
                .out()
                .strip();
    }

    static List<String> argfile(String text) {
        List<String> options = new ArrayList<>();
        for (String line : text.split("\n")) {
            String code = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
            for (String option : code.strip().split("\\s+")) {
                if (!option.isEmpty()) {
                    options.add(option);
                }
            }
        }
        return options;
    }

    /** The value of the definition's option with that prefix ({@code -Xmx} → {@code 96m}). */
    static String option(String prefix) {
        return ForwarderJvm.defaults().stream()
                .filter(o -> o.startsWith(prefix))
                .map(o -> o.substring(prefix.length()))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("no " + prefix + " in " + ForwarderJvm.RESOURCE));
    }

    static double mebibytes(String jvmSize) {
        assertThat(jvmSize).matches("\\d+m");
        return Double.parseDouble(jvmSize.substring(0, jvmSize.length() - 1));
    }

    static double bytes(Quantity quantity) {
        BigDecimal amount = Quantity.getAmountInBytes(quantity);
        return amount.doubleValue();
    }

    static OperatorSettings settingsFromTheChart(Manifests rendered) {
        return NetworkIsolationTest.settingsFromTheChart(rendered.get(Deployment.class, HelmChartTest.OPERATOR));
    }

    static Deployment forwarder(OperatorSettings settings) {
        return ForwarderResources.deployment(SHOP, settings);
    }

    static Container container(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    static String jvmOptions(Deployment deployment) {
        Map<String, String> env = HelmChartTest.env(container(deployment));
        return env.get(ForwarderJvm.ENVIRONMENT_VARIABLE);
    }
}
