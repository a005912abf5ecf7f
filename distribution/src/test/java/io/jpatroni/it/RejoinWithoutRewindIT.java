package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.Node;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A killed primary whose timeline diverged while pg_rewind may not be used (use_pg_rewind off): with
 * remove_data_directory_on_diverged_timelines it is cloned afresh from the new leader and streams the rows it
 * missed, without a human; without it (Patroni's default) its data is left alone for the operator.
 */
@ExtendWith(DumpLogsOnFailure.class)
class RejoinWithoutRewindIT {

    private ClusterHarness cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aDivergedOldPrimaryIsClonedAfreshWhenItMayNotRewind() throws Exception {
        Node old = divergedOldPrimaryRestarted(true);
        Node survivor = cluster.nodes.stream().filter(n -> n != old).findFirst().orElseThrow();
        await(old + " streaming from " + survivor + " with row 2", Duration.ofSeconds(120),
                () -> old.count("SELECT count(*) FROM t WHERE id = 2") == 1
                        && old.count("SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'") == 1);
        String log = Files.readString(old.log());
        assertTrue(log.contains("creating a fresh replica"), "the old primary was re-cloned:\n" + log);
        assertEquals(2, old.count("SELECT count(*) FROM t"), "rows 1 and 2; row 99 never reached the new leader");
    }

    @Test
    void byDefaultTheDivergedDataIsLeftAlone() throws Exception {
        Node old = divergedOldPrimaryRestarted(false);
        await(old + " says it leaves its data alone", Duration.ofSeconds(90),
                () -> Files.readString(old.log()).contains("leaving the data directory alone"));
        await(old + " running again as a replica", Duration.ofSeconds(60), () -> {
            try {
                return old.count("SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END") == 1;
            } catch (SQLException e) {
                return false;
            }
        });
        assertEquals(1, old.count("SELECT count(*) FROM t WHERE id = 99"), "row 99 is still in the old data");
        String log = Files.readString(old.log());
        assertFalse(log.contains("creating a fresh replica"), log);
        assertFalse(log.contains("Removing data directory"), log);
    }

    /** Row 99 exists only on the killed old primary; the survivor promoted and wrote row 2; the old one restarts. */
    @SuppressWarnings("unchecked")
    private Node divergedOldPrimaryRestarted(boolean removeOnDiverged) throws Exception {
        cluster = new ClusterHarness(2, 20, 2, false);
        if (removeOnDiverged) {
            for (Node n : cluster.nodes) {
                cluster.editConfig(n, yml -> ((java.util.Map<String, Object>) yml.get("postgresql"))
                        .put("remove_data_directory_on_diverged_timelines", true));
            }
        }
        cluster.startAll();
        await("a primary and a streaming replica", Duration.ofSeconds(120), () -> cluster.writablePrimary().isPresent()
                && cluster.writablePrimary().get().streamingReplicas() == 1);
        Node old = cluster.writablePrimary().orElseThrow();
        old.execute("CREATE TABLE t (id int primary key)");
        old.execute("INSERT INTO t VALUES (1)");
        Node survivor = cluster.nodes.stream().filter(n -> n != old).findFirst().orElseThrow();
        await("row 1 replicated", Duration.ofSeconds(20), () -> survivor.count("SELECT count(*) FROM t") == 1);

        // Cut the replica off, then commit on the old primary what the replica never receives:
        // the old primary's timeline now diverges from the one the survivor will promote on.
        survivor.execute("ALTER SYSTEM SET primary_conninfo = ''");
        survivor.execute("SELECT pg_reload_conf()");
        await("replication stopped", Duration.ofSeconds(20), () -> old.streamingReplicas() == 0);
        old.execute("INSERT INTO t VALUES (99)");
        old.killHard();
        await(survivor + " promoted", Duration.ofSeconds(60), () -> ClusterHarness.acceptsWrites(survivor));
        survivor.execute("INSERT INTO t VALUES (2)");
        old.start();
        return old;
    }
}
