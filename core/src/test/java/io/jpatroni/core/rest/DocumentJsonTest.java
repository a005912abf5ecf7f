package io.jpatroni.core.rest;

import io.jpatroni.core.postgres.Lsn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Key names and value shapes of the /patroni (§3) and /cluster (§5.2) documents and /metrics (§5.6). */
class DocumentJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void primaryStatusInPythonLayout() {
        assertEquals("{\"state\": \"running\", \"postmaster_start_time\": \"2025-01-10 08:01:02.123456+00:00\", "
                + "\"role\": \"primary\", \"server_version\": 150004, \"xlog\": {\"location\": 83886424}, "
                + "\"timeline\": 3, \"replication\": [{\"usename\": \"replicator\", \"application_name\": \"node2\", "
                + "\"client_addr\": \"10.0.0.2\", \"state\": \"streaming\", \"sync_state\": \"async\", "
                + "\"sync_priority\": 0}], \"dcs_last_seen\": 1736496123, "
                + "\"database_system_identifier\": \"7408277255830290455\", "
                + "\"patroni\": {\"version\": \"4.1.4\", \"scope\": \"batman\", \"name\": \"node1\"}}",
                StatusJson.render(FakeContext.primaryStatus("node1")));
    }

    @Test
    void replicaStatusKeys() throws Exception {
        JsonNode doc = JSON.readTree(StatusJson.render(new NodeStatus("running", "replica", Optional.empty(),
                OptionalInt.of(160004), Optional.of(NodeStatus.Xlog.replica(10, 9, Optional.empty(), true)),
                OptionalLong.of(2), Optional.of("streaming"), List.of(), true, true, true, 0,
                Map.of("nofailover", true), Optional.empty(), true, true, "4.1.4", "batman", "node2")));
        assertEquals("{\"received_location\":10,\"replayed_location\":9,\"replayed_timestamp\":null,\"paused\":true}",
                doc.get("xlog").toString());
        for (String flag : List.of("sync_standby", "pause", "cluster_unlocked", "pending_restart", "watchdog_failed")) {
            assertTrue(doc.get(flag).asBoolean(), flag);
        }
        assertEquals("streaming", doc.get("replication_state").asText());
        assertEquals("{\"nofailover\":true}", doc.get("tags").toString());
        assertFalse(doc.has("replication"));
        assertFalse(doc.has("database_system_identifier"));
    }

    @Test
    void stoppedStatusOmitsAbsentValues() throws Exception {
        JsonNode doc = JSON.readTree(StatusJson.render(FakeContext.stoppedStatus("node3")));
        List<String> keys = new java.util.ArrayList<>();
        doc.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("state", "role", "cluster_unlocked", "dcs_last_seen", "patroni"), keys);
    }

    @Test
    void clusterDocument() throws Exception {
        JsonNode doc = JSON.readTree(ClusterJson.render(ClusterFixtures.batman(true)
                .config("{\"synchronous_mode\":\"on\",\"pause\":true}")
                .failover("{\"leader\":\"pg-node1\",\"member\":\"pg-node2\",\"scheduled_at\":\"2030-01-01T12:00:00+00:00\"}")
                .view(), "batman"));
        assertEquals("batman", doc.get("scope").asText());
        assertTrue(doc.get("pause").asBoolean());
        assertEquals("{\"at\":\"2030-01-01T12:00:00+00:00\",\"from\":\"pg-node1\",\"to\":\"pg-node2\"}",
                doc.get("scheduled_switchover").toString());
        JsonNode leader = doc.get("members").get(0);
        assertEquals("{\"name\":\"pg-node1\",\"role\":\"leader\",\"state\":\"running\","
                + "\"api_url\":\"http://10.0.0.1:8008/patroni\",\"host\":\"10.0.0.1\",\"port\":5432,\"timeline\":3,"
                + "\"tags\":{\"clonefrom\":true}}", leader.toString());
        JsonNode sync = doc.get("members").get(1);
        assertEquals("{\"name\":\"pg-node2\",\"role\":\"sync_standby\",\"state\":\"streaming\","
                + "\"api_url\":\"http://10.0.0.2:8008/patroni\",\"host\":\"10.0.0.2\",\"port\":5432,\"timeline\":3,"
                + "\"lsn\":\"0/4000000\",\"lag\":864,\"receive_lsn\":\"0/4000000\",\"receive_lag\":864,"
                + "\"replay_lsn\":\"0/3000000\",\"replay_lag\":16778080}", sync.toString());
        JsonNode stopped = doc.get("members").get(2);
        assertEquals("replica", stopped.get("role").asText());
        assertEquals("stopped", stopped.get("state").asText());
        assertEquals(5433, stopped.get("port").asInt());
        for (String key : List.of("lsn", "lag", "receive_lsn", "receive_lag", "replay_lsn", "replay_lag")) {
            assertEquals("unknown", stopped.get(key).asText(), key);
        }
        assertFalse(stopped.has("timeline"));
    }

    @Test
    void standbyClusterLeaderAndPlainReplicasWithoutSynchronousMode() throws Exception {
        JsonNode doc = JSON.readTree(ClusterJson.render(ClusterFixtures.batman(false)
                .config("{\"standby_cluster\":{\"host\":\"10.1.0.1\",\"port\":5432}}").view(), "batman"));
        assertEquals("standby_leader", doc.get("members").get(0).get("role").asText());
        assertEquals("replica", doc.get("members").get(1).get("role").asText());
        assertEquals("running", doc.get("members").get(1).get("state").asText());
        assertFalse(doc.has("pause"));
        assertFalse(doc.has("scheduled_switchover"));
    }

    @Test
    void lsnAndTimeFormats() {
        assertEquals("0/4000000", Lsn.format(67108864));
        assertEquals("1/0", Lsn.format(1L << 32));
        assertEquals("A/3FFFCA0", Lsn.format((10L << 32) + 0x3FFFCA0));
        assertEquals("2030-01-01T12:00:00+00:00", PyTime.isoformat(OffsetDateTime.parse("2030-01-01T12:00Z")));
        assertEquals("2030-01-01T12:00:00.250000+02:00",
                PyTime.isoformat(OffsetDateTime.parse("2030-01-01T12:00:00.25+02:00")));
    }

    @Test
    void metricsForAReplica() {
        String text = PrometheusMetrics.render(FakeContext.replicaStatus("node2", 50331648, Map.of()), false);
        String labels = "{scope=\"batman\",name=\"node2\"}";
        for (String line : List.of("patroni_version" + labels + " 040104", "patroni_replica" + labels + " 1",
                "patroni_primary" + labels + " 0", "patroni_xlog_location" + labels + " 0",
                "patroni_xlog_replayed_location" + labels + " 50331648",
                "patroni_xlog_replayed_timestamp" + labels + " 1736496300.25",
                "patroni_postmaster_start_time" + labels + " 1736496065.5",
                "patroni_postgres_streaming" + labels + " 1", "patroni_postgres_server_version" + labels + " 150004",
                "patroni_postgres_timeline" + labels + " 3", "patroni_postgres_state" + labels + " 5",
                "# TYPE patroni_xlog_location counter", "# TYPE patroni_postgres_timeline gauge")) {
            assertTrue(text.contains(line + "\n"), line);
        }
        List<String> names = text.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.split(" ")[2]).toList();
        assertEquals(List.of("patroni_version", "patroni_postgres_running", "patroni_postmaster_start_time",
                "patroni_primary", "patroni_xlog_location", "patroni_standby_leader", "patroni_replica",
                "patroni_sync_standby", "patroni_quorum_standby", "patroni_xlog_received_location",
                "patroni_xlog_replayed_location", "patroni_xlog_replayed_timestamp", "patroni_xlog_paused",
                "patroni_postgres_streaming", "patroni_postgres_in_archive_recovery",
                "patroni_postgres_server_version", "patroni_cluster_unlocked", "patroni_failsafe_mode_is_active",
                "patroni_postgres_timeline", "patroni_dcs_last_seen", "patroni_pending_restart", "patroni_is_paused",
                "patroni_postgres_state"), names);
        assertTrue(PrometheusMetrics.render(FakeContext.stoppedStatus("n"), false)
                .contains("patroni_postgres_state{scope=\"batman\",name=\"n\"} 12\n"));
        assertEquals("040104", PrometheusMetrics.paddedVersion("4.1.4"));
        assertEquals("001000", PrometheusMetrics.paddedVersion("0.10.0-SNAPSHOT"));
    }
}
