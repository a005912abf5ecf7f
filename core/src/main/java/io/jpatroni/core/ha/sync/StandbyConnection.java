package io.jpatroni.core.ha.sync;

/**
 * One walsender as the primary sees it ({@code pg_stat_replication}), with the LSN that counts
 * for {@code synchronous_commit}: replay for remote_apply, write for remote_write, else flush.
 */
public record StandbyConnection(String applicationName, String state, String syncState, long lsn) {

    public boolean streaming() {
        return "streaming".equals(state) && lsn > 0;
    }

    public boolean reportedSync() {
        return "sync".equals(syncState);
    }
}
