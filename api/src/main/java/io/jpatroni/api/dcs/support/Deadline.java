package io.jpatroni.api.dcs.support;

import io.jpatroni.api.dcs.DcsException;
import java.time.Duration;

/**
 * The end of one DCS operation's retry budget ({@code retry_timeout}) on the monotonic clock.
 * Every plugin starts one per {@code Dcs} call and hands it down to each request it makes.
 */
public record Deadline(long endNanos) {

    public static Deadline after(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos());
    }

    /** What is left of the budget; zero once it has run out. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    public boolean hasAtLeast(Duration budget) {
        return endNanos - System.nanoTime() >= budget.toNanos();
    }

    public boolean expired() {
        return endNanos - System.nanoTime() <= 0;
    }

    /**
     * Refuses to start a write that needs {@code needed} when less is left: a lock write that
     * times out half-way leaves the node unsure whether it holds the lock.
     */
    public void requireAtLeast(Duration needed, String what) throws DcsException {
        if (!hasAtLeast(needed)) {
            String amount = needed.toMillis() % 1000 == 0 ? needed.toSeconds() + " s" : needed.toMillis() + " ms";
            throw new DcsException(what + ": less than " + amount + " of retry_timeout left, not attempting the write");
        }
    }
}
