package io.jpatroni.core.postgres;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * One row of {@code pg_replication_slots} (temporary slots left out).
 *
 * @param type        "physical" or "logical"
 * @param database    logical slots only
 * @param plugin      logical slots only
 * @param active      a walsender (or decoding session) uses it now
 * @param restartLsn  oldest WAL the slot keeps; empty for a physical slot created without reserving WAL
 * @param confirmedFlushLsn logical slots: what the consumer confirmed
 * @param holdsXmin   the slot pins the xmin horizon (hot_standby_feedback of a replica using it)
 * @param lost        PostgreSQL 13+: {@code wal_status = 'lost'}, the WAL it needs is gone
 */
public record ExistingSlot(String name, String type, Optional<String> database, Optional<String> plugin,
                           boolean active, OptionalLong restartLsn, OptionalLong confirmedFlushLsn,
                           boolean holdsXmin, boolean lost) {

    public boolean isPhysical() {
        return "physical".equals(type);
    }

    public boolean isLogical() {
        return "logical".equals(type);
    }

    /** What {@code status.slots} publishes for it: confirmed_flush_lsn of logical, restart_lsn of physical slots. */
    public OptionalLong position() {
        return isLogical() ? confirmedFlushLsn : restartLsn;
    }
}
