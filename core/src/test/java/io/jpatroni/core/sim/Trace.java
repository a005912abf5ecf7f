package io.jpatroni.core.sim;

import java.util.ArrayList;
import java.util.List;

/** One line per event ({@code t=12.300 node2 DCS: acquired leader lock}); recorded only for replayed seeds. */
final class Trace {

    private final boolean enabled;
    private final Scheduler clock;
    private final List<String> lines = new ArrayList<>();

    Trace(boolean enabled, Scheduler clock) {
        this.enabled = enabled;
        this.clock = clock;
    }

    boolean on() {
        return enabled;
    }

    void log(String who, String what) {
        if (enabled) {
            lines.add(String.format("t=%.3f %s %s", clock.now() / 1e6, who, what));
        }
    }

    List<String> lines() {
        return List.copyOf(lines);
    }
}
