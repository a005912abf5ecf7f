package io.jpatroni.core.loop;

import io.jpatroni.core.ha.LocalNode.BootstrapPhase;
import io.jpatroni.core.postgres.Upstream;
import java.util.Optional;

/**
 * What this daemon remembers between iterations about its PostgreSQL and its lock. Written by the
 * loop and by async tasks, read by REST threads: every field is volatile and each is meaningful alone.
 */
final class NodeState {

    /** Patroni's state word: running, starting, stopped, crashed, creating replica, ... */
    volatile String pgState = "stopped";
    /** primary, replica, demoted, uninitialized. */
    volatile String role = "uninitialized";
    /** Monotonic nanos until which the leader flag is valid (REST /primary answers 200). */
    volatile long leaderFlagUntilNanos = Long.MIN_VALUE;
    volatile boolean leaderFlag;
    volatile boolean firstContact = true;
    volatile BootstrapPhase bootstrap = BootstrapPhase.NONE;
    /** Where primary_conninfo points now, when we wrote it. */
    volatile Optional<Upstream> upstream = Optional.empty();
    /** A restart scheduled through the REST API, executed by the loop when due. */
    volatile Optional<ScheduledRestart> scheduledRestart = Optional.empty();
    /** Whether this replica's timeline may have diverged from the leader's: checked while following. */
    volatile boolean rewindCheckPending;
    /** The leader and its timeline ("name@tl") the last completed divergence check was made against. */
    volatile String rewindCheckedAgainst = "";
    /** leader@timeline a rewind failed against while the data may not be removed: not retried every loop. */
    volatile String rewindFailedAgainst = "";
    /** When pre_promote last failed and the lock was released (monotonic nanos); the race is skipped for ttl. */
    volatile long prePromoteFailedAtNanos;
    volatile boolean prePromoteFailed;
    /** PostgreSQL reported parameters that only a restart applies (pg_settings.pending_restart). */
    volatile boolean pendingRestart;
    /** Asking the primary to stop counting on me as synchronous standby: published as nosync (§16.7). */
    volatile boolean releasingSyncDuty;
    volatile Optional<String> sysid = Optional.empty();
    volatile long dcsLastSeenEpoch;
    volatile boolean clusterKnown;
    /** watchdog.mode is required and the watchdog is unusable: published so peers do not fail over here. */
    volatile boolean watchdogFailed;

    void setLeaderFlag(boolean held, long nowNanos, long ttlNanos) {
        leaderFlag = held;
        leaderFlagUntilNanos = held ? nowNanos + ttlNanos : Long.MIN_VALUE;
    }

    boolean leaderFlagValid(long nowNanos) {
        return leaderFlag && nowNanos - leaderFlagUntilNanos < 0;
    }
}
