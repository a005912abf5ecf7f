package io.jpatroni.core.config;

import java.util.Objects;

/** The {@code watchdog} section; absent means automatic mode on {@code /dev/watchdog} with a 5 s margin. */
public record WatchdogConfig(Mode mode, String device, int safetyMargin) {

    public enum Mode { OFF, AUTOMATIC, REQUIRED }

    public static final WatchdogConfig DEFAULT = new WatchdogConfig(Mode.AUTOMATIC, "/dev/watchdog", 5);

    public WatchdogConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(device, "device");
    }

    /** Watchdog timeout for a given ttl: {@code ttl − safety_margin}, or {@code ttl/2} when the margin is −1. */
    public int timeoutFor(int ttl) {
        return safetyMargin == -1 ? ttl / 2 : ttl - safetyMargin;
    }
}
