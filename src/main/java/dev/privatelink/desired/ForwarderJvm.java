package dev.privatelink.desired;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The forwarder's JVM options as deployed: one definition, {@code forwarder-jvm.options} on the
 * classpath (a java {@code @argfile}), which the image's class-data training run and
 * {@code bench/forwarder.sh} read too. The operator renders it into each forwarder Deployment's
 * {@code JDK_JAVA_OPTIONS}, which the {@code java} launcher reads before the image's own flags.
 */
public final class ForwarderJvm {
    private ForwarderJvm() {}

    /** The definition's name on the classpath and under src/main/resources. */
    public static final String RESOURCE = "forwarder-jvm.options";

    /** The variable only the {@code java} launcher reads (JAVA_TOOL_OPTIONS reaches every JVM tool). */
    public static final String ENVIRONMENT_VARIABLE = "JDK_JAVA_OPTIONS";

    private static final List<String> DEFAULTS = parse(read());

    /** The options of {@link #RESOURCE}, in order. */
    public static List<String> defaults() {
        return DEFAULTS;
    }

    /** The value of {@link #ENVIRONMENT_VARIABLE}: {@code override} if set, else the definition. */
    public static String render(Optional<String> override) {
        return override.map(String::strip).filter(s -> !s.isEmpty()).orElseGet(() -> String.join(" ", DEFAULTS));
    }

    /** An argfile's options: whitespace-separated, {@code #} to the end of a line is a comment. */
    static List<String> parse(String argfile) {
        return argfile.lines()
                .map(line -> line.contains("#") ? line.substring(0, line.indexOf('#')) : line)
                .flatMap(line -> Arrays.stream(line.strip().split("\\s+")))
                .filter(option -> !option.isEmpty())
                .toList();
    }

    private static String read() {
        try (InputStream in = ForwarderJvm.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
