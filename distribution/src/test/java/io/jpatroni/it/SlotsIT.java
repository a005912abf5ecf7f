package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.DcsKind;
import io.jpatroni.it.ClusterHarness.Node;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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
 * Replication slots end to end on real etcd and PostgreSQL 15: member slots on the leader,
 * permanent physical and logical slots from the dynamic configuration that survive a switchover,
 * {@code ignore_slots}, the slot positions in {@code status}, and the slot of a removed member
 * going away.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(DumpLogsOnFailure.class)
class SlotsIT {

    private ClusterHarness cluster;
    /** Where keep_me was moved on the first leader: the new leader's copy must not be behind it. */
    private long advancedTo = -1;

    @BeforeAll
    void start() throws Exception {
        cluster = new ClusterHarness(DcsKind.ETCD, 3, 20, 2, true, slotsConfiguration());
        cluster.startAll();
        await("a leader and two streaming replicas", Duration.ofSeconds(120), () -> healthy(3));
    }

    /** use_slots (from the example), member_slots_ttl 3 s, a permanent physical and a logical slot, one ignore matcher. */
    private static Map<String, Object> slotsConfiguration() {
        Map<String, Object> slots = new LinkedHashMap<>();
        slots.put("keep_me", null);
        slots.put("cdc", Map.of("type", "logical", "database", "postgres", "plugin", "test_decoding"));
        return Map.of("member_slots_ttl", 3, "slots", slots,
                "ignore_slots", List.of(Map.of("name", "manual_slot", "type", "physical")),
                "postgresql", Map.of("parameters", Map.of("wal_level", "logical")));
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void theLeaderHasASlotPerReplicaAndThePermanentSlots() throws Exception {
        Node leader = cluster.writablePrimary().orElseThrow();
        List<String> expected = new ArrayList<>(List.of("cdc logical", "keep_me physical"));
        cluster.nodes.stream().filter(n -> n != leader).forEach(n -> expected.add(n.name + " physical"));
        await("member and permanent slots on " + leader, Duration.ofSeconds(30),
                () -> slots(leader).equals(new TreeSet<>(expected)));
        for (Node replica : cluster.nodes) {
            if (replica != leader) {
                // Patroni 4 (member_slots_ttl > 0): every node keeps the others' slots, ready for a failover
                List<String> kept = new ArrayList<>(List.of("keep_me physical"));
                cluster.nodes.stream().filter(n -> n != replica).forEach(n -> kept.add(n.name + " physical"));
                await("the permanent physical slot and the other members' slots kept on " + replica,
                        Duration.ofSeconds(30), () -> slots(replica).equals(new TreeSet<>(kept)));
            }
        }
    }

    @Test
    @Order(2)
    void statusCarriesTheSlotPositions() throws Exception {
        Node leader = cluster.writablePrimary().orElseThrow();
        await("status with slots", Duration.ofSeconds(20), () -> {
            String status = etcdValue("/service/otus/status");
            return status.contains("\"optime\":") && status.contains("\"keep_me\":") && status.contains("\"cdc\":")
                    && status.contains("\"" + leader.name + "\":") && status.contains("\"retain_slots\":[");
        });
    }

    @Test
    @Order(3)
    void replicasAdvanceThePermanentSlotToThePositionTheLeaderPublishes() throws Exception {
        Node leader = cluster.writablePrimary().orElseThrow();
        leader.execute("CREATE TABLE IF NOT EXISTS filler AS SELECT generate_series(1, 10000) AS id");
        leader.execute("SELECT pg_switch_wal()");
        leader.execute("SELECT pg_replication_slot_advance('keep_me', pg_current_wal_flush_lsn())");
        long target = restartLsn(leader, "keep_me");
        advancedTo = target;
        for (Node replica : cluster.nodes) {
            if (replica != leader) {
                await("keep_me on " + replica + " advanced to the leader's position", Duration.ofSeconds(30),
                        () -> restartLsn(replica, "keep_me") >= target);
            }
        }
    }

    @Test
    @Order(4)
    void aSlotMatchingIgnoreSlotsStaysAndAStrangerIsDropped() throws Exception {
        Node leader = cluster.writablePrimary().orElseThrow();
        leader.execute("SELECT pg_create_physical_replication_slot('manual_slot')");
        leader.execute("SELECT pg_create_physical_replication_slot('stranger')");
        await("the stranger slot dropped", Duration.ofSeconds(20), () -> !slots(leader).contains("stranger physical"));
        TimeUnit.SECONDS.sleep(cluster.loopWait + 1);
        assertTrue(slots(leader).contains("manual_slot physical"), "ignored slot kept: " + slots(leader));
    }

    @Test
    @Order(5)
    void afterASwitchoverTheNewPrimaryHasThePermanentSlots() throws Exception {
        Node leader = cluster.writablePrimary().orElseThrow();
        Node candidate = cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
        ClusterHarness.Result r = cluster.ctl("", "switchover", "otus", "--candidate", candidate.name, "--force");
        assertEquals(0, r.exit(), r.toString());
        await(candidate + " primary with two streaming replicas", Duration.ofSeconds(60),
                () -> cluster.writablePrimary().filter(n -> n == candidate).isPresent() && healthy(3));
        await("permanent physical and logical slots on " + candidate, Duration.ofSeconds(30),
                () -> slots(candidate).containsAll(List.of("keep_me physical", "cdc logical")));
        assertTrue(restartLsn(candidate, "keep_me") >= advancedTo, "keep_me kept its position through the switchover");
        await("a slot for the old leader on " + candidate, Duration.ofSeconds(30),
                () -> slots(candidate).contains(leader.name + " physical"));
        await("no logical slot left on the demoted " + leader + " (nothing would advance it)", Duration.ofSeconds(30),
                () -> !slots(leader).contains("cdc logical"));
    }

    @Test
    @Order(6)
    void theSlotOfARemovedMemberDisappears() throws Exception {
        Node leader = cluster.writablePrimary().orElseThrow();
        Node gone = cluster.nodes.stream().filter(n -> n != leader).reduce((a, b) -> b).orElseThrow();
        assertTrue(slots(leader).contains(gone.name + " physical"), slots(leader).toString());
        gone.killHard();
        cluster.etcd.etcdctl("del", "/service/otus/members/" + gone.name);
        await("the slot of " + gone + " dropped on " + leader + " once member_slots_ttl passed", Duration.ofSeconds(30),
                () -> !slots(leader).contains(gone.name + " physical"));
        Node replica = cluster.nodes.stream().filter(n -> n != leader && n != gone).findFirst().orElseThrow();
        await("and on " + replica, Duration.ofSeconds(30), () -> !slots(replica).contains(gone.name + " physical"));
        assertTrue(slots(leader).containsAll(List.of("keep_me physical", "cdc logical")), slots(leader).toString());
    }

    // ---------------------------------------------------------------- helpers

    /** "name type" of every slot on the node. */
    private static TreeSet<String> slots(Node node) throws SQLException {
        TreeSet<String> out = new TreeSet<>();
        try (Connection c = node.connect(); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT slot_name, slot_type FROM pg_replication_slots")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        return out;
    }

    private static long restartLsn(Node node, String slot) throws SQLException {
        return queryLong(node, "SELECT COALESCE(pg_wal_lsn_diff(restart_lsn, '0/0'), -1)::bigint"
                + " FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
    }

    private static long queryLong(Node node, String sql) throws SQLException {
        try (Connection c = node.connect(); var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    private String etcdValue(String key) throws Exception {
        return new String(cluster.etcd.etcdctl("get", key, "--print-value-only"), StandardCharsets.UTF_8);
    }

    private boolean healthy(int members) throws SQLException {
        var leader = cluster.writablePrimary();
        return leader.isPresent() && leader.get().streamingReplicas() == members - 1;
    }
}
