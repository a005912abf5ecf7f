package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.DcsKind;
import io.jpatroni.it.ClusterHarness.Node;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Zero data loss with synchronous_mode (the ubuntu-etcd-sync seed's settings) on real etcd and
 * PostgreSQL 15: a client commits continuously while the leader is killed with kill -9 again and
 * again; every commit it saw acknowledged must be on the final primary, and no two nodes may ever
 * accept writes at the same time. Then strict mode: with both replicas gone a commit waits,
 * and it is neither acknowledged nor lost before they return.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(DumpLogsOnFailure.class)
class SynchronousReplicationIT {

    private static final int TTL = 20; // the smallest ttl Patroni accepts
    private static final int LOOP_WAIT = 2;
    private static final int KILLS = Integer.getInteger("jpatroni.syncKills", 3);

    static ClusterHarness cluster;
    private SplitBrainMonitor monitor;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    void startCluster() throws Exception {
        // The ubuntu-etcd-sync seed's synchronous settings on the harness's loopback cluster.
        cluster = new ClusterHarness(DcsKind.ETCD, 3, TTL, LOOP_WAIT, true,
                Map.of("synchronous_mode", true, "synchronous_mode_strict", false, "maximum_lag_on_failover", 0));
        cluster.startAll();
        monitor = new SplitBrainMonitor(cluster);
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (monitor != null) {
            monitor.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void theLeaderMakesOneReplicaSynchronous() throws Exception {
        await("a leader", Duration.ofSeconds(90), () -> cluster.writablePrimary().isPresent());
        Node leader = cluster.writablePrimary().orElseThrow();
        await("two streaming replicas", Duration.ofSeconds(120), () -> leader.streamingReplicas() == 2);
        Node sync = awaitSyncStandby(leader);
        assertEquals(sync.name, setting(leader, "synchronous_standby_names"));
        assertEquals(1, leader.count("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'"));
        Node async = cluster.nodes.stream().filter(n -> n != leader && n != sync).findFirst().orElseThrow();
        assertEquals(200, async.rest("GET", "/async"));
        assertEquals(503, async.rest("GET", "/sync"));
        ClusterHarness.Result list = cluster.ctl("", "list");
        assertTrue(list.out().lines().anyMatch(l -> l.contains(sync.name) && l.contains("Sync Standby")),
                "jpatronictl list shows the synchronous standby:\n" + list);
    }

    @Test
    @Order(2)
    void noAcknowledgedCommitIsLostAcrossRepeatedKillsOfTheLeader() throws Exception {
        Node first = cluster.writablePrimary().orElseThrow();
        first.execute("CREATE TABLE IF NOT EXISTS acked (id int primary key)");
        int failovers = 0;
        try (ContinuousWriter writer = new ContinuousWriter(cluster)) {
            for (int round = 1; round <= KILLS; round++) {
                Node leader = cluster.writablePrimary().orElseThrow();
                awaitSyncStandby(leader);
                int before = writer.acknowledged().size();
                await("commits flowing on " + leader, Duration.ofSeconds(30),
                        () -> writer.acknowledged().size() > before + 50);
                leader.killHard();
                Duration took = await("another node accepting writes", Duration.ofSeconds(TTL + LOOP_WAIT + 40),
                        () -> cluster.writablePrimary().filter(n -> n != leader).isPresent());
                failovers++;
                int acknowledgedNow = writer.acknowledged().size();
                await("commits acknowledged by the new primary", Duration.ofSeconds(30),
                        () -> writer.acknowledged().size() > acknowledgedNow);
                System.out.printf("round %d: killed %s, writes resumed after %.1f s%n", round, leader,
                        took.toMillis() / 1000.0);
                leader.start();
                await(leader + " streaming again", Duration.ofSeconds(120), leader::isStreamingReplica);
            }
            writer.stop();
            Node last = cluster.writablePrimary().orElseThrow();
            List<Integer> acknowledged = writer.acknowledged();
            Set<Integer> present = ids(last);
            long lost = acknowledged.stream().filter(id -> !present.contains(id)).count();
            System.out.printf("kill loop: %d kills, %d commits acknowledged, %d lost, %d split-brain samples%n",
                    failovers, acknowledged.size(), lost, monitor.violations());
            assertEquals(0, lost, "acknowledged commits missing on the final primary " + last);
            assertTrue(acknowledged.size() > 0);
        }
        assertEquals(0, monitor.violations(), "two nodes accepted writes at the same time: " + monitor.lastViolation());
        assertTrue(monitor.samples() > 0);
    }

    @Test
    @Order(3)
    void strictModeMakesCommitsWaitWhileNoReplicaIsLeft() throws Exception {
        Node leader = cluster.writablePrimary().orElseThrow();
        patchConfig(leader, "{\"synchronous_mode_strict\": true}");
        awaitSyncStandby(leader);
        List<Node> replicas = cluster.nodes.stream().filter(n -> n != leader).toList();
        for (Node replica : replicas) {
            replica.killHard();
        }
        await("strict mode waiting for any standby ('*')", Duration.ofSeconds(30),
                () -> "*".equals(setting(leader, "synchronous_standby_names")));

        CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> {
            try (Connection c = leader.connect(Duration.ZERO); var st = c.createStatement()) {
                st.execute("INSERT INTO acked VALUES (-1)");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        TimeUnit.SECONDS.sleep(3L * LOOP_WAIT + 2);
        assertFalse(commit.isDone(), "a commit was acknowledged with no standby left in strict mode");

        for (Node replica : replicas) {
            replica.start();
        }
        commit.get(120, TimeUnit.SECONDS);
        for (Node node : cluster.nodes) {
            await(node + " has the commit that waited", Duration.ofSeconds(60), () -> ids(node).contains(-1));
        }
        assertEquals(leader, cluster.writablePrimary().orElseThrow(), "strict mode kept the same primary");
        assertEquals(0, monitor.violations(), "two nodes accepted writes at the same time: " + monitor.lastViolation());
    }

    @Test
    @Order(4)
    void aStoppingSynchronousStandbyHandsItsDutyToTheOtherReplicaFirst() throws Exception {
        Node leader = cluster.writablePrimary().orElseThrow();
        for (Node node : cluster.nodes) {
            if (node != leader) {
                await(node + " streaming", Duration.ofSeconds(120), node::isStreamingReplica);
            }
        }
        Node sync = awaitSyncStandby(leader);
        Node other = cluster.nodes.stream().filter(n -> n != leader && n != sync).findFirst().orElseThrow();
        sync.stop();
        // Checked once, the moment its daemon has exited: commits already waited for the other replica.
        assertEquals(other.name, setting(leader, "synchronous_standby_names"),
                "the primary still waited for " + sync + " when it stopped");
        leader.execute("INSERT INTO acked VALUES (-2)");
        sync.start();
        await(sync + " streaming again", Duration.ofSeconds(120), sync::isStreamingReplica);
    }

    private static Node awaitSyncStandby(Node leader) throws Exception {
        return cluster.awaitSynchronousStandby(leader, Duration.ofSeconds(60));
    }

    private static String setting(Node node, String name) throws SQLException {
        try (Connection c = node.connect(); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('" + name + "')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Set<Integer> ids(Node node) throws SQLException {
        Set<Integer> ids = new HashSet<>();
        try (Connection c = node.connect(); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM acked")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    private void patchConfig(Node node, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.restPort + "/config"))
                .timeout(Duration.ofSeconds(5)).method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "PATCH /config: " + response.body());
    }

    /**
     * Samples every node a few times a second: how many accept a write right now. More than one
     * at the same time is the split brain synchronous replication must never allow.
     */
    static final class SplitBrainMonitor {
        private final Thread thread;
        private volatile boolean running = true;
        private final AtomicInteger violations = new AtomicInteger();
        private final AtomicInteger samples = new AtomicInteger();
        private volatile String lastViolation = "none";

        SplitBrainMonitor(ClusterHarness cluster) {
            thread = new Thread(() -> {
                while (running) {
                    List<Node> writable = cluster.nodes.stream().filter(ClusterHarness::acceptsWrites).toList();
                    samples.incrementAndGet();
                    if (writable.size() > 1) {
                        violations.incrementAndGet();
                        lastViolation = writable.toString();
                    }
                    try {
                        TimeUnit.MILLISECONDS.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "split-brain-monitor");
            thread.setDaemon(true);
            thread.start();
        }

        int violations() {
            return violations.get();
        }

        int samples() {
            return samples.get();
        }

        String lastViolation() {
            return lastViolation;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }
}
