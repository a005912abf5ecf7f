package io.jpatroni.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WatchdogConfigTest {

    private static WatchdogConfig margin(int safetyMargin) {
        return new WatchdogConfig(WatchdogConfig.Mode.REQUIRED, "/dev/watchdog", safetyMargin);
    }

    @Test
    void timeoutIsTtlMinusMarginOrHalfTheTtl() {
        assertEquals(new WatchdogConfig.Timing.Usable(25, 15), margin(5).timing(30, 10));
        assertEquals(new WatchdogConfig.Timing.Usable(15, 5), margin(-1).timing(30, 10));
        assertEquals(new WatchdogConfig.Timing.Usable(15, 5), margin(-1).timing(31, 10), "ttl // 2 as Patroni");
        assertEquals(new WatchdogConfig.Timing.Usable(10, 0), margin(20).timing(30, 10), "slack 0 is still safe");
    }

    @Test
    void aTimeoutThatCannotFireBeforeTheLockExpiresIsUnusable() {
        String zero = assertInstanceOf(WatchdogConfig.Timing.Unusable.class, margin(0).timing(30, 10)).reason();
        assertTrue(zero.contains("watchdog.safety_margin 0") && zero.contains("not shorter than ttl 30"), zero);
        String big = assertInstanceOf(WatchdogConfig.Timing.Unusable.class, margin(40).timing(30, 10)).reason();
        assertTrue(big.contains("is not smaller than ttl 30"), big);
        String slack = assertInstanceOf(WatchdogConfig.Timing.Unusable.class, margin(25).timing(30, 10)).reason();
        assertTrue(slack.contains("shorter than loop_wait 10"), slack);
    }

    @Test
    void arithmeticDoesNotOverflow() {
        assertInstanceOf(WatchdogConfig.Timing.Unusable.class, margin(Integer.MAX_VALUE).timing(30, 10));
        WatchdogConfig.Timing huge = margin(5).timing(Long.MAX_VALUE / 2, 10);
        assertEquals(Integer.MAX_VALUE, assertInstanceOf(WatchdogConfig.Timing.Usable.class, huge).timeoutSeconds());
        assertEquals(Long.MAX_VALUE / 2 - 5, margin(5).timeoutFor(Long.MAX_VALUE / 2));
    }
}
