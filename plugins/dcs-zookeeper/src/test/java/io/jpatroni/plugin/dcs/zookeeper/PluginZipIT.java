package io.jpatroni.plugin.dcs.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jpatroni.api.dcs.DcsProvider;
import io.jpatroni.testkit.dcs.PluginZipCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
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

    @TempDir
    static Path tmp;
    private PluginZipCheck zip;
    private ZooKeeperTestServer zookeeper;

    @BeforeAll
    void setUp() throws Exception {
        zip = PluginZipCheck.install("dcs-zookeeper", tmp);
        zookeeper = ZooKeeperTestServer.start();
    }

    @AfterAll
    void tearDown() throws Exception {
        if (zookeeper != null) {
            zookeeper.close();
        }
    }

    @Test
    void curatorIsNotOnTheTestClassPath() {
        PluginZipCheck.assertNotOnClassPath("org.apache.curator.framework.CuratorFramework", getClass(), "Curator");
    }

    @Test
    void theZipLoadsAndServesTheZooKeeperSection() throws Exception {
        DcsProvider provider = zip.assertLoadsOneProvider(Set.of("zookeeper"),
                "org.apache.curator.framework.CuratorFramework", "org.apache.zookeeper.ZooKeeper");
        assertEquals("zookeeper", provider.id());
    }

    @Test
    void theLoadedPluginTalksToZooKeeper() throws Exception {
        zip.assertRoundTrip("zookeeper", Map.of("hosts", List.of(zookeeper.hostPort())), "zip");
    }

    @Test
    void anUnservedSectionNamesWhatIsInstalled() {
        zip.assertUnservedSectionNamesWhatIsInstalled("etcd3", Map.of("hosts", "x:2379"), "zookeeper");
    }

    @Test
    void aCoreOfAnotherVersionRefusesThePlugin() throws Exception {
        zip.assertAnotherCoreVersionRefusesThePlugin();
    }
}
