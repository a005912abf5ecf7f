package io.jpatroni.plugin.dcs.etcd;

import io.jpatroni.testing.EtcdServer;
import io.jpatroni.testkit.dcs.PluginZipCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * The packaged plugin zip, loaded the way the daemon loads it. This test runs with jetcd and
 * its dependencies removed from the class path (see the pom), so it passes only if the zip's
 * {@code lib/} is complete and the classes come from the plugin's own class loader.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PluginZipIT {

    @TempDir
    static Path tmp;
    private PluginZipCheck zip;
    private EtcdServer etcd;

    @BeforeAll
    void setUp() throws Exception {
        zip = PluginZipCheck.install("dcs-etcd", tmp);
        Assumptions.assumeTrue(EtcdServer.available(), "no etcd binary at " + EtcdServer.BINARY);
        etcd = EtcdServer.start();
    }

    @AfterAll
    void tearDown() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void jetcdIsNotOnTheTestClassPath() {
        PluginZipCheck.assertNotOnClassPath("io.etcd.jetcd.Client", getClass(), "jetcd");
    }

    @Test
    void theZipLoadsAndServesBothEtcdSections() throws Exception {
        zip.assertLoadsOneProvider(Set.of("etcd3", "etcd"));
    }

    @Test
    void theLoadedPluginTalksToEtcd() throws Exception {
        for (String section : List.of("etcd3", "etcd")) {
            zip.assertRoundTrip(section, Map.of("hosts", etcd.hostPort()), "zip-" + section);
        }
    }

    @Test
    void anUnservedSectionNamesWhatIsInstalled() {
        zip.assertUnservedSectionNamesWhatIsInstalled("zookeeper", Map.of("hosts", "x:2181"), "etcd, etcd3");
    }

    @Test
    void aCoreOfAnotherVersionRefusesThePlugin() throws Exception {
        zip.assertAnotherCoreVersionRefusesThePlugin();
    }
}
