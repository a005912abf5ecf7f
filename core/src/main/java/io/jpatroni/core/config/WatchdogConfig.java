package io.jpatroni.core.config;

import java.util.Objects;

/**
 * The {@code watchdog} section; absent means automatic mode on {@code /dev/watchdog} with a 5 s margin.
 *
 * @param driver the provider that drives the device ({@code watchdog.driver}); Patroni's is {@code default}
 */
public record WatchdogConfig(Mode mode, String device, int safetyMargin, String driver) {

    public enum Mode { OFF, AUTOMATIC, REQUIRED }

    public static final String DEFAULT_DRIVER = "default";

    public static final WatchdogConfig DEFAULT = new WatchdogConfig(Mode.AUTOMATIC, "/dev/watchdog", 5);

    public WatchdogConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(driver, "driver");
    }

    public WatchdogConfig(Mode mode, String device, int safetyMargin) {
        this(mode, device, safetyMargin, DEFAULT_DRIVER);
    }

    /** Watchdog timeout for a given ttl: {@code ttl − safety_margin}, or {@code ttl/2} when the margin is −1. */
    public long timeoutFor(long ttl) {
        return safetyMargin == -1 ? ttl / 2 : ttl - safetyMargin;
    }

    /** What the watchdog timeout comes to under the cluster's current timing. */
    public sealed interface Timing {
        /** @param slack seconds between the last keepalive due (every loop_wait) and the reset */
        record Usable(int timeoutSeconds, long slack) implements Timing { }

        /** @param reason names the keys and values and what to change */
        record Unusable(String reason) implements Timing { }
    }

    /**
     * The timeout must fire before the leader lock can expire (timeout &lt; ttl), be positive, and
     * leave room for one loop_wait between keepalives (Patroni's timing slack ≥ 0).
     */
    public Timing timing(long ttl, long loopWait) {
        long timeout = timeoutFor(ttl);
        String margin = "watchdog.safety_margin " + safetyMargin;
        if (timeout >= ttl) {
            return new Timing.Unusable(margin + " gives a watchdog timeout of " + timeout + " s, not shorter than ttl "
                    + ttl + " s: the machine would be reset only after the leader lock expired; use a margin of"
                    + " at least 1 (default 5) or -1 for ttl/2");
        }
        if (timeout < 1) {
            return new Timing.Unusable(margin + " is not smaller than ttl " + ttl + " s (watchdog timeout " + timeout
                    + " s); lower watchdog.safety_margin or raise ttl");
        }
        if (timeout < loopWait) {
            return new Timing.Unusable("watchdog timeout " + timeout + " s (ttl " + ttl + " − " + margin
                    + ") is shorter than loop_wait " + loopWait + " s, the interval between keepalives: raise ttl"
                    + " to at least 2 × loop_wait, or lower loop_wait or watchdog.safety_margin");
        }
        return new Timing.Usable((int) Math.min(Integer.MAX_VALUE, timeout), timeout - loopWait);
    }
}
