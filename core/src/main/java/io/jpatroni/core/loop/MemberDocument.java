package io.jpatroni.core.loop;

import io.jpatroni.core.config.PatroniConfig;
import io.jpatroni.core.postgres.LocalState;
import io.jpatroni.core.rest.NodeStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Builds what this node publishes: its member key (dcs.md §2.2) and its REST status document. */
final class MemberDocument {

    /** The Patroni release whose formats and semantics jpatroni speaks; peers compare it numerically. */
    static final String PATRONI_COMPAT_VERSION = "4.1.4";

    private volatile PatroniConfig config;

    MemberDocument(PatroniConfig config) {
        this.config = config;
    }

    /** Tags and addresses from a re-read patroni.yml. */
    void update(PatroniConfig next) {
        this.config = next;
    }

    Map<String, Object> memberKey(NodeState state, Optional<LocalState> query, boolean pause,
                                  boolean positionsKnown) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("conn_url", "postgres://" + config.postgresql().connectAddress() + "/" + config.postgresql().database());
        doc.put("api_url", config.restapi().apiUrl());
        doc.put("state", state.pgState);
        doc.put("role", state.role);
        doc.put("version", PATRONI_COMPAT_VERSION);
        if (positionsKnown && query.isPresent()) {
            LocalState q = query.get();
            if (q.inRecovery()) {
                doc.put("xlog_location", Math.max(q.receiveLsn(), q.replayLsn()));
                doc.put("replay_lsn", q.replayLsn());
                doc.put("receive_lsn", q.receiveLsn());
                q.replicationState().ifPresent(s -> doc.put("replication_state", s));
            } else {
                doc.put("xlog_location", q.walPosition());
            }
            if (q.timeline() > 0) {
                doc.put("timeline", q.timeline());
            }
        }
        Map<String, Object> tags = tags(state);
        if (!tags.isEmpty()) {
            doc.put("tags", tags);
        }
        if (state.pendingRestart) {
            doc.put("pending_restart", true);
        }
        state.scheduledRestart.ifPresent(r -> doc.put("scheduled_restart", r.document()));
        if (pause) {
            doc.put("pause", true);
        }
        return doc;
    }

    NodeStatus status(NodeState state, Optional<LocalState> query, boolean pause, boolean clusterUnlocked,
                      boolean syncStandby) {
        Optional<NodeStatus.Xlog> xlog = query.map(q -> q.inRecovery()
                ? NodeStatus.Xlog.replica(q.receiveLsn(), q.replayLsn(), q.replayedTimestamp(), q.replayPaused())
                : NodeStatus.Xlog.primary(q.walPosition()));
        String role = query.map(q -> q.inRecovery() ? ("demoted".equals(state.role) ? "replica" : state.role)
                : "primary").orElse(state.role);
        if ("uninitialized".equals(role) && query.isPresent()) {
            role = "replica";
        }
        return new NodeStatus(
                query.isPresent() ? "running" : state.pgState,
                role,
                query.map(LocalState::postmasterStartTime),
                query.map(q -> OptionalInt.of(q.serverVersion())).orElse(OptionalInt.empty()),
                xlog,
                query.map(q -> OptionalLong.of(q.timeline())).orElse(OptionalLong.empty()),
                query.flatMap(LocalState::replicationState),
                query.map(q -> q.replication().stream().map(r -> new NodeStatus.Replication(r.usename(),
                        r.applicationName(), r.clientAddr(), r.state(), r.syncState(), r.syncPriority())).toList())
                        .orElse(java.util.List.of()),
                syncStandby,
                pause,
                clusterUnlocked,
                state.dcsLastSeenEpoch,
                tags(state),
                state.sysid,
                state.pendingRestart,
                state.watchdogFailed,
                PATRONI_COMPAT_VERSION,
                config.scope(),
                config.name());
    }

    /** The configured tags; while releasing synchronous duty also nosync and sync_priority 0. */
    private Map<String, Object> tags(NodeState state) {
        if (!state.releasingSyncDuty) {
            return config.tags().published();
        }
        Map<String, Object> tags = new java.util.LinkedHashMap<>(config.tags().published());
        tags.put("nosync", true);
        tags.put("sync_priority", 0);
        return tags;
    }
}
