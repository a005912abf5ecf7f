package io.jpatroni.core.ha;

import java.util.Optional;

/**
 * One thing the executor must do. Actions whose outcome decides what comes next (taking or
 * renewing the lock, winning the initialize race) carry both continuations, so the decision
 * stays a pure function and the executor only follows the branch the DCS answered.
 */
public sealed interface HaAction {

    /** Create the leader key if absent. */
    record TryAcquireLock(Decision ifWon, Decision ifLost) implements HaAction {
    }

    /** Refresh my lease and make sure the leader key is still mine; on success publish status. */
    record RenewLock(Decision ifHeld, Decision ifLost) implements HaAction {
    }

    /** Create the initialize key (empty) if absent: the bootstrap race. */
    record TryInitialize(Decision ifWon, Decision ifLost) implements HaAction {
    }

    /** Delete the leader key if it is mine, publishing my last WAL position first. */
    record ReleaseLock() implements HaAction {
    }

    /** Write my system identifier into initialize (adopting an existing data directory or repairing the key). */
    record WriteInitialize(String sysid) implements HaAction {
    }

    /** Clear a pending switchover/failover request by writing {}; with a version only if unchanged (CAS). */
    record ClearFailover(java.util.OptionalLong version) implements HaAction {
    }

    /** initdb, start, create roles: asynchronous. */
    record Bootstrap() implements HaAction {
    }

    /** After a successful bootstrap: initialize = sysid, config = bootstrap.dcs, take the leader key. */
    record CompleteBootstrap() implements HaAction {
    }

    /** Bootstrap failed: delete initialize, stop PostgreSQL, move the data directory aside, exit. */
    record CancelBootstrap() implements HaAction {
    }

    /** Create a replica from a member with pg_basebackup, then start it following the leader: asynchronous. */
    record CloneFrom(String member) implements HaAction {
    }

    /**
     * No member to copy from, but a replica method marked no_leader can restore one from a backup
     * (ha-loop.md §3.1 item 3): asynchronous.
     */
    record CloneWithoutLeader() implements HaAction {
    }

    /** A crashed primary that still holds the lock: start it again in place as primary, asynchronously. */
    record StartPrimaryInPlace() implements HaAction {
    }

    /** Lock owner whose PostgreSQL is down and not a clean primary: start read-only, promote next iteration. */
    record StartReadOnly() implements HaAction {
    }

    /** pg_ctl promote, asynchronously. */
    record Promote() implements HaAction {
    }

    /** Stop being a primary; see {@link DemoteMode}. */
    record Demote(DemoteMode mode) implements HaAction {
    }

    /**
     * Make sure PostgreSQL runs as a replica of {@code leader} (empty: keep the current upstream):
     * repoint primary_conninfo when the leader changed.
     */
    record Follow(Optional<String> leader) implements HaAction {
    }

    /**
     * PostgreSQL is not running and this node must come back as a replica: crash recovery if the
     * shutdown was unclean, pg_rewind when the timeline diverged (a fresh clone when rewind is
     * impossible or fails), then start following the leader. Asynchronous.
     */
    record Rejoin(Optional<String> leader) implements HaAction {
    }

    /** Keep the primary's history key and the replicas' replication slots in step. */
    record MaintainPrimary() implements HaAction {
    }

    /** Stop the daemon with an error (system ID mismatch, a replica joining an uninitialised cluster). */
    record ExitDaemon(String reason) implements HaAction {
    }
}
