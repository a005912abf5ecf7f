package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.Node;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The foundation scenario end to end, on real etcd and real PostgreSQL 15: bootstrap three
 * nodes, replicate, survive kill -9 of the leader, heal the killed node, hand over on SIGTERM.
 * The steps build on each other, so they run in order on one cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ClusterIT.DumpLogsOnFailure.class)
class ClusterIT {

    private static final int TTL = 20;
    private static final int LOOP_WAIT = 2;

    static ClusterHarness cluster;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new ClusterHarness(3, TTL, LOOP_WAIT);
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
        victim.killHard();
        Duration took = await("another node accepting writes", Duration.ofSeconds(TTL + LOOP_WAIT + 5 + 30),
                () -> cluster.writablePrimary().filter(n -> n != victim).isPresent());
        System.out.printf("failover after kill -9 of %s: writes accepted after %.1f s%n", victim,
                took.toMillis() / 1000.0);
        assertTrue(took.toSeconds() <= TTL + LOOP_WAIT + 5,
                "writes resumed after " + took.toSeconds() + " s, more than ttl + loop_wait + 5");
        Node leader = cluster.writablePrimary().orElseThrow();
        leader.execute("INSERT INTO t VALUES (2, 'written while the old leader was down')");
        killed = victim;
    }

    private Node killed;

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
        long start = System.nanoTime();
        leader.stop();
        Duration took = await("another node accepting writes after SIGTERM", Duration.ofSeconds(30),
                () -> cluster.writablePrimary().filter(n -> n != leader).isPresent());
        Duration total = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("switch after SIGTERM of %s: writes accepted %.1f s after the signal%n", leader,
                total.toMillis() / 1000.0);
        assertTrue(total.toMillis() <= 5000, "writes resumed " + total.toMillis() + " ms after SIGTERM");
        assertTrue(took.toMillis() >= 0);
    }

    @Test
    @Order(6)
    void aPlannedSwitchoverLosesNoCommittedRowAndKeepsTheOldLeaderWithoutABaseBackup() throws Exception {
        Node stopped = cluster.nodes.stream().filter(n -> !n.daemon.isAlive()).findFirst().orElseThrow();
        stopped.start();
        await("three healthy members", Duration.ofSeconds(120),
                () -> cluster.writablePrimary().isPresent() && cluster.writablePrimary().get().streamingReplicas() == 2);
        Node leader = cluster.writablePrimary().orElseThrow();
        Node candidate = cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
        long logBefore = java.nio.file.Files.size(leader.log());
        leader.execute("CREATE TABLE IF NOT EXISTS acked (id int primary key)");
        try (ContinuousWriter writer = new ContinuousWriter(cluster)) {
            await("the writer committing", Duration.ofSeconds(10), () -> writer.acknowledged().size() > 20);
            cluster.etcd.etcdctl("put", "/service/otus/failover",
                    "{\"leader\":\"" + leader.name + "\",\"member\":\"" + candidate.name + "\"}");
            await(candidate + " primary", Duration.ofSeconds(30),
                    () -> cluster.writablePrimary().filter(n -> n == candidate).isPresent());
            await(leader + " streaming from " + candidate, Duration.ofSeconds(60), () -> leader.isStreamingReplica());
            int before = writer.acknowledged().size();
            await("the writer committing on the new primary", Duration.ofSeconds(10),
                    () -> writer.acknowledged().size() > before + 20);
            writer.stop();
            System.out.printf("switchover %s -> %s: longest gap between commits %d ms%n", leader, candidate,
                    writer.longestGapMillis());
            for (int id : writer.acknowledged()) {
                assertTrue(hasAcked(candidate, id), "acknowledged row " + id + " is on the new primary");
            }
        }
        String afterSwitchover = java.nio.file.Files.readString(leader.log()).substring((int) logBefore);
        assertTrue(!afterSwitchover.contains("with pg_basebackup") && !afterSwitchover.contains("running pg_rewind"),
                "the old leader rejoined without a base backup or a rewind:\n" + afterSwitchover);
    }

    private static boolean hasAcked(Node node, int id) throws SQLException {
        try (Connection c = node.connect(); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM acked WHERE id = " + id)) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    /** Prints the tail of every node's log when a step fails: the first thing an operator would read. */
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
