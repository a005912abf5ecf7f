package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.Node;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The safety rule of spec/timing.md §5: a primary that can no longer renew its lock stops
 * accepting writes before the lock can expire in the DCS (ttl after its last renewal), so no
 * other node can ever be promoted while it still acknowledges commits.
 */
@ExtendWith(DumpLogsOnFailure.class)
class DcsOutageIT {

    private static final int TTL = 20;
    private ClusterHarness cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aPrimaryThatLosesEtcdStopsAcceptingWritesBeforeItsLockCanExpire() throws Exception {
        cluster = new ClusterHarness(1, TTL, 2);
        cluster.startAll();
        Node primary = cluster.nodes.get(0);
        await("the single node to bootstrap as primary", Duration.ofSeconds(90),
                () -> ClusterHarness.acceptsWrites(primary));
        holdsTheLock(primary);
        long lastRenewalAtMost = System.nanoTime();
        cluster.etcd.kill();
        Duration readOnly = await("the primary to stop accepting writes", Duration.ofSeconds(TTL + 10),
                () -> !ClusterHarness.acceptsWrites(primary));
        double seconds = (System.nanoTime() - lastRenewalAtMost) / 1e9;
        System.out.printf("etcd killed: primary refused writes %.1f s later (ttl %d s)%n", seconds, TTL);
        assertTrue(readOnly.toSeconds() < TTL, "still writable " + readOnly.toSeconds() + " s after losing etcd");
        await("PostgreSQL back up read-only (demoted, not left stopped)", Duration.ofSeconds(30),
                () -> isReadOnlyAndRunning(primary));
    }

    /**
     * A frozen etcd (SIGSTOP) answers nothing but keeps its sockets open: every DCS call must time
     * out by itself, and the demotion's stop must be bounded, for the primary to go read-only in time.
     */
    @Test
    void aPrimaryWhoseEtcdFreezesStopsAcceptingWritesBeforeItsLockCanExpire() throws Exception {
        cluster = new ClusterHarness(1, TTL, 2);
        cluster.startAll();
        Node primary = cluster.nodes.get(0);
        await("the single node to bootstrap as primary", Duration.ofSeconds(90),
                () -> ClusterHarness.acceptsWrites(primary));
        holdsTheLock(primary);
        long lastRenewalAtMost = System.nanoTime();
        cluster.etcd.freeze(true);
        try {
            Duration readOnly = await("the primary to stop accepting writes", Duration.ofSeconds(TTL + 10),
                    () -> !ClusterHarness.acceptsWrites(primary));
            double seconds = (System.nanoTime() - lastRenewalAtMost) / 1e9;
            System.out.printf("etcd frozen: primary refused writes %.1f s later (ttl %d s)%n", seconds, TTL);
            assertTrue(readOnly.toSeconds() < TTL, "still writable " + readOnly.toSeconds() + " s after etcd froze");
        } finally {
            cluster.etcd.freeze(false);
        }
        await("the primary back once etcd answers again", Duration.ofSeconds(60),
                () -> ClusterHarness.acceptsWrites(primary));
        assertTrue(primary.daemon.isAlive());
    }

    /**
     * PostgreSQL accepts writes a moment before the bootstrap's keys and the lock are written: the
     * outage must start once the node is the leader (GET /primary answers 200 only then).
     */
    static void holdsTheLock(Node node) throws Exception {
        await("the node to hold the leader lock", Duration.ofSeconds(30), () -> node.rest("GET", "/primary") == 200);
    }

    private static boolean isReadOnlyAndRunning(Node node) {
        try (var c = node.connect(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }
}
