package io.jpatroni.core.ha;

/**
 * The dynamic-configuration values the decisions depend on.
 *
 * @param synchronousMode synchronous_mode on or strict, and not a standby cluster: only the
 *                        members in the {@code sync} key may take over (ha-loop.md §16.8)
 */
public record HaSettings(int ttl, int loopWait, long maximumLagOnFailover, boolean checkTimeline, boolean pause,
                         int primaryStartTimeout, boolean synchronousMode) {

    public static final HaSettings DEFAULTS = new HaSettings(30, 10, 1048576, false, false, 300);

    public HaSettings(int ttl, int loopWait, long maximumLagOnFailover, boolean checkTimeline, boolean pause,
                      int primaryStartTimeout) {
        this(ttl, loopWait, maximumLagOnFailover, checkTimeline, pause, primaryStartTimeout, false);
    }
}
