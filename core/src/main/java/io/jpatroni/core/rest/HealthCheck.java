package io.jpatroni.core.rest;

import io.jpatroni.core.cluster.MemberInfo;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The health-check decision of {@code GET}/{@code HEAD}/{@code OPTIONS} on any path without a
 * handler of its own (rest-api.md §4.1-§4.3). Pure: 200 or 503 from the status document, the
 * context's view of the lock and the request.
 */
public final class HealthCheck {

    private static final int OK = 200;
    private static final int UNAVAILABLE = 503;

    private HealthCheck() {
    }

    /** The codes of the role-based checks for one request. */
    record RoleCodes(int leader, int primary, int standbyLeader, boolean replicaOk) {
    }

    public static int code(RestRequest request, NodeStatus status, RestContext context) {
        String path = "/".equals(request.path()) ? "/primary" : request.path();
        RoleCodes codes = roleCodes(request, status, context);
        int primaryOrStandbyLeader = codes.primary() == OK || codes.standbyLeader() == OK ? OK : UNAVAILABLE;
        int replica = codes.replicaOk() ? OK : UNAVAILABLE;
        int code = UNAVAILABLE;
        boolean tagsHonoured = true;
        if (path.contains("standby_leader") || path.contains("standby-leader")) {
            code = codes.standbyLeader();
            tagsHonoured = false;
        } else if (path.contains("leader")) {
            code = codes.leader();
            tagsHonoured = false;
        } else if (path.contains("master") || path.contains("primary") || path.contains("read-write")) {
            code = codes.primary();
            tagsHonoured = false;
        } else if (path.contains("replica")) {
            code = replica;
        } else if (path.contains("read-only") && !path.contains("sync") && !path.contains("quorum")) {
            code = primaryOrStandbyLeader == OK ? OK : replica;
        } else if (path.contains("health")) {
            code = "running".equals(status.state()) ? OK : UNAVAILABLE;
        } else if (context.clusterKnown()) {
            boolean sync = status.syncStandby();
            boolean quorum = false; // quorum commit is not published in NodeStatus yet
            switch (path) {
                case "/sync":
                case "/synchronous":
                    code = sync ? replica : UNAVAILABLE;
                    break;
                case "/quorum":
                    code = quorum ? replica : UNAVAILABLE;
                    break;
                case "/async":
                case "/asynchronous":
                    code = !sync && !quorum ? replica : UNAVAILABLE;
                    break;
                case "/read-only-quorum":
                    code = primaryOrStandbyLeader == OK ? OK : quorum ? replica : UNAVAILABLE;
                    break;
                case "/read-only-sync":
                case "/read-only-synchronous":
                    code = primaryOrStandbyLeader == OK ? OK : sync ? replica : UNAVAILABLE;
                    break;
                default:
                    code = UNAVAILABLE;
            }
        }
        if (code == OK && tagsHonoured && !tagsMatch(request.query(), status.tags())) {
            code = UNAVAILABLE;
        }
        return code;
    }

    static RoleCodes roleCodes(RestRequest request, NodeStatus status, RestContext context) {
        boolean replicaOk = !MemberInfo.truthy(status.tags().get("noloadbalance"))
                && !isLagging(request, status, context)
                && replicationStateMatches(request, status)
                && "replica".equals(status.role())
                && "running".equals(status.state());
        String role = status.role();
        if (!context.clusterKnown() && status.pause()) {
            boolean primary = "primary".equals(role);
            boolean standbyLeader = "standby_leader".equals(role);
            return new RoleCodes(primary || standbyLeader ? OK : UNAVAILABLE, primary ? OK : UNAVAILABLE,
                    standbyLeader ? OK : UNAVAILABLE, replicaOk);
        }
        if (context.holdsLeaderLock()) {
            if (context.standbyCluster()) {
                boolean standbyLeader = "replica".equals(role) || "standby_leader".equals(role);
                return new RoleCodes(OK, UNAVAILABLE, standbyLeader ? OK : UNAVAILABLE, false);
            }
            return new RoleCodes(OK, OK, UNAVAILABLE, replicaOk);
        }
        return new RoleCodes(UNAVAILABLE, UNAVAILABLE, UNAVAILABLE, replicaOk);
    }

    /** Lagging only when the leader's position is known and the replayed position trails it by more than the limit. */
    static boolean isLagging(RestRequest request, NodeStatus status, RestContext context) {
        long leader = context.leaderOptime();
        if (leader == 0) {
            return false;
        }
        OptionalLong limit = request.param("lag").map(LagLimit::parse).orElse(OptionalLong.empty());
        if (limit.isEmpty()) {
            return false;
        }
        long replayed = status.xlog().map(x -> x.replayedLocation().orElse(0)).orElse(0L);
        return leader - replayed > limit.getAsLong();
    }

    /**
     * {@code ?replication_state=streaming} (or {@code in archive recovery}): a replica counts only in
     * that state, so HAProxy can route reads away from a replica replaying from the archive.
     */
    static boolean replicationStateMatches(RestRequest request, NodeStatus status) {
        return request.param("replication_state")
                .map(wanted -> status.replicationState().map(wanted::equals).orElse(false))
                .orElse(true);
    }

    /** Every {@code tag_<key>} parameter must equal the node's tag in its string form. */
    static boolean tagsMatch(Map<String, List<String>> query, Map<String, Object> tags) {
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (!e.getKey().startsWith("tag_") || e.getValue().isEmpty()) {
                continue;
            }
            Object value = tags.get(e.getKey().substring("tag_".length()));
            if (value == null || !tagText(value).equals(e.getValue().get(0))) {
                return false;
            }
        }
        return true;
    }

    /** Strings as they are; other values stringified and lower-cased ({@code true}, {@code 1.4}). */
    static String tagText(Object value) {
        return value instanceof String s ? s : String.valueOf(value).toLowerCase(Locale.ROOT);
    }
}
