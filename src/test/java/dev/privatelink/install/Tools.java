package dev.privatelink.install;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real {@code helm} and {@code kubectl} the install tests run: from the environment
 * variable {@code HELM} / {@code KUBECTL}, else {@code .tools/helm/helm} / {@code .tools/kubectl/kubectl}
 * (what {@code .ci/install-tools} installs), else the {@code PATH}. A missing tool fails the
 * test rather than skipping it: CI must run these.
 */
public final class Tools {

    public static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final long TIMEOUT_SECONDS = 60;

    private Tools() {}

    public static Path helm() {
        return find("helm", "HELM", ".tools/helm/helm");
    }

    public static Path kubectl() {
        return find("kubectl", "KUBECTL", ".tools/kubectl/kubectl");
    }

    /** What a command printed and how it ended. */
    public record Result(List<String> command, int exitCode, String out, String err) {
        public boolean succeeded() {
            return exitCode == 0;
        }

        /** The output of a command that must succeed; its error output in the failure otherwise. */
        public String outOrFail() {
            if (!succeeded()) {
                fail("%s exited %d:%n%s%s", String.join(" ", command), exitCode, err, out);
            }
            return out;
        }
    }

    public static Result run(Path tool, String... args) {
        List<String> command = new ArrayList<>();
        command.add(tool.toString());
        command.addAll(List.of(args));
        try {
            Path dir = Files.createDirectories(PROJECT.resolve("target/install-tests"));
            Path out = Files.createTempFile(dir, "out", ".txt");
            Path err = Files.createTempFile(dir, "err", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(PROJECT.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            // Helm's own folders inside target/: no user configuration, no repositories, nothing left behind.
            Path helmHome = dir.resolve("helm-home");
            builder.environment()
                    .put("HELM_CONFIG_HOME", helmHome.resolve("config").toString());
            builder.environment()
                    .put("HELM_CACHE_HOME", helmHome.resolve("cache").toString());
            builder.environment().put("HELM_DATA_HOME", helmHome.resolve("data").toString());
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("%s did not finish in %d s", String.join(" ", command), TIMEOUT_SECONDS);
            }
            Result result = new Result(
                    command,
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path find(String name, String variable, String installed) {
        String fromEnvironment = System.getenv(variable);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            Path tool = Path.of(fromEnvironment);
            if (!Files.isExecutable(tool)) {
                fail("%s=%s is not an executable %s", variable, fromEnvironment, name);
            }
            return tool;
        }
        return Optional.of(PROJECT.resolve(installed))
                .filter(Files::isExecutable)
                .or(() -> onPath(name))
                .orElseGet(() -> fail(
                        "No %s found: run .ci/install-tools (it puts %s at %s), or set %s to one,"
                                + " or put one on the PATH",
                        name, name, installed, variable));
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
