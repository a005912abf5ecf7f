package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.Node;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The foundation scenario on real etcd (Debian's etcd-server, the etcd example config), plus a
 * planned switchover under a continuous writer.
 */
class ClusterIT extends FoundationScenario {

    @Override
    ClusterHarness newCluster() throws Exception {
        return new ClusterHarness(3, TTL, LOOP_WAIT);
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
}
