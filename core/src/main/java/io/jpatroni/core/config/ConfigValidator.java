package io.jpatroni.core.config;

import java.util.List;
import java.util.Map;

/**
 * {@code --validate-config}: every ERROR and WARNING for a merged raw configuration, in Patroni's
 * {@code <path> <value> <reason>} shape. Nothing here depends on the machine (no DNS, ports or binaries).
 */
public final class ConfigValidator {

    private ConfigValidator() {
    }

    public static List<ConfigProblem> validate(Map<String, Object> raw) {
        return ConfigBinder.bind(raw).problems();
    }
}
