package io.jpatroni.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared fixtures: {@code -Djpatroni.fixtures}, else {@code shared/fixtures} beside an ancestor. */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path root() {
        String configured = System.getProperty("jpatroni.fixtures");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("fixtures");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/fixtures not found above " + Path.of("").toAbsolutePath()
                + "; set -Djpatroni.fixtures=/path/to/shared/fixtures");
    }

    public static Path seedConfig(String name) {
        return root().resolve("seed-configs").resolve(name);
    }

    public static Path seedHaproxy(String name) {
        return root().resolve("seed-haproxy").resolve(name);
    }
}
