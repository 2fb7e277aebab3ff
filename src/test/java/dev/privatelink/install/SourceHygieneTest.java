package dev.privatelink.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the formatter does not check: classes are named through imports, not inline. */
class SourceHygieneTest {

    /** A package path followed by a class name, outside strings, comments and import lines. */
    private static final Pattern QUALIFIED =
            Pattern.compile("(?<![\\w.\"@])(java|javax|jakarta|io|dev|com|org)(\\.[a-z][a-z0-9]*)+\\.[A-Z]\\w*");

    @Test
    void noClassIsNamedByItsFullyQualifiedNameInCode() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(file -> scan(file, found));
        }
        assertThat(found)
                .as("inline fully-qualified names: import the class instead")
                .isEmpty();
    }

    private static void scan(Path file, List<String> found) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("import ")
                    || line.startsWith("package ")
                    || line.startsWith("*")
                    || line.startsWith("/*")
                    || line.startsWith("//")) {
                continue;
            }
            String code = line.replaceAll("\"([^\"\\\\]|\\\\.)*\"", "\"\"");
            if (QUALIFIED.matcher(code).find()) {
                found.add(file + ":" + (i + 1) + ": " + line);
            }
        }
    }
}
