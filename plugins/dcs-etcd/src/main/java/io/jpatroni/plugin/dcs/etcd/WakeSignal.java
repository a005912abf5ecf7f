package io.jpatroni.plugin.dcs.etcd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongPredicate;

/**
 * The HA loop's wake-up event: set by {@code wakeup()} and by the etcd watch, consumed by the
 * next {@code watch()}. A signal set while nobody waits is kept, so a change seen during an
 * iteration makes the following sleep return at once.
 *
 * <p>A change seen by the watch carries its etcd revision and is judged only when consumed:
 * the event for one of this node's own writes can arrive before the write's response has
 * been recorded, so deciding at arrival would wake the node for its own writes.
 */
final class WakeSignal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean set;
    private final List<Long> changes = new ArrayList<>();

    /** Unconditional wake-up. */
    void set() {
        lock.lock();
        try {
            set = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A change at {@code revision}; it wakes unless it turns out to be one of our own writes. */
    void changedAt(long revision) {
        lock.lock();
        try {
            changes.add(revision);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code timeout}; true if woken by {@link #set()} or by a change that
     * {@code ownWrite} does not claim. Clears what it consumed.
     */
    boolean awaitAndClear(Duration timeout, LongPredicate ownWrite) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (true) {
                if (set) {
                    set = false;
                    changes.clear();
                    return true;
                }
                boolean foreign = changes.stream().anyMatch(r -> !ownWrite.test(r));
                changes.clear();
                if (foreign) {
                    return true;
                }
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }
}
