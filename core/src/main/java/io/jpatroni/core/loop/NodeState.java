package io.jpatroni.core.loop;

import io.jpatroni.core.ha.LocalNode.BootstrapPhase;
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
    /** Where primary_conninfo points now ("host:port"), when we wrote it. */
    volatile Optional<String> upstream = Optional.empty();
    volatile Optional<String> sysid = Optional.empty();
    volatile long dcsLastSeenEpoch;
    volatile boolean clusterKnown;

    void setLeaderFlag(boolean held, long nowNanos, long ttlNanos) {
        leaderFlag = held;
        leaderFlagUntilNanos = held ? nowNanos + ttlNanos : Long.MIN_VALUE;
    }

    boolean leaderFlagValid(long nowNanos) {
        return leaderFlag && nowNanos - leaderFlagUntilNanos < 0;
    }
}
