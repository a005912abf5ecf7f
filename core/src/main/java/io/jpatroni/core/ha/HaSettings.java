package io.jpatroni.core.ha;

/** The dynamic-configuration values the decisions depend on. */
public record HaSettings(int ttl, int loopWait, long maximumLagOnFailover, boolean checkTimeline, boolean pause,
                         int primaryStartTimeout) {

    public static final HaSettings DEFAULTS = new HaSettings(30, 10, 1048576, false, false, 300);
}
