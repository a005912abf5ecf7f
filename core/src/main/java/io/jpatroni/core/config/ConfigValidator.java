package io.jpatroni.core.config;

import java.util.List;
import java.util.Map;

/**
 * {@code --validate-config}: every ERROR and WARNING for a merged raw configuration, in Patroni's
 * {@code <path> <value> <reason>} shape. Nothing here depends on the machine (no DNS, ports or binaries)
 * except the TLS certificate and key files, which must be readable for the daemon to start, and the
 * installed plugin serving the DCS section, which checks that section ({@code DcsProvider.validate}).
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
        problems.addAll(pluginChecks(result.config().get()));
        return problems;
    }

    /** The DCS plugin's own checks of its section, when a plugin serving it is installed. */
    private static List<ConfigProblem> pluginChecks(PatroniConfig config) {
        java.nio.file.Path dir = io.jpatroni.core.plugins.DcsFactory.defaultPluginsDirectory();
        try {
            if (io.jpatroni.core.plugins.PluginCatalog.scan(dir).servingDcsSection(config.dcs().name()).isEmpty()) {
                return List.of(); // a built-in section without its plugin: the daemon says so at start
            }
        } catch (io.jpatroni.core.plugins.PluginLoadException e) {
            return List.of(ConfigProblem.error(config.dcs().name(), "", e.getMessage()));
        }
        io.jpatroni.api.dcs.DcsSettings settings = config.dcs().settings(config.namespace(), config.scope(), config.name(),
                io.jpatroni.api.dcs.DcsTiming.DEFAULT);
        io.jpatroni.api.plugin.PluginContext context = new io.jpatroni.api.plugin.PluginContext(
                java.time.Clock.systemUTC(), config.name(), config.scope(), io.jpatroni.core.plugins.CoreVersion.API);
        return io.jpatroni.core.plugins.DcsFactory.validate(settings, dir, context).stream()
                .map(problem -> ConfigProblem.error(config.dcs().name(), "", problem)).toList();
    }
}
