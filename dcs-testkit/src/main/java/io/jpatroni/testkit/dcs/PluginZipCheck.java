package io.jpatroni.testkit.dcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.Cluster;
import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsProvider;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.plugin.PluginContext;
import io.jpatroni.core.plugins.CoreVersion;
import io.jpatroni.core.plugins.DcsFactory;
import io.jpatroni.core.plugins.PluginCatalog;
import io.jpatroni.core.plugins.PluginLoadException;
import io.jpatroni.core.plugins.PluginLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The checks every DCS plugin's {@code PluginZipIT} makes on its packaged zip, loaded the way the
 * daemon loads it (the core's {@link PluginLoader} and {@link DcsFactory}). The plugin's test
 * supplies what differs: its id, the sections it serves, and a running server of its backend.
 *
 * <p>The core is a {@code provided} dependency of this kit: only a plugin test that already has
 * the core on its test class path can use this class.
 */
public final class PluginZipCheck {

    /** The plugin's version, the jpatroni version it was built with (plugins/pom.xml's failsafe sets it). */
    public static final String VERSION = System.getProperty("jpatroni.version", "0.1.0-SNAPSHOT");
    /** The plugin API version of the core under test, which the zip's plugin.requires must admit. */
    public static final String API_VERSION = CoreVersion.API;
    private static final DcsTiming TIMING = new DcsTiming(10, 1, 3);
    private static final String MEMBER = "n1";

    private final String pluginId;
    private final Path zip;
    private final Path work;
    private final Path pluginsDir;

    private PluginZipCheck(String pluginId, Path zip, Path work, Path pluginsDir) {
        this.pluginId = pluginId;
        this.zip = zip;
        this.work = work;
        this.pluginsDir = pluginsDir;
    }

    /**
     * Copies the built zip of {@code pluginId} (system property {@code jpatroni.pluginZip}, else
     * {@code target/jpatroni-<pluginId>-<version>.zip}) into a fresh plugins directory under
     * {@code work}. Skips the test (assumption) when the zip has not been built.
     */
    public static PluginZipCheck install(String pluginId, Path work) throws IOException {
        Path zip = Path.of(System.getProperty("jpatroni.pluginZip",
                "target/jpatroni-" + pluginId + "-" + VERSION + ".zip"));
        Assumptions.assumeTrue(Files.isRegularFile(zip), "plugin zip not built: " + zip + " (run mvn package first)");
        Path pluginsDir = work.resolve("plugins");
        Files.createDirectories(pluginsDir);
        Files.copy(zip, pluginsDir.resolve(zip.getFileName()));
        return new PluginZipCheck(pluginId, zip, work, pluginsDir);
    }

    /** The built zip itself, for tests that look inside it. */
    public Path zip() {
        return zip;
    }

    /** A library the zip must bring is not on the test's own class path (see the pom's excludes). */
    public static void assertNotOnClassPath(String className, Class<?> test, String library) {
        assertThrows(ClassNotFoundException.class, () -> Class.forName(className, false, test.getClassLoader()),
                library + " must come from the zip only; check the failsafe execution's class path excludes");
    }

    /**
     * The plugins directory holds exactly this plugin at {@link #VERSION}, with one provider that
     * serves {@code sections}, loaded by the plugin's own class loader, and the zip was not
     * expanded into the directory. Each of {@code fromZip} (class names) must be loaded by the
     * plugin's class loader too, i.e. from the zip's {@code lib/}. The zip's descriptor declares the
     * same sections ({@code jpatroni.dcs.sections}: config loading reads them before any plugin is
     * loaded). Returns the provider.
     */
    public DcsProvider assertLoadsOneProvider(Set<String> sections, String... fromZip) throws Exception {
        assertEquals(sections, PluginCatalog.scan(pluginsDir).dcsSections().keySet(),
                "jpatroni.dcs.sections of the zip's plugin.properties");
        PluginLoader loader = PluginLoader.forDirectory(pluginsDir, API_VERSION);
        assertEquals(List.of(pluginId), loader.plugins().stream().map(PluginLoader.LoadedPlugin::id).toList());
        assertEquals(VERSION, loader.plugins().get(0).version());
        List<DcsProvider> providers = loader.extensions(DcsProvider.class);
        assertEquals(1, providers.size());
        DcsProvider provider = providers.get(0);
        assertEquals(sections, provider.sections());
        ClassLoader pluginLoader = provider.getClass().getClassLoader();
        assertTrue(pluginLoader instanceof org.pf4j.PluginClassLoader, "provider loaded by " + pluginLoader);
        for (String className : fromZip) {
            assertSame(pluginLoader, Class.forName(className, false, pluginLoader).getClassLoader(),
                    className + " not loaded from the zip's lib/");
        }
        try (Stream<Path> entries = Files.list(pluginsDir)) {
            assertFalse(entries.anyMatch(Files::isDirectory), "the zip was expanded into the plugins directory");
        }
        return provider;
    }

    /**
     * Opens the section through the core's factory and goes once through a node's life with it:
     * initialize, member key, lock, read, update, watch, release, delete.
     */
    public void assertRoundTrip(String section, Map<String, Object> config, String scope) throws Exception {
        DcsSettings settings = new DcsSettings(section, config, "service", scope, MEMBER, TIMING);
        try (Dcs dcs = DcsFactory.open(settings, pluginsDir, context(scope))) {
            assertTrue(dcs.initialize(true, ""));
            assertTrue(dcs.touchMember("{\"state\":\"running\"}"));
            assertTrue(dcs.attemptToAcquireLeader());
            Cluster cluster = dcs.getCluster();
            assertEquals(MEMBER, cluster.leader().orElseThrow().name());
            assertTrue(dcs.updateLeader(cluster.leader().orElseThrow()));
            assertEquals("{\"state\":\"running\"}", cluster.member(MEMBER).orElseThrow().value());
            assertFalse(dcs.watch(OptionalLong.empty(), Duration.ofMillis(100)));
            assertTrue(dcs.deleteLeader(cluster.leader().orElseThrow()));
            assertTrue(dcs.getCluster().isUnlocked());
            assertTrue(dcs.deleteCluster());
        }
    }

    /**
     * Asking for a section no installed plugin serves fails with a message that names the section,
     * what is installed ({@code installed}, as the core lists it) and where it looked.
     */
    public void assertUnservedSectionNamesWhatIsInstalled(String section, Map<String, Object> config,
                                                          String installed) {
        DcsSettings settings = new DcsSettings(section, config, "service", "z", MEMBER, TIMING);
        DcsException error = assertThrows(DcsException.class, () -> DcsFactory.open(settings, pluginsDir, context("z")));
        assertTrue(error.getMessage().contains("'" + section + "'"), error.getMessage());
        assertTrue(error.getMessage().contains(installed), error.getMessage());
        assertTrue(error.getMessage().contains(pluginsDir.toAbsolutePath().normalize().toString()), error.getMessage());
    }

    /** A core offering another plugin API refuses to load the plugin and names both versions. */
    public void assertAnotherCoreVersionRefusesThePlugin() throws IOException {
        Path other = work.resolve("other-plugins");
        Files.createDirectories(other);
        try (Stream<Path> zips = Files.list(pluginsDir)) {
            for (Path z : zips.toList()) {
                Files.copy(z, other.resolve(z.getFileName()));
            }
        }
        PluginLoadException error = assertThrows(PluginLoadException.class,
                () -> PluginLoader.forDirectory(other, "9.9.9"));
        assertTrue(error.getMessage().contains("requires jpatroni plugin API ^" + API_VERSION), error.getMessage());
        assertTrue(error.getMessage().contains("offers plugin API 9.9.9"), error.getMessage());
    }

    private static PluginContext context(String scope) {
        return new PluginContext(Clock.systemUTC(), MEMBER, scope, API_VERSION);
    }
}
