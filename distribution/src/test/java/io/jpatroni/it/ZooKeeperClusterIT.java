package io.jpatroni.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.DcsKind;
import io.jpatroni.it.ClusterHarness.Node;
import java.time.Duration;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * The foundation scenario on ZooKeeper (the zookeeper: section served by the dcs-zookeeper plugin
 * zip shipped in plugins/), with the ZooKeeper example config and its synchronous_mode.
 */
class ZooKeeperClusterIT extends FoundationScenario {

    private static final String SCOPE = ClusterHarness.SCOPE;

    @Override
    ClusterHarness newCluster() throws Exception {
        return new ClusterHarness(DcsKind.ZOOKEEPER, 3, TTL, LOOP_WAIT);
    }

    @Override
    String label() {
        return "ZooKeeper: ";
    }

    @Override
    void afterBootstrap(Node leader) throws Exception {
        // The example runs synchronous_mode: one replica becomes synchronous, through the sync znode.
        cluster.awaitSynchronousStandby(leader, Duration.ofSeconds(60));
        // The keys are where Patroni keeps them: the leader and member znodes ephemeral, the rest persistent.
        try (ZooKeeper zk = ((ZooKeeperTestServer) cluster.dcs).rawClient()) {
            String base = "/service/" + SCOPE + "/";
            Stat leaderStat = new Stat();
            assertEquals(leader.name, new String(zk.getData(base + "leader", false, leaderStat), UTF_8));
            assertNotEquals(0, leaderStat.getEphemeralOwner(), "leader znode is not ephemeral");
            Stat memberStat = new Stat();
            zk.getData(base + "members/" + leader.name, false, memberStat);
            assertEquals(leaderStat.getEphemeralOwner(), memberStat.getEphemeralOwner(),
                    "leader and member znodes belong to different sessions");
            Stat initialize = new Stat();
            String sysid = new String(zk.getData(base + "initialize", false, initialize), UTF_8);
            assertTrue(sysid.matches("\\d{10,}"), "initialize holds '" + sysid + "'");
            assertEquals(0, initialize.getEphemeralOwner());
            String config = new String(zk.getData(base + "config", false, null), UTF_8);
            assertTrue(config.contains("\"ttl\":" + TTL), config);
            assertEquals(3, zk.getChildren(base + "members", false).size());
        }
    }

    @Override
    void beforeLeaderLoss(Node leader) throws Exception {
        cluster.awaitSynchronousStandby(leader, Duration.ofSeconds(60)); // only it may take over
    }
}
