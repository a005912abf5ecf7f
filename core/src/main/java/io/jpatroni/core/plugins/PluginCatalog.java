package io.jpatroni.core.plugins;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plugins installed in a plugins directory as their descriptors describe them, read without
 * unpacking or loading anything: config loading asks it which DCS sections plugins serve, so that a
 * third-party {@code kubernetes:} section is accepted exactly when a plugin for it is installed.
 */
public record PluginCatalog(Path directory, List<PluginDescriptor> plugins) {

    public PluginCatalog {
        plugins = List.copyOf(plugins);
    }

    /** The descriptors of every plugin in {@code directory} (none when it does not exist). */
    public static PluginCatalog scan(Path directory) throws PluginLoadException {
        Path dir = directory.toAbsolutePath().normalize();
        List<PluginDescriptor> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            for (Path candidate : PluginLoader.candidates(dir)) {
                found.add(PluginDescriptor.read(candidate));
            }
        }
        return new PluginCatalog(dir, found);
    }

    /** The installed plugins' DCS sections, each with the id of the (first) plugin serving it. */
    public Map<String, String> dcsSections() {
        Map<String, String> sections = new LinkedHashMap<>();
        for (PluginDescriptor plugin : plugins) {
            plugin.dcsSections().forEach(s -> sections.putIfAbsent(s, plugin.id()));
        }
        return sections;
    }

    public Optional<PluginDescriptor> servingDcsSection(String section) {
        return plugins.stream().filter(p -> p.dcsSections().contains(section)).findFirst();
    }

    /** For messages: where the plugins were looked for, noting a directory that does not exist. */
    public String where() {
        return Files.isDirectory(directory) ? directory.toString() : directory + " (which does not exist)";
    }
}
