package io.jpatroni.core.config;

import java.util.List;
import java.util.stream.Collectors;

/** The configuration cannot be used; {@link #problems()} lists every error found (warnings may be included). */
public class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(ConfigProblem problem) {
        this(List.of(problem));
    }

    public static ConfigException of(String path, String value, String reason) {
        return new ConfigException(ConfigProblem.error(path, value, reason));
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigProblem> problems) {
        return problems.stream()
                .filter(ConfigProblem::isError)
                .map(ConfigProblem::toString)
                .collect(Collectors.joining("\n"));
    }
}
