package io.jpatroni.core.rest;

import io.jpatroni.core.postgres.Lsn;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code GET /cluster} document (rest-api.md §5.2) built from a DCS snapshot; also the data
 * behind {@code jpatronictl list}.
 */
public final class ClusterJson {

    private static final List<String> COPIED = List.of("timeline", "pending_restart", "pending_restart_reason",
            "scheduled_restart", "tags");

    private ClusterJson() {
    }

    public static String render(ClusterView view, String scope) {
        return PyJson.write(document(view, scope));
    }

    /** The document as ordered maps and lists, e.g. for other renderings. */
    public static Map<String, Object> document(ClusterView view, String scope) {
        DynamicFlags flags = DynamicFlags.of(view.config());
        Optional<String> leader = view.leaderName();
        long clusterLsn = view.statusOptime();
        List<Map<String, Object>> members = new ArrayList<>();
        for (MemberInfo m : view.members()) {
            boolean isLeader = leader.map(m.name()::equals).orElse(false);
            String role;
            if (isLeader) {
                role = flags.standbyCluster() ? "standby_leader" : "leader";
            } else if (flags.synchronousMode() && view.sync().matches(m.name(), false)) {
                role = flags.quorumCommit() ? "quorum_standby" : "sync_standby";
            } else {
                role = "replica";
            }
            String state = isLeader ? m.state() : m.replicationState().filter(s -> !s.isEmpty()).orElse(m.state());
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("name", m.name());
            member.put("role", role);
            member.put("state", state);
            member.put("api_url", m.apiUrl());
            Optional<String> host = m.host().map(ClusterJson::unbracket).filter(h -> !h.isEmpty());
            if (host.isPresent()) {
                member.put("host", host.get());
                m.port().ifPresent(p -> member.put("port", p));
            }
            for (String key : COPIED) {
                if (m.data().containsKey(key)) {
                    member.put(key, m.data().get(key));
                }
            }
            if (!isLeader) {
                position(member, "lsn", "lag", m.xlogLocation(), clusterLsn);
                position(member, "receive_lsn", "receive_lag", m.receiveLsn(), clusterLsn);
                position(member, "replay_lsn", "replay_lag", m.replayLsn(), clusterLsn);
            }
            members.add(member);
        }
        members.sort(Comparator.comparing(m -> (String) m.get("name")));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("members", members);
        doc.put("scope", scope);
        if (flags.paused()) {
            doc.put("pause", true);
        }
        view.failover().filter(f -> f.scheduledAt().isPresent()).ifPresent(f -> {
            Map<String, Object> switchover = new LinkedHashMap<>();
            switchover.put("at", PyTime.isoformat(f.scheduledAt().get()));
            f.leader().ifPresent(l -> switchover.put("from", l));
            f.candidate().ifPresent(c -> switchover.put("to", c));
            doc.put("scheduled_switchover", switchover);
        });
        return doc;
    }

    private static void position(Map<String, Object> member, String lsnKey, String lagKey, OptionalLong lsn,
                                 long clusterLsn) {
        if (lsn.isEmpty()) {
            member.put(lsnKey, "unknown");
            member.put(lagKey, "unknown");
        } else {
            member.put(lsnKey, Lsn.format(lsn.getAsLong()));
            member.put(lagKey, Math.max(clusterLsn - lsn.getAsLong(), 0));
        }
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
