package io.jpatroni.core.ha.sync;

import java.util.SortedSet;

/** One write of the synchronous-replication hand-over, carried out in order; a failed write ends the list. */
public sealed interface SyncStep {

    /** CAS-write the {@code sync} key as {leader: me, sync_standby: standbys}. */
    record WriteSyncKey(SortedSet<String> standbys) implements SyncStep {
    }

    /** Set synchronous_standby_names and reload PostgreSQL. */
    record SetStandbyNames(StandbyNames value) implements SyncStep {
    }
}
