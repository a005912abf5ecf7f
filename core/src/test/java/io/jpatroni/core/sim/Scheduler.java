package io.jpatroni.core.sim;

import java.util.Comparator;
import java.util.PriorityQueue;

/** The virtual clock (microseconds) and a single-threaded discrete-event queue; ties run in scheduling order. */
final class Scheduler {

    private record Event(long at, long seq, Runnable action) {
    }

    private final PriorityQueue<Event> queue =
            new PriorityQueue<>(Comparator.comparingLong(Event::at).thenComparingLong(Event::seq));
    private long now;
    private long seq;
    /** Runs after the clock moved and before the event: lets PostgreSQL's WAL flow up to "now". */
    private Runnable beforeEvent = () -> { };

    void beforeEachEvent(Runnable hook) {
        this.beforeEvent = hook;
    }

    static long sec(double seconds) {
        return Math.round(seconds * 1_000_000);
    }

    long now() {
        return now;
    }

    void at(long time, Runnable action) {
        queue.add(new Event(Math.max(time, now), seq++, action));
    }

    void after(long delay, Runnable action) {
        at(now + delay, action);
    }

    /** Runs the next event if it is due by {@code until}; otherwise moves the clock to {@code until}. */
    boolean runNext(long until) {
        Event next = queue.peek();
        if (next == null || next.at() > until) {
            now = Math.max(now, until);
            return false;
        }
        queue.poll();
        now = next.at();
        beforeEvent.run();
        next.action().run();
        return true;
    }
}
