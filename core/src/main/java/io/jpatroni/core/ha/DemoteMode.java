package io.jpatroni.core.ha;

/** How a primary steps down (ha-loop.md §11). */
public enum DemoteMode {
    /** DCS unreachable: fast stop, restart read-only without an upstream, keep nothing to release. */
    OFFLINE,
    /** Lost the lock to someone else: immediate stop, then follow the new leader. */
    IMMEDIATE_NOLOCK,
    /** Not fit to stay primary: immediate stop, release the lock, then follow. */
    IMMEDIATE,
    /**
     * Planned switchover/failover: fast stop after a checkpoint, release the lock (publishing the
     * shutdown checkpoint so the candidate knows it has everything), then follow the new leader.
     */
    GRACEFUL
}
