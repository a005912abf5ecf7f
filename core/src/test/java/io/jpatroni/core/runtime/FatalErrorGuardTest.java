package io.jpatroni.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FatalErrorGuardTest {

    private final Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    private final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch halted = new CountDownLatch(1);

    @AfterEach
    void restore() {
        Thread.setDefaultUncaughtExceptionHandler(previous);
    }

    private FatalErrorGuard guard() {
        return new FatalErrorGuard(cause -> events.add("stop postgres after " + cause.getClass().getSimpleName()),
                status -> {
                    events.add("halt " + status);
                    halted.countDown();
                }, 1024).install();
    }

    @Test
    void anOutOfMemoryErrorOnAnyThreadStopsPostgresThenHalts() throws Exception {
        guard();
        Thread t = new Thread(() -> {
            throw new OutOfMemoryError("Java heap space");
        }, "some-dcs-client-thread");
        t.start();
        assertTrue(halted.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("stop postgres after OutOfMemoryError", "halt 3"), events);
    }

    @Test
    void reportedByCodeThatCatchesThrowableOnBehalfOfOthers() throws Exception {
        guard();
        FatalErrorGuard.report(new StackOverflowError());
        assertTrue(halted.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("stop postgres after StackOverflowError", "halt 3"), events);
    }

    @Test
    void ordinaryUncaughtExceptionsAndRepeatsDoNotTriggerIt() throws Exception {
        FatalErrorGuard guard = guard();
        FatalErrorGuard.report(new IllegalStateException("not fatal"));
        Thread t = new Thread(() -> {
            throw new IllegalStateException("a bug, logged");
        });
        t.start();
        t.join();
        assertFalse(guard.fired());
        assertFalse(halted.await(200, TimeUnit.MILLISECONDS));
        guard.onFatal(new OutOfMemoryError());
        guard.onFatal(new OutOfMemoryError());
        assertTrue(halted.await(10, TimeUnit.SECONDS));
        guard.awaitHalt();
        assertEquals(2, events.size(), "one stop, one halt: " + events);
    }

    @Test
    void haltsEvenWhenStoppingPostgresFails() throws Exception {
        new FatalErrorGuard(cause -> {
            throw new IllegalStateException("pg_ctl missing");
        }, status -> {
            events.add("halt " + status);
            halted.countDown();
        }, 16).install().onFatal(new OutOfMemoryError());
        assertTrue(halted.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("halt 3"), events);
    }
}
