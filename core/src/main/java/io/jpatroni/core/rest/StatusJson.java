package io.jpatroni.core.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The node-status document (rest-api.md §3): exact key names, absent values omitted. */
public final class StatusJson {

    private StatusJson() {
    }

    public static String render(NodeStatus status) {
        return PyJson.write(document(status));
    }

    /** The document with the scheduled restart, which the HA loop keeps apart from the status query. */
    public static String render(NodeStatus status, Optional<Map<String, Object>> scheduledRestart) {
        Map<String, Object> doc = document(status);
        if (scheduledRestart.isPresent()) {
            // after pending_restart, where Patroni puts it
            Map<String, Object> ordered = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : doc.entrySet()) {
                if (e.getKey().equals("watchdog_failed") || e.getKey().equals("patroni")) {
                    ordered.putIfAbsent("scheduled_restart", scheduledRestart.get());
                }
                ordered.put(e.getKey(), e.getValue());
            }
            doc = ordered;
        }
        return PyJson.write(doc);
    }

    public static Map<String, Object> document(NodeStatus s) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("state", s.state());
        s.postmasterStartTime().ifPresent(t -> doc.put("postmaster_start_time", t));
        doc.put("role", s.role());
        s.serverVersion().ifPresent(v -> doc.put("server_version", v));
        s.xlog().ifPresent(x -> doc.put("xlog", xlog(x)));
        s.timeline().ifPresent(t -> doc.put("timeline", t));
        s.replicationState().ifPresent(r -> doc.put("replication_state", r));
        if (!s.replication().isEmpty()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (NodeStatus.Replication r : s.replication()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("usename", r.usename());
                row.put("application_name", r.applicationName());
                row.put("client_addr", r.clientAddr().orElse(null));
                row.put("state", r.state());
                row.put("sync_state", r.syncState());
                row.put("sync_priority", r.syncPriority());
                rows.add(row);
            }
            doc.put("replication", rows);
        }
        flag(doc, "sync_standby", s.syncStandby());
        flag(doc, "pause", s.pause());
        flag(doc, "cluster_unlocked", s.clusterUnlocked());
        doc.put("dcs_last_seen", s.dcsLastSeen());
        if (!s.tags().isEmpty()) {
            doc.put("tags", s.tags());
        }
        s.databaseSystemIdentifier().ifPresent(id -> doc.put("database_system_identifier", id));
        flag(doc, "pending_restart", s.pendingRestart());
        flag(doc, "watchdog_failed", s.watchdogFailed());
        Map<String, Object> patroni = new LinkedHashMap<>();
        patroni.put("version", s.patroniVersion());
        patroni.put("scope", s.scope());
        patroni.put("name", s.name());
        doc.put("patroni", patroni);
        return doc;
    }

    private static Map<String, Object> xlog(NodeStatus.Xlog x) {
        Map<String, Object> doc = new LinkedHashMap<>();
        if (x.location().isPresent()) {
            doc.put("location", x.location().getAsLong());
            return doc;
        }
        doc.put("received_location", x.receivedLocation().orElse(0));
        doc.put("replayed_location", x.replayedLocation().orElse(0));
        doc.put("replayed_timestamp", x.replayedTimestamp().orElse(null));
        doc.put("paused", x.paused());
        return doc;
    }

    private static void flag(Map<String, Object> doc, String key, boolean value) {
        if (value) {
            doc.put(key, true);
        }
    }
}
