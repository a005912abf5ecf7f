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
     * Loads the plugins of {@code pluginsDir} (once per process; their required version must be
     * {@code ctx.apiVersion()}) and creates a {@link Dcs} with the provider serving
     * {@code settings.section()}.
     */
    public static Dcs open(DcsSettings settings, Path pluginsDir, PluginContext ctx) throws DcsException {
        PluginLoader loader;
        try {
            loader = PluginLoader.forDirectory(pluginsDir, ctx.apiVersion());
        } catch (PluginLoadException e) {
            throw new DcsException(e.getMessage(), e);
        }
        return open(settings, loader, ctx);
    }

    static Dcs open(DcsSettings settings, PluginLoader loader, PluginContext ctx) throws DcsException {
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
            return create(provider, settings, ctx);
        }
        Set<String> served = new TreeSet<>();
        providers.forEach(p -> served.addAll(p.sections()));
        Path dir = loader.directory();
        String where = Files.isDirectory(dir) ? dir.toString() : dir + " (which does not exist)";
        throw new DcsException("no installed plugin serves the '" + settings.section() + "' DCS section; "
                + (served.isEmpty() ? "the installed plugins serve no DCS section" : "installed plugins serve "
                + String.join(", ", served)) + "; plugins directory searched: " + where);
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
