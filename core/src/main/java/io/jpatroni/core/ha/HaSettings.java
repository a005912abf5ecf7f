package io.jpatroni.core.ha;

/**
 * The dynamic-configuration values the decisions depend on.
 *
 * @param synchronousMode synchronous_mode on or strict, and not a standby cluster: only the
 *                        members in the {@code sync} key may take over (ha-loop.md §16.8)
 * @param cloneWithoutLeader a configured replica method other than basebackup has no_leader (or no_master) set:
 *                        an empty node may restore itself with no leader to copy from (ha-loop.md §3.1 item 3)
 */
public record HaSettings(int ttl, int loopWait, long maximumLagOnFailover, boolean checkTimeline, boolean pause,
                         int primaryStartTimeout, boolean synchronousMode, boolean cloneWithoutLeader) {

    public static final HaSettings DEFAULTS = new HaSettings(30, 10, 1048576, false, false, 300);

    public HaSettings(int ttl, int loopWait, long maximumLagOnFailover, boolean checkTimeline, boolean pause,
                      int primaryStartTimeout) {
        this(ttl, loopWait, maximumLagOnFailover, checkTimeline, pause, primaryStartTimeout, false);
    }

    public HaSettings(int ttl, int loopWait, long maximumLagOnFailover, boolean checkTimeline, boolean pause,
                      int primaryStartTimeout, boolean synchronousMode) {
        this(ttl, loopWait, maximumLagOnFailover, checkTimeline, pause, primaryStartTimeout, synchronousMode, false);
    }
}
