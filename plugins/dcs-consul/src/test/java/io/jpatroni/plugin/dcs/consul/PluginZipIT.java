package io.jpatroni.plugin.dcs.consul;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.testing.consul.EmulatedConsul;
import io.jpatroni.testkit.dcs.PluginZipCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
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

    @TempDir
    static Path tmp;
    private PluginZipCheck zip;
    private EmulatedConsul consul;

    @BeforeAll
    void setUp() throws Exception {
        zip = PluginZipCheck.install("dcs-consul", tmp);
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
        try (ZipFile z = new ZipFile(zip.zip().toFile())) {
            assertTrue(z.getEntry("plugin.properties") != null);
            assertTrue(z.getEntry("classes/META-INF/extensions.idx") != null);
            List<String> libs = z.stream().map(e -> e.getName()).filter(n -> n.startsWith("lib/") && n.endsWith(".jar"))
                    .sorted().toList();
            System.out.println("plugin zip " + Files.size(zip.zip()) + " bytes, lib/: " + libs);
            assertTrue(libs.stream().anyMatch(n -> n.startsWith("lib/jackson-databind-")), libs.toString());
            assertFalse(libs.stream().anyMatch(n -> n.contains("pf4j") || n.contains("slf4j") || n.contains("jpatroni")),
                    "provided jars packed into the zip: " + libs);
        }
    }

    @Test
    void theZipLoadsAndServesTheConsulSection() throws Exception {
        zip.assertLoadsOneProvider(Set.of("consul"), "com.fasterxml.jackson.databind.ObjectMapper");
    }

    @Test
    void theLoadedPluginTalksToConsul() throws Exception {
        zip.assertRoundTrip("consul", Map.of("host", consul.hostPort()), "zip");
    }

    @Test
    void anUnservedSectionNamesWhatIsInstalled() {
        zip.assertUnservedSectionNamesWhatIsInstalled("etcd3", Map.of("hosts", "x:2379"), "consul");
    }

    @Test
    void aCoreOfAnotherVersionRefusesThePlugin() throws Exception {
        zip.assertAnotherCoreVersionRefusesThePlugin();
    }
}
