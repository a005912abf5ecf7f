package io.jpatroni.plugin.dcs.consul;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The HA loop's wake-up event. {@link #set()} is kept until consumed, so a wake-up that arrives
 * while nobody sleeps makes the next sleep return at once. {@link #nudge()} only makes a sleeper
 * look again at whatever else it waits for (a finished blocking query).
 */
final class WakeSignal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean set;

    void set() {
        lock.lock();
        try {
            set = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void nudge() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code timeout} for {@link #set()} or for {@code done} to become true.
     * Returns true (and clears the event) only if it was set.
     */
    boolean await(Duration timeout, BooleanSupplier done) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (true) {
                if (set) {
                    set = false;
                    return true;
                }
                if (done.getAsBoolean() || nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }
}
