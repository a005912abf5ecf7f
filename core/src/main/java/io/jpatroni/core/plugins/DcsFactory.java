package io.jpatroni.core.plugins;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsProvider;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.plugin.PluginContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the DCS named by the configuration section ({@code etcd3}, {@code etcd}, {@code zookeeper},
 * ...) through whichever installed plugin serves that section. The core knows no backend.
 */
public final class DcsFactory {

    private static final Logger LOG = LoggerFactory.getLogger(DcsFactory.class);

    private DcsFactory() {
    }

    /**
     * Loads the plugin serving {@code settings.section()} from {@code pluginsDir} (plus plugins that
     * declare no section; each at most once per process; their {@code plugin.requires} must admit
     * {@code ctx.apiVersion()}), lets it validate the section, and creates a {@link Dcs} with it.
     */
    public static Dcs open(DcsSettings settings, Path pluginsDir, PluginContext ctx) throws DcsException {
        PluginLoader loader = loader(settings, pluginsDir, ctx);
        DcsProvider provider = provider(settings, loader);
        List<String> problems = validate(provider, settings);
        if (!problems.isEmpty()) {
            throw new DcsException(invalid(settings, loader, provider, problems));
        }
        return create(provider, settings, ctx);
    }

    /**
     * {@code --validate-config}: what the plugin serving the section finds wrong with it (each problem
     * prefixed by the section name), or why no plugin can check it.
     */
    public static List<String> validate(DcsSettings settings, Path pluginsDir, PluginContext ctx) {
        try {
            PluginLoader loader = loader(settings, pluginsDir, ctx);
            DcsProvider provider = provider(settings, loader);
            return validate(provider, settings);
        } catch (DcsException e) {
            return List.of(e.getMessage());
        }
    }

    private static PluginLoader loader(DcsSettings settings, Path pluginsDir, PluginContext ctx) throws DcsException {
        try {
            return PluginLoader.forSelection(pluginsDir, ctx.apiVersion(), PluginSelection.forDcs(settings.section()));
        } catch (PluginLoadException e) {
            throw new DcsException(e.getMessage());
        }
    }

    static Dcs open(DcsSettings settings, PluginLoader loader, PluginContext ctx) throws DcsException {
        return create(provider(settings, loader), settings, ctx);
    }

    private static DcsProvider provider(DcsSettings settings, PluginLoader loader) throws DcsException {
        List<DcsProvider> providers = loader.extensions(DcsProvider.class);
        List<DcsProvider> serving = providers.stream().filter(p -> p.sections().contains(settings.section())).toList();
        if (serving.size() > 1) {
            LOG.warn("several plugins serve the '{}' DCS section ({}); using the first",
                    settings.section(), serving.stream().map(p -> loader.pluginOf(p).orElse(p.id())).toList());
        }
        if (!serving.isEmpty()) {
            DcsProvider provider = serving.get(0);
            String plugin = loader.pluginOf(provider).orElse("?");
            LOG.info("DCS section {}: backend {} from plugin {}", settings.section(), provider.id(), plugin);
            return provider;
        }
        Set<String> served = new TreeSet<>();
        loader.installed().forEach(p -> served.addAll(p.dcsSections()));
        providers.forEach(p -> served.addAll(p.sections()));
        Path dir = loader.directory();
        String where = Files.isDirectory(dir) ? dir.toString() : dir + " (which does not exist)";
        throw new DcsException("no plugin in " + where + " serves the '" + settings.section() + "' DCS section; "
                + (served.isEmpty() ? "the installed plugins serve no DCS section" : "installed: "
                + String.join(", ", served)) + " (install the plugin's zip into that directory or choose another section)");
    }

    /** The provider's own checks; a provider that throws is reported, not trusted. */
    private static List<String> validate(DcsProvider provider, DcsSettings settings) {
        try {
            List<String> problems = provider.validate(settings);
            return problems == null ? List.of() : List.copyOf(problems);
        } catch (RuntimeException | LinkageError e) {
            return List.of("the " + provider.id() + " plugin failed to validate the section: " + e);
        }
    }

    private static String invalid(DcsSettings settings, PluginLoader loader, DcsProvider provider, List<String> problems) {
        return "the '" + settings.section() + "' section is invalid (checked by plugin "
                + loader.pluginOf(provider).orElse(provider.id()) + "): " + String.join("; ", problems);
    }

    /**
     * Runs the provider with its plugin's class loader as context class loader: gRPC, Netty and
     * friends look up their service files through it, and threads they start inherit it.
     */
    private static Dcs create(DcsProvider provider, DcsSettings settings, PluginContext ctx) throws DcsException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(provider.getClass().getClassLoader());
        try {
            return provider.create(settings, ctx);
        } catch (RuntimeException | LinkageError e) {
            throw new DcsException("the " + provider.id() + " DCS backend failed to start: " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** {@code -Djpatroni.plugins}, else {@code $JPATRONI_PLUGINS}, else {@code <jpatroni.home>/plugins}. */
    public static Path defaultPluginsDirectory() {
        String configured = System.getProperty("jpatroni.plugins", System.getenv("JPATRONI_PLUGINS"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("jpatroni.home", ".")).resolve("plugins");
    }
}
