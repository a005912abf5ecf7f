package io.jpatroni.core.config;

import io.jpatroni.core.plugins.DcsFactory;
import io.jpatroni.core.plugins.PluginCatalog;
import io.jpatroni.core.plugins.PluginLoadException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What config binding needs to know of the installed plugins: the DCS sections they serve and the
 * top-level keys they own, so that those are neither refused nor warned about as unknown. Read from
 * the plugins' descriptors on first use (nothing is loaded); a plugins directory that cannot be read
 * is reported in the messages that depend on it.
 */
final class InstalledPlugins {

    private final Path directory;
    private PluginCatalog catalog;
    private String unreadable = "";

    private InstalledPlugins(Path directory) {
        this.directory = directory;
    }

    static InstalledPlugins inDefaultDirectory() {
        return in(DcsFactory.defaultPluginsDirectory());
    }

    static InstalledPlugins in(Path directory) {
        return new InstalledPlugins(directory);
    }

    private synchronized PluginCatalog catalog() {
        if (catalog == null) {
            try {
                catalog = PluginCatalog.scan(directory);
            } catch (PluginLoadException e) {
                unreadable = " (plugins directory unreadable: " + e.getMessage() + ")";
                catalog = new PluginCatalog(directory.toAbsolutePath().normalize(), List.of());
            }
        }
        return catalog;
    }

    /** DCS section → id of the plugin serving it. */
    Map<String, String> dcsSections() {
        return catalog().dcsSections();
    }

    /** The built-in sections first, then those only plugins serve. */
    List<String> allDcsSections() {
        Set<String> all = new LinkedHashSet<>();
        catalog().plugins().forEach(p -> all.addAll(p.dcsSections()));
        return new ArrayList<>(all);
    }

    /** DCS sections and the first part of every selecting key (e.g. {@code kubernetes}, {@code example_callback}). */
    Set<String> topLevelKeys() {
        Set<String> keys = new LinkedHashSet<>(dcsSections().keySet());
        catalog().plugins().forEach(p -> p.configKeys().forEach(k -> keys.add(k.split("\\.", 2)[0])));
        return keys;
    }

    String where() {
        return catalog().where();
    }

    String unreadable() {
        catalog();
        return unreadable;
    }
}
