package io.jpatroni.core.loop;

import io.jpatroni.api.watchdog.Watchdog;
import io.jpatroni.api.watchdog.WatchdogException;
import io.jpatroni.api.watchdog.WatchdogProvider;
import io.jpatroni.api.watchdog.WatchdogSettings;
import io.jpatroni.core.config.DynamicConfig;
import io.jpatroni.core.config.WatchdogConfig;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchdog as the HA loop uses it: armed when this node becomes leader, kept alive after every
 * successful lock update, closed (magic close) on demotion, pause and shutdown.
 *
 * <p>Two fences guard a leader. The in-JVM {@link LeaseGuard} stops PostgreSQL when the loop stalls
 * but the JVM still runs; the watchdog is the out-of-process backstop for when the whole daemon or
 * machine hangs: without keepalives the kernel resets the machine {@code ttl − safety_margin}
 * seconds after the last lock update, before the lock can expire and another node promotes.
 *
 * <p>Every call is an open, an ioctl or a write: milliseconds, safe on the loop thread.
 */
final class WatchdogControl {

    private static final Logger LOG = LoggerFactory.getLogger(WatchdogControl.class);

    private final WatchdogConfig config;
    private final Optional<WatchdogProvider> provider;
    private final Supplier<DynamicConfig> dynamic;
    private final BooleanSupplier paused;
    private final WatchdogSettings settings;
    private Watchdog running;
    private int activeTimeout;
    /** The last activation failure and the timing it happened under: not retried (and logged) every loop. */
    private Optional<String> failure = Optional.empty();
    private String failedUnder = "";

    /** @param paused maintenance mode as this iteration read it: a paused leader needs no watchdog */
    WatchdogControl(WatchdogConfig config, Optional<WatchdogProvider> provider, Supplier<DynamicConfig> dynamic,
                    BooleanSupplier paused) {
        this.paused = paused;
        this.config = config;
        this.provider = config.mode() == WatchdogConfig.Mode.OFF ? Optional.empty() : provider;
        this.dynamic = dynamic;
        this.settings = new WatchdogSettings(config.device(), Map.of());
    }

    private boolean required() {
        return config.mode() == WatchdogConfig.Mode.REQUIRED;
    }

    /**
     * Why a required watchdog cannot be used right now (Patroni's {@code is_healthy}); empty when
     * it can, or when it is not required. A node with a reason stays out of the leader race and
     * reports {@code watchdog_failed}.
     */
    synchronized Optional<String> requiredButUnusable() {
        if (!required() || running != null) {
            return Optional.empty();
        }
        if (provider.isEmpty()) {
            return Optional.of("watchdog plugin not installed");
        }
        if (failure.isPresent() && failedUnder.equals(timingKey())) {
            return failure;
        }
        if (timing() instanceof WatchdogConfig.Timing.Unusable unusable) {
            return Optional.of(unusable.reason());
        }
        try {
            provider.get().probe(settings);
            return Optional.empty();
        } catch (WatchdogException e) {
            return Optional.of(e.getMessage());
        }
    }

    synchronized boolean isRunning() {
        return running != null;
    }

    /**
     * Arms the watchdog with {@code ttl − safety_margin}; not while paused (Patroni arms it only
     * when it enforces the primary role, which a paused cluster does not).
     *
     * @return false only when the mode is required and no safe watchdog could be armed: the caller
     *         must then not lead
     */
    synchronized boolean activate() {
        if (running != null || config.mode() == WatchdogConfig.Mode.OFF || paused.getAsBoolean()) {
            return true;
        }
        if (failure.isPresent() && failedUnder.equals(timingKey())) {
            // Patroni retries only after a configuration change, so a missing device is not reported every loop
            return !required();
        }
        if (provider.isEmpty()) {
            return refuse("Configuration requires watchdog, but the watchdog plugin is not installed");
        }
        WatchdogConfig.Timing timing = timing();
        if (timing instanceof WatchdogConfig.Timing.Unusable unusable) {
            LOG.warn("Watchdog not usable: {}", unusable.reason());
            return refuse("Configuration requires watchdog, but watchdog could not be configured");
        }
        WatchdogConfig.Timing.Usable usable = (WatchdogConfig.Timing.Usable) timing;
        Watchdog opened;
        try {
            opened = provider.get().open(settings);
        } catch (WatchdogException e) {
            LOG.warn("Could not activate watchdog {}: {}", config.device(), e.getMessage());
            return refuse("Configuration requires watchdog, but watchdog could not be configured");
        }
        try {
            if (opened.canSetTimeout()) {
                opened.setTimeout(usable.timeoutSeconds());
            }
            OptionalInt actual = opened.timeoutSeconds();
            long loopWait = dynamic.get().loopWait();
            if (actual.isPresent() && actual.getAsInt() < loopWait) {
                LOG.error("loop_wait of {} seconds is too long for watchdog {} second timeout; disabling the watchdog"
                        + " as unsafe", loopWait, actual.getAsInt());
                closeQuietly(opened);
                return refuse("Configuration requires watchdog, but watchdog could not be configured");
            }
            if (actual.isEmpty() || actual.getAsInt() > usable.timeoutSeconds()) {
                String found = actual.isEmpty() ? "unknown" : actual.getAsInt() + " s";
                if (required()) {
                    closeQuietly(opened);
                    return refuse("Configuration requires watchdog, but a safe watchdog timeout "
                            + usable.timeoutSeconds() + " could not be configured. Watchdog timeout is " + found);
                }
                LOG.warn("Watchdog timeout {} does not ensure safe termination within {} seconds", found,
                        usable.timeoutSeconds());
            }
            running = opened;
            failure = Optional.empty();
            activeTimeout = usable.timeoutSeconds();
            LOG.info("{} activated with {} second timeout, timing slack {} seconds", opened.describe(),
                    actual.isPresent() ? actual.getAsInt() : "unknown", usable.slack());
            return true;
        } catch (WatchdogException e) {
            LOG.warn("Could not activate {}: {}", opened.describe(), e.getMessage());
            closeQuietly(opened);
            return refuse("Configuration requires watchdog, but watchdog could not be configured");
        }
    }

    /** After a successful lock update; a changed ttl reaches the device here, in step with the lock. */
    synchronized void keepalive() {
        if (running == null) {
            return;
        }
        try {
            running.keepalive();
            if (timing() instanceof WatchdogConfig.Timing.Usable usable && usable.timeoutSeconds() != activeTimeout
                    && running.canSetTimeout()) {
                running.setTimeout(usable.timeoutSeconds());
                activeTimeout = usable.timeoutSeconds();
                LOG.info("{} updated with {} second timeout, timing slack {} seconds", running.describe(),
                        activeTimeout, usable.slack());
            }
        } catch (WatchdogException e) {
            LOG.error("Error while sending keepalive: {}", e.getMessage());
        }
    }

    /** Magic close; a no-op when not armed. Not needed again until this node leads again. */
    synchronized void disable() {
        if (running == null) {
            return;
        }
        Watchdog closing = running;
        running = null;
        try {
            closing.close();
            LOG.info("{} disabled", closing.describe());
        } catch (WatchdogException e) {
            LOG.error("Error while disabling watchdog: {}", e.getMessage());
        }
    }

    private WatchdogConfig.Timing timing() {
        DynamicConfig d = dynamic.get();
        return config.timing(d.ttl(), d.loopWait());
    }

    private String timingKey() {
        DynamicConfig d = dynamic.get();
        return d.ttl() + "/" + d.loopWait();
    }

    private boolean refuse(String message) {
        failure = Optional.of(message);
        failedUnder = timingKey();
        if (required()) {
            LOG.error(message);
            return false;
        }
        return true;
    }

    private static void closeQuietly(Watchdog watchdog) {
        try {
            watchdog.close();
        } catch (WatchdogException e) {
            LOG.error("Error while disabling watchdog: {}", e.getMessage());
        }
    }
}
