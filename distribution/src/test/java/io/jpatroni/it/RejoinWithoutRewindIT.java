package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * A killed primary whose timeline diverged comes back even when pg_rewind may not be used
 * (use_pg_rewind off): it is cloned afresh from the new leader and streams the rows it missed,
 * without a human.
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
        cluster = new ClusterHarness(2, 20, 2, false);
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
        await(old + " streaming from " + survivor + " with row 2", Duration.ofSeconds(120),
                () -> old.count("SELECT count(*) FROM t WHERE id = 2") == 1
                        && old.count("SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'") == 1);
        String log = Files.readString(old.log());
        assertTrue(log.contains("creating a fresh replica"), "the old primary was re-cloned:\n" + log);
        assertEquals(2, old.count("SELECT count(*) FROM t"), "rows 1 and 2; row 99 never reached the new leader");
    }
}
