package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.Node;
import io.jpatroni.it.ClusterHarness.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's commands of the seed documents, with the packaged jpatronictl against a real
 * 3-node cluster: switchover with the 3.x options, edit-config (a reloadable parameter, then one
 * that needs a restart), restart of the whole cluster, pause then stop the leader (no failover),
 * reinit of a replica.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(DumpLogsOnFailure.class)
class OperationsIT {

    private ClusterHarness cluster;

    @BeforeAll
    void start() throws Exception {
        cluster = new ClusterHarness(3, 20, 2);
        cluster.startAll();
        await("a leader and two streaming replicas", Duration.ofSeconds(120), () -> healthy(3));
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void switchoverWithTheMasterAndCandidateOptionsOfPatroni3() throws Exception {
        Node leader = cluster.writablePrimary().orElseThrow();
        Node candidate = cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
        Result r = ctl("switchover", "otus", "--master", leader.name, "--candidate", candidate.name, "--force");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("Successfully switched over to \"" + candidate.name + "\""), r.toString());
        await(candidate + " primary, " + leader + " streaming from it", Duration.ofSeconds(60),
                () -> cluster.writablePrimary().filter(n -> n == candidate).isPresent() && healthy(3));
        await("role-change callbacks with Patroni's arguments", Duration.ofSeconds(10),
                () -> candidate.callbacks().contains("on_role_change primary otus")
                        && leader.callbacks().contains("on_role_change replica otus")
                        && leader.callbacks().contains("on_stop demoted otus"));
    }

    @Test
    @Order(2)
    void sighupRereadsPatroniYml() throws Exception {
        Node node = cluster.nodes.get(2);
        String yml = Files.readString(node.config);
        Files.writeString(node.config, yml.replace("unix_socket_directories:",
                "work_mem: 7MB\n    unix_socket_directories:"));
        new ProcessBuilder("kill", "-HUP", Long.toString(node.daemon.pid())).start().waitFor();
        await(node + " work_mem 7MB from its re-read patroni.yml", Duration.ofSeconds(20),
                () -> "7MB".equals(show(node, "work_mem")));
        await("on_reload callback", Duration.ofSeconds(10),
                () -> node.callbacks().stream().anyMatch(l -> l.startsWith("on_reload ")));
    }

    @Test
    @Order(3)
    void editConfigReloadsWhatItCanAndMarksTheRestPendingRestart() throws Exception {
        Result temp = ctl("edit-config", "otus", "--set", "postgresql.parameters.temp_buffers=16MB", "--force");
        assertEquals(0, temp.exit(), temp.toString());
        for (Node node : cluster.nodes) {
            await(node + " temp_buffers 16MB after a reload", Duration.ofSeconds(30),
                    () -> "16MB".equals(show(node, "temp_buffers")));
        }
        Result shared = ctl("edit-config", "otus", "--set", "postgresql.parameters.shared_buffers=64MB", "--force");
        assertEquals(0, shared.exit(), shared.toString());
        await("every member pending restart", Duration.ofSeconds(30), () -> {
            Result list = ctl("list", "otus", "-f", "json");
            return list.out().split("\"Pending restart\": \"\\*\"", -1).length - 1 == 3;
        });
    }

    @Test
    @Order(4)
    void restartOfTheWholeClusterAppliesThePendingParameters() throws Exception {
        Result r = ctl("restart", "otus", "--force");
        assertEquals(0, r.exit(), r.toString());
        for (Node node : cluster.nodes) {
            await(node + " shared_buffers 64MB", Duration.ofSeconds(60), () -> "64MB".equals(show(node, "shared_buffers")));
        }
        await("healthy again, nothing pending", Duration.ofSeconds(60),
                () -> healthy(3) && !ctl("list", "otus", "-f", "json").out().contains("Pending restart\": \"*"));
    }

    @Test
    @Order(5)
    void whilePausedStoppingTheLeaderCausesNoFailover() throws Exception {
        Result pause = ctl("pause", "otus", "--wait");
        assertEquals(0, pause.exit(), pause.toString());
        Node leader = cluster.writablePrimary().orElseThrow();
        leader.stop();
        assertTrue(ClusterHarness.acceptsWrites(leader), "paused: PostgreSQL of the stopped daemon keeps running");
        TimeUnit.SECONDS.sleep(cluster.ttl + 5);
        assertEquals(leader, cluster.writablePrimary().orElseThrow(), "no other node was promoted while paused");
        leader.start();
        // As an operator would: resume once the restarted daemon has taken its lock back. Resumed
        // earlier, a free lock and an unreachable primary let a replica take over (as with Patroni).
        await(leader + " holds the leader lock again while paused", Duration.ofSeconds(60),
                () -> leader.rest("GET", "/leader") == 200);
        Result resume = ctl("resume", "otus", "--wait");
        assertEquals(0, resume.exit(), resume.toString());
        await("the old leader leads again, replicas streaming", Duration.ofSeconds(60),
                () -> cluster.writablePrimary().filter(n -> n == leader).isPresent() && healthy(3));
    }

    @Test
    @Order(6)
    void reinitRecreatesAReplicaFromTheLeader() throws Exception {
        Node leader = cluster.writablePrimary().orElseThrow();
        Node replica = cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
        long before = Files.size(replica.log());
        Result r = ctl("reinit", "otus", replica.name, "--force", "--wait");
        assertEquals(0, r.exit(), r.toString());
        await(replica + " streaming again", Duration.ofSeconds(90), () -> healthy(3));
        String log = Files.readString(replica.log()).substring((int) before);
        assertTrue(log.contains("pg_basebackup"), "the replica was cloned again:\n" + log);
    }

    @Test
    @Order(7)
    void failoverToANamedCandidateAndTheTimelineHistoryThatRemembersIt() throws Exception {
        Node leader = cluster.writablePrimary().orElseThrow();
        Node candidate = cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
        Result r = ctl("failover", "otus", "--candidate", candidate.name, "--force");
        assertEquals(0, r.exit(), r.toString());
        await(candidate + " primary", Duration.ofSeconds(60),
                () -> cluster.writablePrimary().filter(n -> n == candidate).isPresent() && healthy(3));
        Result history = ctl("history", "otus", "-f", "json");
        assertEquals(0, history.exit(), history.toString());
        assertTrue(history.out().contains("\"New Leader\": \"" + candidate.name + "\""),
                "history names the new leader:\n" + history);
    }

    @Test
    @Order(8)
    void aScheduledRestartRunsWhenDue() throws Exception {
        Node replica = cluster.nodes.stream().filter(n -> !ClusterHarness.acceptsWrites(n)).findFirst().orElseThrow();
        String startedBefore = postmasterStart(replica);
        String at = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(5).toString();
        Result r = ctl("restart", "otus", replica.name, "--scheduled", at, "--force");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(replica.restBody("/patroni").contains("scheduled_restart"), "the schedule is published");
        await(replica + " restarted by its schedule", Duration.ofSeconds(40),
                () -> !startedBefore.equals(postmasterStart(replica)));
        await("the restart callback", Duration.ofSeconds(10), () -> replica.callbacks().contains("on_restart replica otus"));
    }

    @Test
    @Order(9)
    void theSmallerCommandsAnswerAsPatronictlDoes() throws Exception {
        Node leader = cluster.writablePrimary().orElseThrow();
        Result dsn = ctl("dsn", "otus");
        assertEquals("host=127.0.0.1 port=" + leader.pgPort, dsn.out().strip(), dsn.toString());
        Result query = ctl("query", "otus", "-c", "SELECT pg_is_in_recovery()", "-U", "postgres", "--format", "tsv");
        assertEquals(0, query.exit(), query.toString());
        assertTrue(query.out().contains("False"), "a Python-style boolean, as patronictl prints it: " + query);
        Result version = ctl("version", "otus");
        assertTrue(version.out().contains("PostgreSQL 15."), version.toString());
        Result topology = ctl("topology", "otus");
        assertEquals(0, topology.exit(), topology.toString());
        assertTrue(topology.out().contains("+ " + cluster.nodes.stream().filter(n -> n != leader).findFirst()
                .orElseThrow().name), "replicas are indented under the leader:\n" + topology);
    }

    @Test
    @Order(10)
    void removeDeletesTheClusterFromTheDcsAfterItsThreeConfirmations() throws Exception {
        Node leader = cluster.writablePrimary().orElseThrow();
        cluster.nodes.forEach(n -> {
            try {
                n.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Result r = ctlWithInput("otus\nYes I am aware\n" + leader.name + "\n", "remove", "otus");
        assertEquals(0, r.exit(), r.toString());
        Result list = ctl("list", "otus", "-f", "json");
        assertEquals("[]", list.out().strip(), "nothing left in the DCS:\n" + list);
    }

    // ---------------------------------------------------------------- helpers

    private static String postmasterStart(Node node) throws SQLException {
        try (Connection c = node.connect(); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_postmaster_start_time()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private boolean healthy(int members) throws SQLException {
        var leader = cluster.writablePrimary();
        if (leader.isEmpty()) {
            return false;
        }
        try (Connection c = leader.get().connect(); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) {
            rs.next();
            return rs.getInt(1) == members - 1;
        }
    }

    private static String show(Node node, String parameter) throws SQLException {
        try (Connection c = node.connect(); var st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + parameter)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private Result ctl(String... args) throws IOException, InterruptedException {
        return cluster.ctl("", args);
    }

    private Result ctlWithInput(String input, String... args) throws IOException, InterruptedException {
        return cluster.ctl(input, args);
    }
}
