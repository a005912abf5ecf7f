package io.jpatroni.plugin.dcs.zookeeper;

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
import io.jpatroni.core.plugins.DcsFactory;
import io.jpatroni.core.plugins.PluginLoadException;
import io.jpatroni.core.plugins.PluginLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged plugin zip, loaded the way the daemon loads it. Curator is removed from this
 * test's class path (see the pom), so the test passes only if the zip's {@code lib/} is complete.
 * The ZooKeeper jar stays on the class path for the in-JVM test server; the test checks that the
 * plugin nevertheless uses its own copy from the zip.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PluginZipIT {

    private static final String VERSION = System.getProperty("jpatroni.version", "0.1.0-SNAPSHOT");
    private static final DcsTiming TIMING = new DcsTiming(10, 1, 3);

    @TempDir
    static Path tmp;
    private Path pluginsDir;
    private ZooKeeperTestServer zookeeper;

    @BeforeAll
    void setUp() throws Exception {
        Path zip = Path.of(System.getProperty("jpatroni.pluginZip",
                "target/jpatroni-dcs-zookeeper-" + VERSION + ".zip"));
        Assumptions.assumeTrue(Files.isRegularFile(zip), "plugin zip not built: " + zip + " (run mvn package first)");
        pluginsDir = tmp.resolve("plugins");
        Files.createDirectories(pluginsDir);
        Files.copy(zip, pluginsDir.resolve(zip.getFileName()));
        zookeeper = ZooKeeperTestServer.start();
    }

    @AfterAll
    void tearDown() throws Exception {
        if (zookeeper != null) {
            zookeeper.close();
        }
    }

    private PluginContext ctx(String scope) {
        return new PluginContext(Clock.systemUTC(), "n1", scope, VERSION);
    }

    @Test
    void curatorIsNotOnTheTestClassPath() {
        assertThrows(ClassNotFoundException.class,
                () -> Class.forName("org.apache.curator.framework.CuratorFramework", false, getClass().getClassLoader()),
                "Curator must come from the zip only; check the failsafe execution's class path excludes");
    }

    @Test
    void theZipLoadsAndServesTheZooKeeperSection() throws Exception {
        PluginLoader loader = PluginLoader.forDirectory(pluginsDir, VERSION);
        assertEquals(List.of("dcs-zookeeper"), loader.plugins().stream().map(PluginLoader.LoadedPlugin::id).toList());
        assertEquals(VERSION, loader.plugins().get(0).version());
        List<DcsProvider> providers = loader.extensions(DcsProvider.class);
        assertEquals(1, providers.size());
        DcsProvider provider = providers.get(0);
        assertEquals("zookeeper", provider.id());
        assertEquals(Set.of("zookeeper"), provider.sections());
        ClassLoader pluginLoader = provider.getClass().getClassLoader();
        assertTrue(pluginLoader instanceof org.pf4j.PluginClassLoader, "provider loaded by " + pluginLoader);
        assertSame(pluginLoader, Class.forName("org.apache.curator.framework.CuratorFramework", false, pluginLoader)
                .getClassLoader(), "Curator not loaded from the zip");
        assertSame(pluginLoader, Class.forName("org.apache.zookeeper.ZooKeeper", false, pluginLoader).getClassLoader(),
                "the ZooKeeper client not loaded from the zip");
        assertFalse(Files.list(pluginsDir).anyMatch(Files::isDirectory), "the zip was expanded into the plugins directory");
    }

    @Test
    void theLoadedPluginTalksToZooKeeper() throws Exception {
        String scope = "zip";
        DcsSettings settings = new DcsSettings("zookeeper", Map.of("hosts", List.of(zookeeper.hostPort())), "service",
                scope, "n1", TIMING);
        try (Dcs dcs = DcsFactory.open(settings, pluginsDir, ctx(scope))) {
            assertTrue(dcs.initialize(true, ""));
            assertTrue(dcs.touchMember("{\"state\":\"running\"}"));
            assertTrue(dcs.attemptToAcquireLeader());
            Cluster cluster = dcs.getCluster();
            assertEquals("n1", cluster.leader().orElseThrow().name());
            assertTrue(dcs.updateLeader(cluster.leader().orElseThrow()));
            assertEquals("{\"state\":\"running\"}", cluster.member("n1").orElseThrow().value());
            assertFalse(dcs.watch(OptionalLong.empty(), Duration.ofMillis(100)));
            assertTrue(dcs.deleteLeader(cluster.leader().orElseThrow()));
            assertTrue(dcs.getCluster().isUnlocked());
            assertTrue(dcs.deleteCluster());
        }
    }

    @Test
    void anUnservedSectionNamesWhatIsInstalled() {
        DcsSettings settings = new DcsSettings("etcd3", Map.of("hosts", "x:2379"), "service", "z", "n1", TIMING);
        DcsException error = assertThrows(DcsException.class, () -> DcsFactory.open(settings, pluginsDir, ctx("z")));
        assertTrue(error.getMessage().contains("'etcd3'"), error.getMessage());
        assertTrue(error.getMessage().contains("zookeeper"), error.getMessage());
    }

    @Test
    void aCoreOfAnotherVersionRefusesThePlugin() throws Exception {
        Path other = tmp.resolve("other-plugins");
        Files.createDirectories(other);
        try (var zips = Files.list(pluginsDir)) {
            for (Path zip : zips.toList()) {
                Files.copy(zip, other.resolve(zip.getFileName()));
            }
        }
        PluginLoadException error = assertThrows(PluginLoadException.class,
                () -> PluginLoader.forDirectory(other, "9.9.9"));
        assertTrue(error.getMessage().contains("requires jpatroni " + VERSION), error.getMessage());
        assertTrue(error.getMessage().contains("this is jpatroni 9.9.9"), error.getMessage());
    }
}
