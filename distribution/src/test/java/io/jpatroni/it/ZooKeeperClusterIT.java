package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.DcsKind;
import io.jpatroni.it.ClusterHarness.Node;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The foundation scenario end to end on ZooKeeper (the zookeeper: section served by the
 * dcs-zookeeper plugin zip shipped in plugins/), real PostgreSQL 15: bootstrap three nodes from
 * the docker-zookeeper seed config, replicate, survive kill -9 of the leader, heal the killed
 * node, hand over on SIGTERM. The steps build on each other and run in order on one cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ZooKeeperClusterIT.DumpLogsOnFailure.class)
class ZooKeeperClusterIT {

    private static final int TTL = 20;
    private static final int LOOP_WAIT = 2;
    private static final String SCOPE = "my_cluster"; // from the seed config

    static ClusterHarness cluster;
    private Node killed;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new ClusterHarness(DcsKind.ZOOKEEPER, 3, TTL, LOOP_WAIT);
        cluster.startAll();
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void bootstrapsOneLeaderAndTwoStreamingReplicas() throws Exception {
        await("a leader", Duration.ofSeconds(90), () -> cluster.writablePrimary().isPresent());
        Node leader = cluster.writablePrimary().orElseThrow();
        await("two streaming replicas", Duration.ofSeconds(120), () -> leader.streamingReplicas() == 2);
        await(leader + " answers /primary", Duration.ofSeconds(10), () -> leader.rest("OPTIONS", "/primary") == 200);
        for (Node node : cluster.nodes) {
            if (node != leader) {
                await(node + " answers /replica", Duration.ofSeconds(10), () -> node.rest("OPTIONS", "/replica") == 200);
                assertEquals(503, node.rest("OPTIONS", "/primary"), node + " is not primary");
            }
        }
        // The seed runs synchronous_mode: one replica becomes synchronous, through the sync znode.
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

    @Test
    @Order(2)
    void aRowWrittenOnThePrimaryIsReadOnBothReplicas() throws Exception {
        Node leader = cluster.writablePrimary().orElseThrow();
        leader.execute("CREATE TABLE IF NOT EXISTS t (id int primary key, note text)");
        leader.execute("INSERT INTO t VALUES (1, 'written before any failure')");
        for (Node node : cluster.nodes) {
            await(node + " has row 1", Duration.ofSeconds(20), () -> node.hasRow(1));
        }
    }

    @Test
    @Order(3)
    void killingTheLeaderHandsWritesToAnotherNodeWithinTtlPlusLoopWait() throws Exception {
        Node victim = cluster.writablePrimary().orElseThrow();
        cluster.awaitSynchronousStandby(victim, Duration.ofSeconds(60)); // only it may take over
        victim.killHard();
        Duration took = await("another node accepting writes", Duration.ofSeconds(TTL + LOOP_WAIT + 5 + 30),
                () -> cluster.writablePrimary().filter(n -> n != victim).isPresent());
        System.out.printf("ZooKeeper: failover after kill -9 of %s: writes accepted after %.1f s (ttl %d, loop_wait %d)%n",
                victim, took.toMillis() / 1000.0, TTL, LOOP_WAIT);
        assertTrue(took.toSeconds() <= TTL + LOOP_WAIT + 5,
                "writes resumed after " + took.toSeconds() + " s, more than ttl + loop_wait + 5");
        Node leader = cluster.writablePrimary().orElseThrow();
        leader.execute("INSERT INTO t VALUES (2, 'written while the old leader was down')");
        killed = victim;
    }

    @Test
    @Order(4)
    void theKilledNodeComesBackAsAStreamingReplicaWithTheRowsItMissed() throws Exception {
        Node victim = killed != null ? killed : cluster.nodes.get(0);
        victim.start();
        await(victim + " streaming again with row 2", Duration.ofSeconds(120),
                () -> victim.hasRow(2) && victim.isStreamingReplica());
        Node leader = cluster.writablePrimary().orElseThrow();
        assertNotEquals(victim, leader);
        leader.execute("INSERT INTO t VALUES (3, 'written after the rejoin')");
        await(victim + " receives row 3", Duration.ofSeconds(20), () -> victim.hasRow(3));
    }

    @Test
    @Order(5)
    void sigtermOfTheLeaderHandsOverWithin5Seconds() throws Exception {
        Node leader = cluster.writablePrimary().orElseThrow();
        cluster.awaitSynchronousStandby(leader, Duration.ofSeconds(60));
        long start = System.nanoTime();
        leader.stop();
        await("another node accepting writes after SIGTERM", Duration.ofSeconds(30),
                () -> cluster.writablePrimary().filter(n -> n != leader).isPresent());
        Duration total = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("ZooKeeper: switch after SIGTERM of %s: writes accepted %.1f s after the signal%n", leader,
                total.toMillis() / 1000.0);
        assertTrue(total.toMillis() <= 5000, "writes resumed " + total.toMillis() + " ms after SIGTERM");
    }

    /** Prints the tail of every node's log when a step fails. */
    static final class DumpLogsOnFailure implements TestWatcher {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            try {
                System.out.println(cluster == null ? "no cluster" : cluster.logs());
            } catch (Exception e) {
                System.out.println("could not read logs: " + e);
            }
        }
    }
}
