package io.jpatroni.core.config;

import java.util.Objects;

/**
 * One finding about a configuration, printed the way Patroni's validator prints it:
 * {@code <dotted.path> <value> <reason>} (two spaces when there is no value).
 * {@code value} is already rendered for humans (strings quoted, secrets masked).
 */
public record ConfigProblem(Severity severity, String path, String value, String reason) {

    public enum Severity { ERROR, WARNING }

    public ConfigProblem {
        Objects.requireNonNull(severity, "severity");
        path = path == null ? "" : path;
        value = value == null ? "" : value;
        reason = reason == null ? "" : reason;
    }

    public static ConfigProblem error(String path, String value, String reason) {
        return new ConfigProblem(Severity.ERROR, path, value, reason);
    }

    public static ConfigProblem warning(String path, String value, String reason) {
        return new ConfigProblem(Severity.WARNING, path, value, reason);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return path + " " + value + " " + reason;
    }
}
