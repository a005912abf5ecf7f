package io.jpatroni.core.config;

import java.util.List;
import java.util.Map;

/**
 * {@code --validate-config}: every ERROR and WARNING for a merged raw configuration, in Patroni's
 * {@code <path> <value> <reason>} shape. No DNS, ports or binaries are checked; the REST TLS key files
 * are read (a certificate that cannot be loaded must stop the start as it stops validation).
 */
public final class ConfigValidator {

    private ConfigValidator() {
    }

    public static List<ConfigProblem> validate(Map<String, Object> raw) {
        return ConfigBinder.bind(raw).problems();
    }
}
