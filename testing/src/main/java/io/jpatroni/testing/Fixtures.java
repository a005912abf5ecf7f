package io.jpatroni.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Test inputs. The project's own example configurations ({@code distribution/src/conf/examples},
 * shipped as {@code conf/examples}) are always there; the users' real files in
 * {@code shared/fixtures} are optional extra cases.
 */
public final class Fixtures {

    /** Where the examples live, relative to the repository root. */
    public static final Path EXAMPLES = Path.of("distribution", "src", "conf", "examples");

    private Fixtures() {
    }

    /** The repository's example directory: {@code -Djpatroni.examples}, else found above the working directory. */
    public static Path examples() {
        String configured = System.getProperty("jpatroni.examples");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(EXAMPLES);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(EXAMPLES + " not found above " + Path.of("").toAbsolutePath()
                + "; set -Djpatroni.examples=/path/to/" + EXAMPLES);
    }

    public static Path example(String name) {
        Path file = examples().resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no example " + file);
        }
        return file;
    }

    /** The examples whose names end with {@code suffix} (".yml", ".cfg"), sorted. */
    public static List<Path> examples(String suffix) {
        try (Stream<Path> files = Files.list(examples())) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The users' shared fixtures when present: {@code -Djpatroni.fixtures} (if it names a directory),
     * else {@code shared/fixtures} beside an ancestor of the working directory.
     */
    public static Optional<Path> sharedRoot() {
        String configured = System.getProperty("jpatroni.fixtures");
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            return Files.isDirectory(path) ? Optional.of(path) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("fixtures");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The shared seed-haproxy/*.cfg files, none when the shared fixtures are absent. */
    public static List<Path> sharedHaproxy() {
        Optional<Path> dir = sharedRoot().map(r -> r.resolve("seed-haproxy")).filter(Files::isDirectory);
        if (dir.isEmpty()) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir.get())) {
            return files.filter(p -> p.toString().endsWith(".cfg")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A shared seed config; callers check {@link #sharedRoot()} first (JUnit assumption). */
    public static Path seedConfig(String name) {
        return sharedRoot().orElseThrow(() -> new IllegalStateException("shared/fixtures not present"))
                .resolve("seed-configs").resolve(name);
    }
}
