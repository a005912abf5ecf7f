package io.jpatroni.plugin.dcs.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.Cluster;
import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsProvider;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.plugin.PluginContext;
import io.jpatroni.core.plugins.DcsFactory;
import io.jpatroni.core.plugins.PluginLoader;
import io.jpatroni.testing.consul.EmulatedConsul;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged plugin zip, loaded the way the daemon loads it, talking to the Consul emulator.
 * The core has Jackson of its own on this class path, so instead of removing it the test checks
 * that the provider and the Jackson it uses come from the plugin's class loader (the zip's lib/).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PluginZipIT {

    private static final String VERSION = System.getProperty("jpatroni.version", "0.1.0-SNAPSHOT");
    private static final DcsTiming TIMING = new DcsTiming(10, 1, 3);

    @TempDir
    static Path tmp;
    private Path zip;
    private Path pluginsDir;
    private EmulatedConsul consul;

    @BeforeAll
    void setUp() throws Exception {
        zip = Path.of(System.getProperty("jpatroni.pluginZip", "target/jpatroni-dcs-consul-" + VERSION + ".zip"));
        Assumptions.assumeTrue(Files.isRegularFile(zip), "plugin zip not built: " + zip + " (run mvn package first)");
        pluginsDir = tmp.resolve("plugins");
        Files.createDirectories(pluginsDir);
        Files.copy(zip, pluginsDir.resolve(zip.getFileName()));
        consul = EmulatedConsul.launch(Duration.ofSeconds(1));
    }

    @AfterAll
    void tearDown() {
        if (consul != null) {
            consul.close();
        }
    }

    @Test
    void theZipHoldsTheDescriptorClassesAndOnlyItsOwnLibraries() throws Exception {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertTrue(z.getEntry("plugin.properties") != null);
            assertTrue(z.getEntry("classes/META-INF/extensions.idx") != null);
            List<String> libs = z.stream().map(e -> e.getName()).filter(n -> n.startsWith("lib/") && n.endsWith(".jar"))
                    .sorted().toList();
            System.out.println("plugin zip " + Files.size(zip) + " bytes, lib/: " + libs);
            assertTrue(libs.stream().anyMatch(n -> n.startsWith("lib/jackson-databind-")), libs.toString());
            assertFalse(libs.stream().anyMatch(n -> n.contains("pf4j") || n.contains("slf4j") || n.contains("jpatroni")),
                    "provided jars packed into the zip: " + libs);
        }
    }

    @Test
    void theZipLoadsAndServesTheConsulSection() throws Exception {
        PluginLoader loader = PluginLoader.forDirectory(pluginsDir, VERSION);
        assertEquals(List.of("dcs-consul"), loader.plugins().stream().map(PluginLoader.LoadedPlugin::id).toList());
        List<DcsProvider> providers = loader.extensions(DcsProvider.class);
        assertEquals(1, providers.size());
        DcsProvider provider = providers.get(0);
        assertEquals(Set.of("consul"), provider.sections());
        ClassLoader pluginLoader = provider.getClass().getClassLoader();
        assertTrue(pluginLoader instanceof org.pf4j.PluginClassLoader, "provider loaded by " + pluginLoader);
        Class<?> jackson = Class.forName("com.fasterxml.jackson.databind.ObjectMapper", false, pluginLoader);
        assertSame(pluginLoader, jackson.getClassLoader(), "Jackson must come from the zip's lib/");
    }

    @Test
    void theLoadedPluginTalksToConsul() throws Exception {
        String scope = "zip";
        DcsSettings settings = new DcsSettings("consul", Map.of("host", consul.hostPort()), "service", scope, "n1", TIMING);
        try (Dcs dcs = DcsFactory.open(settings, pluginsDir, new PluginContext(Clock.systemUTC(), "n1", scope, VERSION))) {
            assertTrue(dcs.initialize(true, ""));
            assertTrue(dcs.touchMember("{\"state\":\"running\"}"));
            assertTrue(dcs.attemptToAcquireLeader());
            Cluster cluster = dcs.getCluster();
            assertEquals("n1", cluster.leader().orElseThrow().name());
            assertTrue(dcs.updateLeader(cluster.leader().orElseThrow()));
            assertEquals("{\"state\":\"running\"}", cluster.member("n1").orElseThrow().value());
            assertFalse(dcs.watch(OptionalLong.empty(), Duration.ofMillis(100)));
            assertTrue(dcs.deleteLeader(cluster.leader().orElseThrow()));
            assertTrue(dcs.deleteCluster());
        }
    }
}
