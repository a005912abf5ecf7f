package io.jpatroni.core.loop;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fencing timer of timing.md §5.2 step 4, in software and independent of the HA loop: armed each
 * time the leader lock is taken or renewed, it stops PostgreSQL when the loop has not renewed the lock
 * within {@code ttl − safety_margin} of the last renewal — the loop may be stuck in a DCS call, a
 * query, a tool or a long GC of its own thread, and a primary must not acknowledge commits once
 * another node may have taken the expired lock.
 *
 * <p>The deadline is counted from the moment the renewal request was <em>sent</em> (the DCS applied it
 * later, so its expiry is at least that moment + ttl), on the monotonic clock, in long arithmetic, and
 * never later than one second before that expiry. Disarmed when the lock is released or lost.
 */
public final class LeaseGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseGuard.class);
    private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    /**
     * Stops PostgreSQL if it still runs as a primary, logging why; must not use the loop's connections
     * or thread. Returns whether it stopped something.
     */
    @FunctionalInterface
    public interface Fence {
        boolean fence(String reason);
    }

    private final LongSupplier ticker;
    private final Fence fence;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean armed;
    private long renewedAtNanos;
    private long deadlineNanos;
    private long fences;
    private boolean closed;
    private Thread thread;

    public LeaseGuard(LongSupplier ticker, Fence fence) {
        this.ticker = ticker;
        this.fence = fence;
    }

    /**
     * How long after a renewal the guard fences: {@code ttl − safety_margin} ({@code ttl/2} for a margin
     * of −1, as the watchdog), at least {@code loop_wait + 1} s so that steady-state renewals, one
     * loop_wait apart, never trip it, and at most {@code ttl − 1} s so that it acts before expiry.
     */
    public static Duration timeout(long ttl, long loopWait, long safetyMargin) {
        long seconds = safetyMargin == -1 ? ttl / 2 : ttl - safetyMargin;
        seconds = Math.max(seconds, loopWait + 1);
        seconds = Math.min(seconds, ttl - 1);
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    /** The lock was taken or renewed by a request sent at {@code sentAtNanos}. */
    public void arm(long sentAtNanos, Duration timeout) {
        lock.lock();
        try {
            armed = true;
            renewedAtNanos = sentAtNanos;
            deadlineNanos = sentAtNanos + timeout.toNanos();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The lock was released or lost: nothing left to protect. */
    public void disarm() {
        lock.lock();
        try {
            armed = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean armed() {
        lock.lock();
        try {
            return armed;
        } finally {
            lock.unlock();
        }
    }

    /** How many times the guard stopped PostgreSQL since it was created. */
    public long fences() {
        lock.lock();
        try {
            return fences;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fences when armed and past the deadline (then disarms: one fence per renewal); returns how long
     * to wait before the next check.
     */
    long check() {
        String reason;
        lock.lock();
        try {
            if (!armed) {
                return IDLE_WAIT_NANOS;
            }
            long now = ticker.getAsLong();
            long left = deadlineNanos - now;
            if (left > 0) {
                return left;
            }
            armed = false;
            reason = String.format("the leader lock was not renewed for %.1f s (the HA loop is stuck or the DCS"
                    + " does not answer)", (now - renewedAtNanos) / 1e9);
        } finally {
            lock.unlock();
        }
        boolean fenced;
        try {
            fenced = fence.fence(reason);
        } catch (RuntimeException e) {
            LOG.error("LEASE GUARD: fencing failed: {}", e.toString());
            fenced = false;
        }
        if (fenced) {
            lock.lock();
            try {
                fences++;
            } finally {
                lock.unlock();
            }
        }
        return 0;
    }

    /** Starts the guard's own thread (a daemon thread: it never keeps the JVM alive). */
    public void start() {
        lock.lock();
        try {
            if (thread != null) {
                return;
            }
            thread = new Thread(this::runChecks, "jpatroni-lease-guard");
            thread.setDaemon(true);
            thread.setPriority(Thread.MAX_PRIORITY);
            thread.start();
        } finally {
            lock.unlock();
        }
    }

    private void runChecks() {
        while (true) {
            long wait = check();
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                if (wait > 0) {
                    changed.awaitNanos(wait);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            armed = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
