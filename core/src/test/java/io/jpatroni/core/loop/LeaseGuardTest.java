package io.jpatroni.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LeaseGuardTest {

    private static final long S = 1_000_000_000L;

    private final AtomicLong ticker = new AtomicLong(1_000 * S);
    private final List<String> fenced = new ArrayList<>();
    private final LeaseGuard guard = new LeaseGuard(ticker::get, fenced::add);

    @Test
    void fencesOnceWhenTheLockIsNotRenewedWithinTtlMinusTheSafetyMargin() {
        long sent = ticker.get();
        guard.arm(sent, LeaseGuard.timeout(30, 10, 5));
        ticker.addAndGet(25 * S - 1);
        assertEquals(1, guard.check(), "one nanosecond before the deadline it waits");
        assertTrue(fenced.isEmpty());
        ticker.addAndGet(1);
        assertEquals(0, guard.check());
        assertEquals(1, fenced.size());
        assertTrue(fenced.get(0).contains("not renewed for 25.0 s"), fenced.get(0));
        assertFalse(guard.armed(), "one fence per renewal");
        guard.check();
        assertEquals(1, fenced.size());
        assertEquals(1, guard.fences());
    }

    @Test
    void eachRenewalMovesTheDeadline() {
        Duration timeout = LeaseGuard.timeout(30, 10, 5);
        for (int i = 0; i < 10; i++) {
            guard.arm(ticker.get(), timeout);
            ticker.addAndGet(10 * S);
            guard.check();
        }
        assertTrue(fenced.isEmpty());
    }

    @Test
    void theDeadlineCountsFromWhenTheRenewalWasSentNotWhenItReturned() {
        long sent = ticker.get();
        ticker.addAndGet(9 * S); // a slow DCS answer
        guard.arm(sent, LeaseGuard.timeout(30, 10, 5));
        ticker.addAndGet(16 * S);
        guard.check();
        assertEquals(1, fenced.size(), "25 s after the request was sent, whatever the answer's delay");
    }

    @Test
    void aDisarmedGuardNeverFences() {
        guard.arm(ticker.get(), Duration.ofSeconds(25));
        guard.disarm();
        ticker.addAndGet(3600 * S);
        guard.check();
        assertTrue(fenced.isEmpty());
    }

    @Test
    void worksAcrossTheSignOfTheTicker() {
        ticker.set(Long.MAX_VALUE - 5 * S); // System.nanoTime may be anywhere, even about to wrap
        guard.arm(ticker.get(), Duration.ofSeconds(25));
        ticker.addAndGet(20 * S); // wrapped to negative
        assertTrue(guard.check() > 0);
        ticker.addAndGet(5 * S);
        guard.check();
        assertEquals(1, fenced.size());
    }

    @Test
    void timeoutStaysBetweenOneLoopAndTheLockExpiry() {
        assertEquals(Duration.ofSeconds(25), LeaseGuard.timeout(30, 10, 5));
        assertEquals(Duration.ofSeconds(15), LeaseGuard.timeout(30, 10, -1), "margin -1 means ttl/2, as the watchdog");
        assertEquals(Duration.ofSeconds(11), LeaseGuard.timeout(30, 10, 25), "never shorter than a loop");
        assertEquals(Duration.ofSeconds(29), LeaseGuard.timeout(30, 10, 0), "never at or after the expiry");
        assertEquals(Duration.ofSeconds(29), LeaseGuard.timeout(30, 10, -7));
        assertEquals(Duration.ofSeconds(Integer.MAX_VALUE - 5L),
                LeaseGuard.timeout(Integer.MAX_VALUE, 1, 5), "long arithmetic: no overflow");
        assertEquals(Duration.ofSeconds(Integer.MAX_VALUE - 1L),
                LeaseGuard.timeout(Integer.MAX_VALUE, 1, Integer.MIN_VALUE));
    }

    @Test
    void itsOwnThreadFencesWithoutAnyoneCallingIt() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (LeaseGuard real = new LeaseGuard(System::nanoTime, reason -> {
            done.countDown();
            return true;
        })) {
            real.start();
            real.arm(System.nanoTime(), Duration.ofMillis(200));
            assertTrue(done.await(10, TimeUnit.SECONDS), "fenced by the guard's thread");
            assertFalse(real.armed());
        }
    }
}
