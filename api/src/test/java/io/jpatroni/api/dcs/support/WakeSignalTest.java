package io.jpatroni.api.dcs.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.DcsException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WakeSignalTest {

    private static final Duration NOW = Duration.ZERO;

    @Test
    void aWakeUpWhileNobodySleepsIsKeptForTheNextSleepOnly() throws Exception {
        WakeSignal wake = new WakeSignal();
        wake.set();
        assertTrue(wake.await(NOW));
        assertFalse(wake.await(NOW));
    }

    @Test
    void ownChangesDoNotWakeButForeignOnesDo() throws Exception {
        WakeSignal wake = new WakeSignal();
        OwnWrites own = new OwnWrites();
        own.add(7);
        wake.changedAt(7);
        assertFalse(wake.await(NOW, own::contains));
        wake.changedAt(7);
        wake.changedAt(8);
        assertTrue(wake.await(NOW, own::contains));
        assertFalse(wake.await(NOW, own::contains), "consumed");
    }

    @Test
    void aNudgeEndsTheWaitOnceDoneHoldsWithoutCountingAsAWakeUp() throws Exception {
        WakeSignal wake = new WakeSignal();
        boolean[] done = {false};
        Thread nudger = new Thread(() -> {
            done[0] = true;
            wake.nudge();
        });
        long start = System.nanoTime();
        nudger.start();
        assertFalse(wake.await(Duration.ofSeconds(30), () -> done[0]));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0);
        nudger.join();
    }

    @Test
    void aDeadlineRefusesAWriteItCannotFinish() {
        Deadline spent = Deadline.after(Duration.ZERO);
        assertTrue(spent.expired());
        DcsException error = assertThrows(DcsException.class,
                () -> spent.requireAtLeast(Duration.ofSeconds(1), "update_leader"));
        assertTrue(error.getMessage().contains("less than 1 s of retry_timeout"), error.getMessage());
        DcsException half = assertThrows(DcsException.class,
                () -> spent.requireAtLeast(Duration.ofMillis(500), "update_leader"));
        assertTrue(half.getMessage().contains("less than 500 ms"), half.getMessage());
    }
}
