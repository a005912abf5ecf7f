package io.jpatroni.core.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates shared/fixtures: system property jpatroni.fixtures, else walk up from the working directory. */
final class Fixtures {

    private Fixtures() {
    }

    static Path root() {
        String prop = System.getProperty("jpatroni.fixtures");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("fixtures");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/fixtures not found above " + Path.of("").toAbsolutePath());
    }

    static Path seedConfig(String name) {
        return root().resolve("seed-configs").resolve(name);
    }
}
