package io.jpatroni.core.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads every plugin of a plugins directory once per process, with PF4J: each {@code *.zip}
 * (expanded into a private temporary directory, so the plugins directory may be read-only)
 * and each already expanded plugin directory (one holding {@code plugin.properties}).
 *
 * <p>Plugins are never stopped or unloaded: jetcd's and gRPC's threads do not survive a class
 * loader going away, and PF4J 3.15's {@code stopPlugins()} is broken. A plugin must require
 * exactly the running core's version ({@code plugin.requires}); anything else is refused with
 * both versions named, before PF4J sees the plugin.
 */
public final class PluginLoader {

    private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);
    private static final String DESCRIPTOR = "plugin.properties";
    private static final Map<Path, PluginLoader> LOADED = new HashMap<>();

    /** One loaded plugin as the core reports it. */
    public record LoadedPlugin(String id, String version, String requires, Path source) {
    }

    private final Path directory;
    private final String coreVersion;
    private final PluginManager manager;
    private final List<LoadedPlugin> plugins;

    /**
     * The plugins of {@code directory}, loaded on the first call and shared afterwards. A
     * directory that does not exist has no plugins.
     */
    public static synchronized PluginLoader forDirectory(Path directory, String coreVersion) throws PluginLoadException {
        Path key = directory.toAbsolutePath().normalize();
        PluginLoader loader = LOADED.get(key);
        if (loader == null) {
            loader = new PluginLoader(key, coreVersion);
            LOADED.put(key, loader);
        } else if (!loader.coreVersion.equals(coreVersion)) {
            throw new PluginLoadException("plugins of " + key + " were already loaded for jpatroni "
                    + loader.coreVersion + ", not " + coreVersion);
        }
        return loader;
    }

    private PluginLoader(Path directory, String coreVersion) throws PluginLoadException {
        this.directory = directory;
        this.coreVersion = coreVersion;
        DefaultPluginManager pf4j = new DefaultPluginManager(directory);
        // PF4J's own check would read a bare version as ">=": ours below demands equality.
        pf4j.setSystemVersion("0.0.0");
        this.manager = pf4j;
        this.plugins = List.copyOf(loadAll());
    }

    public Path directory() {
        return directory;
    }

    public String coreVersion() {
        return coreVersion;
    }

    public List<LoadedPlugin> plugins() {
        return plugins;
    }

    /** Extensions of {@code type} contributed by the loaded plugins (never from the core's class path). */
    public <T> List<T> extensions(Class<T> type) {
        List<T> found = new ArrayList<>();
        for (LoadedPlugin plugin : plugins) {
            found.addAll(manager.getExtensions(type, plugin.id()));
        }
        return found;
    }

    /** The class loader of a loaded plugin, e.g. to make it the context class loader while it works. */
    public ClassLoader classLoader(String pluginId) {
        return manager.getPluginClassLoader(pluginId);
    }

    /** The id of the plugin that contributed {@code extension}, if it came from one. */
    public java.util.Optional<String> pluginOf(Object extension) {
        PluginWrapper wrapper = manager.whichPlugin(extension.getClass());
        return java.util.Optional.ofNullable(wrapper).map(PluginWrapper::getPluginId);
    }

    private List<LoadedPlugin> loadAll() throws PluginLoadException {
        List<LoadedPlugin> loaded = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            LOG.info("plugins directory {} does not exist: no plugins loaded", directory);
            return loaded;
        }
        List<Path> candidates = candidates();
        Path expandRoot = null;
        for (Path candidate : candidates) {
            Path pluginDir = candidate;
            if (isZip(candidate)) {
                if (expandRoot == null) {
                    expandRoot = createExpandRoot();
                }
                pluginDir = expand(candidate, expandRoot);
            }
            Properties descriptor = readDescriptor(candidate, pluginDir);
            String id = descriptor.getProperty("plugin.id", "").strip();
            String version = descriptor.getProperty("plugin.version", "").strip();
            String requires = descriptor.getProperty("plugin.requires", "").strip();
            if (id.isEmpty()) {
                throw new PluginLoadException("plugin " + candidate + " has no plugin.id in its " + DESCRIPTOR);
            }
            String required = requires.startsWith("=") ? requires.substring(1).strip() : requires;
            if (!required.equals(coreVersion)) {
                throw new PluginLoadException("plugin " + id + " " + version + " (" + candidate + ") requires jpatroni "
                        + (requires.isEmpty() ? "(no plugin.requires)" : required) + " but this is jpatroni "
                        + coreVersion + "; install the plugin built with this jpatroni version");
            }
            try {
                String loadedId = manager.loadPlugin(pluginDir);
                PluginState state = manager.startPlugin(loadedId);
                if (state != PluginState.STARTED) {
                    throw new PluginLoadException("plugin " + loadedId + " (" + candidate + ") did not start: " + state);
                }
            } catch (PluginRuntimeException | IllegalArgumentException e) {
                throw new PluginLoadException("cannot load plugin " + candidate + ": " + e.getMessage(), e);
            }
            LOG.info("loaded plugin {} {} from {}", id, version, candidate);
            loaded.add(new LoadedPlugin(id, version, requires, candidate));
        }
        return loaded;
    }

    /** Zips, and plugin directories that are not merely the expanded copy of a zip beside them. */
    private List<Path> candidates() throws PluginLoadException {
        List<Path> zips = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                if (isZip(entry) && Files.isRegularFile(entry)) {
                    zips.add(entry);
                } else if (Files.isDirectory(entry) && Files.isRegularFile(entry.resolve(DESCRIPTOR))) {
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

    private static Properties readDescriptor(Path source, Path pluginDir) throws PluginLoadException {
        Path file = pluginDir.resolve(DESCRIPTOR);
        if (!Files.isRegularFile(file)) {
            throw new PluginLoadException("plugin " + source + " has no " + DESCRIPTOR);
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new PluginLoadException("cannot read " + DESCRIPTOR + " of " + source + ": " + e.getMessage(), e);
        }
        return properties;
    }

    /** Expanded plugins live in {@code jpatroni-plugins-pid<PID>-<random>} under java.io.tmpdir. */
    static final String EXPAND_PREFIX = "jpatroni-plugins-pid";

    /**
     * The shutdown hook never runs after SIGKILL, an OOM halt or a power cut: expansions of daemons
     * that no longer run are removed at the next start. A directory is stale when its pid is gone or
     * now names a process started after the directory was written (a recycled pid).
     */
    static List<Path> removeStaleExpandRoots(Path tempDir) {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tempDir, EXPAND_PREFIX + "*")) {
            for (Path dir : dirs) {
                if (Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS) && isStale(dir)) {
                    deleteTree(dir);
                    removed.add(dir);
                }
            }
        } catch (IOException e) {
            LOG.debug("not cleaning old plugin directories in {}: {}", tempDir, e.getMessage());
        }
        return removed;
    }

    private static boolean isStale(Path dir) throws IOException {
        String rest = dir.getFileName().toString().substring(EXPAND_PREFIX.length());
        int dash = rest.indexOf('-');
        long pid;
        try {
            pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
        } catch (NumberFormatException e) {
            return false; // not ours to judge
        }
        if (pid == ProcessHandle.current().pid()) {
            return false;
        }
        java.util.Optional<ProcessHandle> owner = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (owner.isEmpty()) {
            return true;
        }
        java.time.Instant written = Files.getLastModifiedTime(dir).toInstant();
        return owner.get().info().startInstant().map(started -> started.isAfter(written.plusSeconds(1))).orElse(false);
    }

    private static Path createExpandRoot() throws PluginLoadException {
        try {
            Path tempDir = Path.of(System.getProperty("java.io.tmpdir"));
            removeStaleExpandRoots(tempDir).forEach(d -> LOG.info("removed plugin directory {} of a daemon that no longer runs", d));
            Path root = Files.createTempDirectory(tempDir, EXPAND_PREFIX + ProcessHandle.current().pid() + "-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root), "jpatroni-plugins-cleanup"));
            return root;
        } catch (IOException e) {
            throw new PluginLoadException("cannot create a temporary directory to expand plugins: " + e.getMessage(), e);
        }
    }

    private static Path expand(Path zip, Path root) throws PluginLoadException {
        Path target = root.resolve(baseName(zip));
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            Files.createDirectories(target);
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new PluginLoadException("plugin " + zip + " contains an entry outside its directory: "
                            + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new PluginLoadException("cannot expand plugin " + zip + ": " + e.getMessage(), e);
        }
        return target;
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
