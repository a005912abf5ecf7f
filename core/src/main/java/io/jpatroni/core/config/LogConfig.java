package io.jpatroni.core.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The {@code log} section (level, optional directory with size-based rotation, per-logger levels). */
public record LogConfig(String level, Optional<Path> dir, int fileNum, long fileSize, Map<String, String> loggers) {

    public static final LogConfig DEFAULT = new LogConfig("INFO", Optional.empty(), 4, 25_000_000L, Map.of());

    public LogConfig {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(dir, "dir");
        loggers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(loggers));
    }
}
