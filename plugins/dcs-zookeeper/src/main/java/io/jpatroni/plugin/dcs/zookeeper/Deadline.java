package io.jpatroni.plugin.dcs.zookeeper;

import java.time.Duration;

/** When one operation's retry budget ({@code retry_timeout}) runs out, on the monotonic clock. */
record Deadline(long endNanos) {

    static Deadline after(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos());
    }

    Duration remaining() {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    boolean hasAtLeast(Duration budget) {
        return endNanos - System.nanoTime() >= budget.toNanos();
    }
}
