package io.jpatroni.api.dcs.support;

import io.jpatroni.api.dcs.DcsException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The pause between two attempts of one request: 100 ms doubling up to 1 s, plus up to 800 ms
 * of jitter so that nodes do not retry in step, never longer than 1 s and never past the
 * deadline. One instance per request (it remembers how far the doubling has gone).
 */
public final class Backoff {

    private static final long FIRST_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_JITTER_NANOS = TimeUnit.MILLISECONDS.toNanos(800);

    private long delay = FIRST_DELAY_NANOS;

    /** The longest single pause; also a sensible bound for other waits between attempts. */
    public static Duration maxPause() {
        return Duration.ofNanos(MAX_DELAY_NANOS);
    }

    /** Sleeps before the next attempt of {@code what}; an interrupt fails the operation. */
    public void pause(Deadline deadline, String what) throws DcsException {
        long jitter = ThreadLocalRandom.current().nextLong(MAX_JITTER_NANOS + 1);
        long pause = Math.min(Math.min(delay + jitter, MAX_DELAY_NANOS), deadline.remaining().toNanos());
        delay = Math.min(delay * 2, MAX_DELAY_NANOS);
        if (pause > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DcsException(what + " interrupted", e);
            }
        }
    }
}
