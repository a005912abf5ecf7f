package io.jpatroni.api.dcs.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;

/**
 * The HA loop's wake-up event, behind {@code Dcs.watch()} and {@code Dcs.wakeup()}. A wake-up
 * that arrives while nobody sleeps is kept, so the next sleep returns at once.
 *
 * <p>A change seen by a DCS watch carries a stamp (etcd revision, ZooKeeper zxid) and is judged
 * only when consumed: the event for one of this node's own writes can arrive before the write's
 * answer, so deciding at arrival would wake the node for its own writes.
 */
public final class WakeSignal {

    /** Nobody has slept for this many changes: stop judging them one by one and just wake. */
    private static final int KEEP_CHANGES = 1024;
    private static final BooleanSupplier NEVER = () -> false;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Long> changes = new ArrayList<>();
    private boolean set;

    /** Unconditional wake-up. */
    public void set() {
        lock.lock();
        try {
            set = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A change stamped {@code stamp}; it wakes unless the sleeper's predicate claims it as its own. */
    public void changedAt(long stamp) {
        lock.lock();
        try {
            if (changes.size() >= KEEP_CHANGES) {
                changes.clear();
                set = true;
            }
            changes.add(stamp);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Makes a sleeper look again at its {@code done} condition without waking it. */
    public void nudge() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeout}; true (and cleared) if woken by {@link #set()}. */
    public boolean await(Duration timeout) throws InterruptedException {
        return await(timeout, stamp -> false, NEVER);
    }

    /** As {@link #await(Duration)}, but also returns false as soon as {@code done} holds. */
    public boolean await(Duration timeout, BooleanSupplier done) throws InterruptedException {
        return await(timeout, stamp -> false, done);
    }

    /**
     * Waits up to {@code timeout}; true if woken by {@link #set()} or by a change that
     * {@code ownWrite} does not claim. Clears what it consumed.
     */
    public boolean await(Duration timeout, LongPredicate ownWrite) throws InterruptedException {
        return await(timeout, ownWrite, NEVER);
    }

    private boolean await(Duration timeout, LongPredicate ownWrite, BooleanSupplier done)
            throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (true) {
                if (set) {
                    set = false;
                    changes.clear();
                    return true;
                }
                boolean foreign = changes.stream().anyMatch(stamp -> !ownWrite.test(stamp));
                changes.clear();
                if (foreign) {
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
