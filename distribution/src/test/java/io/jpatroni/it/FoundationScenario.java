package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.Node;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The foundation scenario end to end on real PostgreSQL 15 and a real DCS, through the packaged
 * daemon: bootstrap three nodes, replicate, survive kill -9 of the leader, heal the killed node,
 * hand over on SIGTERM. The steps build on each other, so they run in order on one cluster; each
 * DCS runs it through a subclass that supplies the cluster and its own checks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(DumpLogsOnFailure.class)
abstract class FoundationScenario {

    static final int TTL = 20;
    static final int LOOP_WAIT = 2;

    static ClusterHarness cluster;
    private Node killed;

    /** A fresh three-node cluster, not started. */
    abstract ClusterHarness newCluster() throws Exception;

    /** Printed before the measured figures, e.g. "ZooKeeper: ". */
    String label() {
        return "";
    }

    /** Checks of the DCS's own after the bootstrap. */
    void afterBootstrap(Node leader) throws Exception {
    }

    /** Waits for whatever must hold before the leader is lost (in synchronous mode: a synchronous standby). */
    void beforeLeaderLoss(Node leader) throws Exception {
    }

    @BeforeAll
    void startCluster() throws Exception {
        cluster = newCluster();
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
        afterBootstrap(leader);
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
        beforeLeaderLoss(victim);
        victim.killHard();
        Duration took = await("another node accepting writes", Duration.ofSeconds(TTL + LOOP_WAIT + 5 + 30),
                () -> cluster.writablePrimary().filter(n -> n != victim).isPresent());
        System.out.printf(label() + "failover after kill -9 of %s: writes accepted after %.1f s%n", victim,
                took.toMillis() / 1000.0);
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
        beforeLeaderLoss(leader);
        long start = System.nanoTime();
        leader.stop();
        await("another node accepting writes after SIGTERM", Duration.ofSeconds(30),
                () -> cluster.writablePrimary().filter(n -> n != leader).isPresent());
        Duration total = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf(label() + "switch after SIGTERM of %s: writes accepted %.1f s after the signal%n", leader,
                total.toMillis() / 1000.0);
        assertTrue(total.toMillis() <= 5000, "writes resumed " + total.toMillis() + " ms after SIGTERM");
    }
}
