package io.jpatroni.core.plugins;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins of a plugins directory, with PF4J: each {@code *.zip} (unpacked into the
 * {@link PluginCache}, so the plugins directory may be read-only) and each already unpacked plugin
 * directory (one holding {@code plugin.properties}). One loader per directory and process; plugins
 * are loaded on demand, only those a {@link PluginSelection} picks, each at most once.
 *
 * <p>Plugins are never stopped or unloaded: jetcd's and gRPC's threads do not survive a class
 * loader going away, and PF4J's {@code stopPlugins()} is broken. A plugin's {@code plugin.requires}
 * must admit the core's plugin API version ({@link ApiCompatibility}); anything else is refused with
 * both versions named, before PF4J sees the plugin.
 */
public final class PluginLoader {

    private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);
    private static final Map<Path, PluginLoader> LOADED = new HashMap<>();

    /** One loaded plugin as the core reports it. */
    public record LoadedPlugin(String id, String version, String requires, Path source) {
    }

    private final Path directory;
    private final String apiVersion;
    private final PluginCache cache;
    private final PluginManager manager;
    private final List<PluginDescriptor> installed;
    private final Map<String, LoadedPlugin> loaded = new LinkedHashMap<>();

    /**
     * The shared loader of {@code directory} with every installed plugin loaded (tests and tools;
     * the daemon uses {@link #forSelection}). A directory that does not exist has no plugins.
     */
    public static PluginLoader forDirectory(Path directory, String apiVersion) throws PluginLoadException {
        return forSelection(directory, apiVersion, PluginSelection.all());
    }

    /** The shared loader of {@code directory}, with (at least) the plugins {@code selection} picks loaded. */
    public static PluginLoader forSelection(Path directory, String apiVersion, PluginSelection selection)
            throws PluginLoadException {
        PluginLoader loader = shared(directory, apiVersion);
        loader.load(selection);
        return loader;
    }

    private static synchronized PluginLoader shared(Path directory, String apiVersion) throws PluginLoadException {
        Path key = directory.toAbsolutePath().normalize();
        PluginLoader loader = LOADED.get(key);
        if (loader == null) {
            loader = new PluginLoader(key, apiVersion, PluginCache.standard());
            LOADED.put(key, loader);
        } else if (!loader.apiVersion.equals(apiVersion)) {
            throw new PluginLoadException("plugins of " + key + " were already loaded for plugin API "
                    + loader.apiVersion + ", not " + apiVersion);
        }
        return loader;
    }

    PluginLoader(Path directory, String apiVersion, PluginCache cache) throws PluginLoadException {
        this.directory = directory;
        this.apiVersion = apiVersion;
        this.cache = cache;
        DefaultPluginManager pf4j = new DefaultPluginManager(directory);
        // PF4J's own check is off ("0.0.0" accepts all): ApiCompatibility checks first, with a better message.
        pf4j.setSystemVersion("0.0.0");
        this.manager = pf4j;
        this.installed = List.copyOf(PluginCatalog.scan(directory).plugins());
    }

    public Path directory() {
        return directory;
    }

    public String apiVersion() {
        return apiVersion;
    }

    /** Every plugin of the directory, loaded or not. */
    public List<PluginDescriptor> installed() {
        return installed;
    }

    /** The plugins loaded so far, in load order. */
    public synchronized List<LoadedPlugin> plugins() {
        return List.copyOf(loaded.values());
    }

    /** Loads the plugins {@code selection} picks that are not loaded yet; a refusal stops at the first. */
    public synchronized void load(PluginSelection selection) throws PluginLoadException {
        for (PluginDescriptor plugin : installed) {
            if (!loaded.containsKey(plugin.id()) && selection.selects(plugin)) {
                loaded.put(plugin.id(), loadOne(plugin));
            }
        }
    }

    private LoadedPlugin loadOne(PluginDescriptor plugin) throws PluginLoadException {
        Optional<String> incompatible = ApiCompatibility.problem(plugin, apiVersion);
        if (incompatible.isPresent()) {
            throw new PluginLoadException(incompatible.get());
        }
        Path pluginDir = Files.isDirectory(plugin.source()) ? plugin.source() : cache.unpacked(plugin.source());
        try {
            String loadedId = manager.loadPlugin(pluginDir);
            PluginState state = manager.startPlugin(loadedId);
            if (state != PluginState.STARTED) {
                throw new PluginLoadException("plugin " + loadedId + " (" + plugin.source() + ") did not start: " + state);
            }
        } catch (PluginRuntimeException | IllegalArgumentException e) {
            throw new PluginLoadException("cannot load plugin " + plugin.source() + ": " + e.getMessage(), e);
        }
        LOG.info("loaded plugin {} {} (requires plugin API {}) from {}", plugin.id(), plugin.version(),
                plugin.requires(), plugin.source());
        return new LoadedPlugin(plugin.id(), plugin.version(), plugin.requires(), plugin.source());
    }

    /** Extensions of {@code type} contributed by the loaded plugins (never from the core's class path). */
    public synchronized <T> List<T> extensions(Class<T> type) {
        List<T> found = new ArrayList<>();
        for (String id : loaded.keySet()) {
            found.addAll(manager.getExtensions(type, id));
        }
        return found;
    }

    /** The class loader of a loaded plugin, e.g. to make it the context class loader while it works. */
    public ClassLoader classLoader(String pluginId) {
        return manager.getPluginClassLoader(pluginId);
    }

    /** The id of the plugin that contributed {@code extension}, if it came from one. */
    public Optional<String> pluginOf(Object extension) {
        PluginWrapper wrapper = manager.whichPlugin(extension.getClass());
        return Optional.ofNullable(wrapper).map(PluginWrapper::getPluginId);
    }

    /**
     * The values in {@code raw} (a patroni.yml) of the keys the plugin that contributed
     * {@code extension} declares ({@code jpatroni.config.keys}), by dotted key: what the extension is
     * configured with. Empty for an extension of no plugin or a plugin declaring no keys.
     */
    public Map<String, Object> settingsFor(Object extension, Map<String, Object> raw) {
        Map<String, Object> settings = new LinkedHashMap<>();
        Optional<String> id = pluginOf(extension);
        installed.stream().filter(p -> id.isPresent() && p.id().equals(id.get())).findFirst()
                .ifPresent(plugin -> plugin.configKeys().forEach(key -> PluginSelection.valueAt(raw, key)
                        .ifPresent(value -> settings.put(key, value))));
        return settings;
    }

    /** Zips, and plugin directories that are not merely the unpacked copy of a zip beside them. */
    static List<Path> candidates(Path directory) throws PluginLoadException {
        List<Path> zips = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                if (isZip(entry) && Files.isRegularFile(entry)) {
                    zips.add(entry);
                } else if (Files.isDirectory(entry) && Files.isRegularFile(entry.resolve(PluginDescriptor.FILE))) {
                    dirs.add(entry);
                }
            }
        } catch (IOException e) {
            throw new PluginLoadException("cannot list plugins directory " + directory + ": " + e.getMessage(), e);
        }
        Set<String> zipNames = new TreeSet<>();
        zips.forEach(z -> zipNames.add(baseName(z)));
        dirs.removeIf(d -> zipNames.contains(d.getFileName().toString()));
        List<Path> all = new ArrayList<>(zips);
        all.addAll(dirs);
        all.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return all;
    }

    private static boolean isZip(Path path) {
        return path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".zip");
    }

    private static String baseName(Path zip) {
        String name = zip.getFileName().toString();
        return name.substring(0, name.length() - ".zip".length());
    }
}
