package io.jpatroni.core.config;

import java.util.List;
import java.util.Map;

/**
 * {@code --validate-config}: every ERROR and WARNING for a merged raw configuration, in Patroni's
 * {@code <path> <value> <reason>} shape. Nothing here depends on the machine (no DNS, ports or binaries)
 * except the TLS certificate and key files, which must be readable for the daemon to start.
 */
public final class ConfigValidator {

    private ConfigValidator() {
    }

    public static List<ConfigProblem> validate(Map<String, Object> raw) {
        ConfigBinder.Result result = ConfigBinder.bind(raw);
        if (result.config().isEmpty()) {
            return result.problems();
        }
        List<ConfigProblem> problems = new java.util.ArrayList<>(result.problems());
        problems.addAll(TlsFileChecks.check(result.config().get())); // the key files the daemon would refuse
        return problems;
    }
}
