package io.jpatroni.plugin.dcs.etcd;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The HA loop's wake-up event: set by {@code wakeup()} and by the etcd watch, consumed by the
 * next {@code watch()}. A signal set while nobody waits is kept, so a change seen during an
 * iteration makes the following sleep return at once.
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

    /** Waits up to {@code timeout}; true if the signal was (or became) set. Clears it either way. */
    boolean awaitAndClear(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (!set && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            boolean woken = set;
            set = false;
            return woken;
        } finally {
            lock.unlock();
        }
    }
}
