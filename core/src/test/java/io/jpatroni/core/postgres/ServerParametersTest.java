package io.jpatroni.core.postgres;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerParametersTest {
    private static Map<String, Object> effective(Map<String, Object> dynamic, Map<String, Object> local, int major,
                                                 List<String> warnings) {
        return ServerParameters.effective(dynamic, local, "demo", "0.0.0.0", 5433, major, warnings);
    }

    @Test
    void walKeepSegmentsBecomesWalKeepSizeOnPg13AndLater() {
        List<String> w = new ArrayList<>();
        Map<String, Object> p = effective(Map.of("wal_keep_segments", 32), Map.of(), 15, w);
        assertEquals("512MB", p.get("wal_keep_size"));
        assertFalse(p.containsKey("wal_keep_segments"));
        assertTrue(w.isEmpty(), w.toString());
    }

    @Test
    void walKeepSizeWinsAndConvertsBackOnOldVersions() {
        assertEquals("1024MB", effective(Map.of("wal_keep_segments", 32, "wal_keep_size", "1GB"), Map.of(), 15, new ArrayList<>())
                .get("wal_keep_size"));
        Map<String, Object> p12 = effective(Map.of("wal_keep_size", "256MB"), Map.of(), 12, new ArrayList<>());
        assertEquals(16, p12.get("wal_keep_segments"));
        assertFalse(p12.containsKey("wal_keep_size"));
        assertEquals("128MB", effective(Map.of(), Map.of(), 150004, new ArrayList<>()).get("wal_keep_size"));
    }

    @Test
    void localValuesOfControlledParametersAreDropped() {
        List<String> w = new ArrayList<>();
        Map<String, Object> p = effective(Map.of("max_connections", 200, "work_mem", "4MB"),
                Map.of("max_connections", 500, "work_mem", "8MB", "shared_buffers", "1GB"), 15, w);
        assertEquals(200, p.get("max_connections"));
        assertEquals("8MB", p.get("work_mem"));
        assertEquals("1GB", p.get("shared_buffers"));
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).contains("max_connections"));
    }

    @Test
    void hotStandbyIsForcedOnAndInvalidValuesFallBackToDefaults() {
        List<String> w = new ArrayList<>();
        Map<String, Object> p = effective(Map.of("hot_standby", false, "max_wal_senders", 1, "max_connections", "lots",
                "wal_level", "minimal", "wal_log_hints", "off", "track_commit_timestamp", true), Map.of(), 15, w);
        assertEquals("on", p.get("hot_standby"));
        assertEquals(10, p.get("max_wal_senders"));
        assertEquals(100, p.get("max_connections"));
        assertEquals("replica", p.get("wal_level"));
        assertEquals("off", p.get("wal_log_hints"));
        assertEquals("on", p.get("track_commit_timestamp"));
        assertEquals(4, w.size(), w.toString());
    }

    @Test
    void defaultsListenClusterNameAndTranslations() {
        List<String> w = new ArrayList<>();
        Map<String, Object> p = effective(Map.of("wal_level", "hot_standby", "cluster_name", "other", "port", 1),
                Map.of("listen_addresses", "*", "primary_conninfo", "host=x"), 15, w);
        assertEquals("replica", p.get("wal_level"));
        assertEquals("demo", p.get("cluster_name"));
        assertEquals("0.0.0.0", p.get("listen_addresses"));
        assertEquals(5433, p.get("port"));
        assertEquals(10, p.get("max_replication_slots"));
        assertEquals(64, p.get("max_locks_per_transaction"));
        assertEquals(8, p.get("max_worker_processes"));
        assertEquals(0, p.get("max_prepared_transactions"));
        assertEquals("on", p.get("wal_log_hints"));
        assertEquals("off", p.get("track_commit_timestamp"));
        assertFalse(p.containsKey("primary_conninfo"));
        assertEquals(4, w.size(), w.toString());
    }

    @Test
    void commandLineHasControlledParametersButNotWalKeep() {
        Map<String, Object> p = effective(Map.of("max_connections", 50, "work_mem", "4MB"), Map.of(), 15, new ArrayList<>());
        List<String> opts = ServerParameters.commandLineOptions(p);
        assertTrue(opts.contains("--max_connections=50"));
        assertTrue(opts.contains("--hot_standby=on"));
        assertTrue(opts.contains("--cluster_name=demo"));
        assertTrue(opts.contains("--listen_addresses=0.0.0.0"));
        assertTrue(opts.contains("--port=5433"));
        assertTrue(opts.contains("--wal_level=replica"));
        assertEquals(13, opts.size(), opts.toString());
        assertTrue(opts.stream().noneMatch(o -> o.startsWith("--wal_keep") || o.startsWith("--work_mem")));
    }
}
