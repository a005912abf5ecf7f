package io.jpatroni.plugin.dcs.zookeeper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The HA loop's wake-up event. Set by {@code wakeup()}, by a lost or re-established connection,
 * and by watched changes under the base path. A change carries the zxid of the transaction that
 * made it and is judged only when the sleeper consumes it: ZooKeeper delivers the watch event
 * for this node's own write before the write's answer, so whether a zxid is "ours" is only
 * known afterwards. Events that arrive while nobody sleeps are kept for the next sleep.
 */
final class WakeEvent {

    private static final int KEEP_OWN = 256;
    private static final int KEEP_CHANGES = 1024;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Long> changes = new ArrayList<>();
    private final LinkedHashSet<Long> ownZxids = new LinkedHashSet<>();
    private boolean set;

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

    /** A watched change made by transaction {@code zxid} (or an unknown one: {@code -1}, which always wakes). */
    void changedAt(long zxid) {
        lock.lock();
        try {
            if (changes.size() >= KEEP_CHANGES) {
                // Nobody has slept for a long while: no need to judge them one by one.
                changes.clear();
                set = true;
            }
            changes.add(zxid);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Remembers a zxid produced by this node's own write, so that its watch event does not wake us. */
    void ownWrite(long zxid) {
        lock.lock();
        try {
            ownZxids.add(zxid);
            if (ownZxids.size() > KEEP_OWN) {
                ownZxids.remove(ownZxids.iterator().next());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeout}; true if woken by {@link #set()} or someone else's change. Clears what it consumed. */
    boolean await(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (true) {
                if (set) {
                    set = false;
                    changes.clear();
                    return true;
                }
                boolean foreign = changes.stream().anyMatch(zxid -> zxid < 0 || !ownZxids.contains(zxid));
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
