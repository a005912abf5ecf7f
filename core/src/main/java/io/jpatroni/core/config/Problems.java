package io.jpatroni.core.config;

import java.util.ArrayList;
import java.util.List;

/** Collects problems while a configuration is read; values under secret keys are masked. */
final class Problems {

    private final List<ConfigProblem> list = new ArrayList<>();

    void error(String path, String reason) {
        list.add(ConfigProblem.error(path, "", reason));
    }

    void error(String path, Object value, String reason) {
        list.add(ConfigProblem.error(path, render(path, value), reason));
    }

    void warn(String path, String reason) {
        list.add(ConfigProblem.warning(path, "", reason));
    }

    void warn(String path, Object value, String reason) {
        list.add(ConfigProblem.warning(path, render(path, value), reason));
    }

    void addAll(List<ConfigProblem> problems) {
        list.addAll(problems);
    }

    boolean hasErrors() {
        return list.stream().anyMatch(ConfigProblem::isError);
    }

    List<ConfigProblem> list() {
        return List.copyOf(list);
    }

    static String render(String path, Object value) {
        if (Secrets.isSecretPath(path)) {
            return value == null ? "null" : '"' + Secrets.MASK + '"';
        }
        return ValueParsers.describe(Secrets.mask(value));
    }
}
