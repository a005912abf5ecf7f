package io.jpatroni.core.postgres;

import java.util.List;
import java.util.Optional;

/**
 * The result of the per-iteration monitoring query.
 *
 * @param inRecovery        {@code pg_is_in_recovery()}
 * @param timeline          primary: current timeline; replica: walreceiver's received timeline, else the
 *                          checkpoint timeline
 * @param walPosition       primary: WAL flush LSN; replica: max(receive, replay) — the member key's xlog_location
 * @param receiveLsn        replica: max(pg_last_wal_receive_lsn, walreceiver written_lsn); 0 on a primary
 * @param replayLsn         replica: pg_last_wal_replay_lsn; 0 on a primary
 * @param replayedTimestamp timestamp of the last replayed transaction, formatted like postmasterStartTime
 * @param replicationState  replica only: "streaming" or "in archive recovery"
 * @param receivedTimeline  walreceiver's received timeline, 0 when no walreceiver
 * @param replication       pg_stat_replication rows (primary or cascading replica)
 */
public record LocalState(boolean inRecovery, long timeline, long walPosition, long receiveLsn, long replayLsn,
                         Optional<String> replayedTimestamp, boolean replayPaused, String postmasterStartTime,
                         int serverVersion, Optional<String> replicationState, long receivedTimeline,
                         List<ReplicationRow> replication) {
    public LocalState {
        replication = List.copyOf(replication);
    }

    public LocalState withTimeline(long known) {
        return new LocalState(inRecovery, known, walPosition, receiveLsn, replayLsn, replayedTimestamp, replayPaused,
                postmasterStartTime, serverVersion, replicationState, receivedTimeline, replication);
    }

    public boolean isPrimary() {
        return !inRecovery;
    }
}
