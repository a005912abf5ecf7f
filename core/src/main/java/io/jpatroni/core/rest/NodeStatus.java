package io.jpatroni.core.rest;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The node-status document of {@code GET /patroni} (rest-api.md §3), as published by the HA loop
 * or computed from one status query. Absent values are omitted from the JSON.
 */
public record NodeStatus(String state,
                         String role,
                         Optional<String> postmasterStartTime,
                         OptionalInt serverVersion,
                         Optional<Xlog> xlog,
                         OptionalLong timeline,
                         Optional<String> replicationState,
                         List<Replication> replication,
                         boolean syncStandby,
                         boolean pause,
                         boolean clusterUnlocked,
                         long dcsLastSeen,
                         Map<String, Object> tags,
                         Optional<String> databaseSystemIdentifier,
                         boolean pendingRestart,
                         boolean watchdogFailed,
                         String patroniVersion,
                         String scope,
                         String name) {

    public NodeStatus {
        replication = List.copyOf(replication);
        tags = Map.copyOf(tags);
    }

    /** The same document with {@code pause} set as given. */
    public NodeStatus withPause(boolean paused) {
        return paused == pause ? this : new NodeStatus(state, role, postmasterStartTime, serverVersion, xlog, timeline,
                replicationState, replication, syncStandby, paused, clusterUnlocked, dcsLastSeen, tags,
                databaseSystemIdentifier, pendingRestart, watchdogFailed, patroniVersion, scope, name);
    }

    /** Primary: {@code location}; replica: received/replayed positions. */
    public record Xlog(OptionalLong location, OptionalLong receivedLocation, OptionalLong replayedLocation,
                       Optional<String> replayedTimestamp, boolean paused) {

        public static Xlog primary(long location) {
            return new Xlog(OptionalLong.of(location), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
                    false);
        }

        public static Xlog replica(long received, long replayed, Optional<String> replayedTimestamp, boolean paused) {
            return new Xlog(OptionalLong.empty(), OptionalLong.of(received), OptionalLong.of(replayed),
                    replayedTimestamp, paused);
        }
    }

    /** One row of pg_stat_replication. */
    public record Replication(String usename, String applicationName, Optional<String> clientAddr, String state,
                              String syncState, int syncPriority) {
    }
}
