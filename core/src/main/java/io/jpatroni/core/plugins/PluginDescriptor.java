package io.jpatroni.core.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What a plugin's {@code plugin.properties} says about it, read without unpacking the zip: PF4J's
 * keys plus jpatroni's two selection keys.
 *
 * @param dcsSections top-level patroni.yml DCS sections the plugin serves ({@code jpatroni.dcs.sections})
 * @param configKeys  dotted patroni.yml keys whose presence selects the plugin ({@code jpatroni.config.keys})
 * @param source      the zip or the unpacked plugin directory in the plugins directory
 */
public record PluginDescriptor(String id, String version, String requires, Set<String> dcsSections,
                               Set<String> configKeys, Path source) {

    static final String FILE = "plugin.properties";

    public PluginDescriptor {
        // in the descriptor's order: messages list sections as the plugin author wrote them
        dcsSections = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(dcsSections));
        configKeys = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(configKeys));
    }

    /** A plugin that names no section or key cannot be selected by the config, so it is always loaded. */
    public boolean alwaysLoaded() {
        return dcsSections.isEmpty() && configKeys.isEmpty();
    }

    static PluginDescriptor read(Path source) throws PluginLoadException {
        Properties properties = new Properties();
        try {
            if (Files.isDirectory(source)) {
                Path file = source.resolve(FILE);
                if (!Files.isRegularFile(file)) {
                    throw new PluginLoadException("plugin " + source + " has no " + FILE);
                }
                try (InputStream in = Files.newInputStream(file)) {
                    properties.load(in);
                }
            } else {
                try (ZipFile zip = new ZipFile(source.toFile())) {
                    ZipEntry entry = zip.getEntry(FILE);
                    if (entry == null) {
                        throw new PluginLoadException("plugin " + source + " has no " + FILE + " at the top of the zip");
                    }
                    try (InputStream in = zip.getInputStream(entry)) {
                        properties.load(in);
                    }
                }
            }
        } catch (IOException e) {
            throw new PluginLoadException("cannot read " + FILE + " of " + source + ": " + e.getMessage(), e);
        }
        String id = properties.getProperty("plugin.id", "").strip();
        if (id.isEmpty()) {
            throw new PluginLoadException("plugin " + source + " has no plugin.id in its " + FILE);
        }
        return new PluginDescriptor(id, properties.getProperty("plugin.version", "").strip(),
                properties.getProperty("plugin.requires", "").strip(),
                list(properties.getProperty("jpatroni.dcs.sections")),
                list(properties.getProperty("jpatroni.config.keys")), source);
    }

    private static Set<String> list(String value) {
        Set<String> out = new LinkedHashSet<>();
        if (value != null) {
            Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(out::add);
        }
        return out;
    }
}
