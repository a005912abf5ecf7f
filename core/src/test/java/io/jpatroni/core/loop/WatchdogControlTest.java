package io.jpatroni.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.watchdog.Watchdog;
import io.jpatroni.api.watchdog.WatchdogException;
import io.jpatroni.api.watchdog.WatchdogProvider;
import io.jpatroni.api.watchdog.WatchdogSettings;
import io.jpatroni.core.config.DynamicConfig;
import io.jpatroni.core.config.WatchdogConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** When the loop may lead with which watchdog (Patroni's watchdog/base.py behaviour). */
class WatchdogControlTest {

    /** A provider of devices that log what is done to them; the plugin's own tests drive the real device. */
    static final class Devices implements WatchdogProvider {
        final List<String> log = new ArrayList<>();
        String probeFailure;
        String openFailure;
        boolean settable = true;
        Integer fixedTimeout;

        @Override
        public String id() {
            return "default";
        }

        @Override
        public void probe(WatchdogSettings settings) throws WatchdogException {
            if (probeFailure != null) {
                throw new WatchdogException(probeFailure);
            }
        }

        @Override
        public Watchdog open(WatchdogSettings settings) throws WatchdogException {
            log.add("open " + settings.device());
            if (openFailure != null) {
                throw new WatchdogException(openFailure);
            }
            return new Watchdog() {
                int timeout = fixedTimeout == null ? 60 : fixedTimeout;

                @Override
                public String describe() {
                    return "test device";
                }

                @Override
                public void keepalive() {
                    log.add("keepalive");
                }

                @Override
                public boolean canSetTimeout() {
                    return settable;
                }

                @Override
                public void setTimeout(int seconds) {
                    log.add("timeout " + seconds);
                    timeout = seconds;
                }

                @Override
                public OptionalInt timeoutSeconds() {
                    return fixedTimeout != null && fixedTimeout < 0 ? OptionalInt.empty() : OptionalInt.of(timeout);
                }

                @Override
                public void close() {
                    log.add("close");
                }
            };
        }
    }

    private final Devices devices = new Devices();
    private final AtomicReference<DynamicConfig> dynamic = new AtomicReference<>(DynamicConfig.defaults());
    private boolean paused;

    private WatchdogControl control(WatchdogConfig.Mode mode, int margin, boolean installed) {
        return new WatchdogControl(new WatchdogConfig(mode, "/dev/wd", margin),
                installed ? Optional.of(devices) : Optional.empty(), dynamic::get, () -> paused);
    }

    @Test
    void requiredWithoutThePluginNeverLeads() {
        WatchdogControl c = control(WatchdogConfig.Mode.REQUIRED, 5, false);
        assertEquals(Optional.of("watchdog plugin not installed"), c.requiredButUnusable());
        assertFalse(c.activate());
    }

    @Test
    void requiredWithAnUnusableDeviceStaysOutOfTheRace() {
        devices.probeFailure = "watchdog device /dev/wd does not exist";
        WatchdogControl c = control(WatchdogConfig.Mode.REQUIRED, 5, true);
        assertEquals(Optional.of("watchdog device /dev/wd does not exist"), c.requiredButUnusable());
        devices.probeFailure = null;
        assertTrue(c.requiredButUnusable().isEmpty());
    }

    @Test
    void requiredWithAFailingOpenRefusesAndDoesNotRetryEveryLoop() {
        devices.openFailure = "Can't open watchdog device: permission denied";
        WatchdogControl c = control(WatchdogConfig.Mode.REQUIRED, 5, true);
        assertFalse(c.activate());
        assertFalse(c.activate());
        assertEquals(List.of("open /dev/wd"), devices.log);
        assertTrue(c.requiredButUnusable().orElseThrow().contains("could not be configured"));
        dynamic.set(withTtl(40));
        assertFalse(c.activate(), "a timing change retries");
        assertEquals(List.of("open /dev/wd", "open /dev/wd"), devices.log);
    }

    @Test
    void requiredRefusesATimeoutThatCannotBeProvenSafe() {
        devices.settable = false;
        devices.fixedTimeout = 60;
        assertFalse(control(WatchdogConfig.Mode.REQUIRED, 5, true).activate(), "60 s outlives the 30 s lock");
        devices.fixedTimeout = -1;
        assertFalse(control(WatchdogConfig.Mode.REQUIRED, 5, true).activate(), "unknown timeout");
        assertEquals(List.of("open /dev/wd", "close", "open /dev/wd", "close"), devices.log);
        devices.log.clear();
        WatchdogControl automatic = control(WatchdogConfig.Mode.AUTOMATIC, 5, true);
        assertTrue(automatic.activate());
        assertTrue(automatic.isRunning(), "automatic keeps an unproven watchdog, with a warning");
    }

    @Test
    void requiredWithAnUnusableTimingNeverOpens() {
        WatchdogControl c = control(WatchdogConfig.Mode.REQUIRED, 25, true); // 30 - 25 = 5 s < loop_wait 10
        assertTrue(c.requiredButUnusable().orElseThrow().contains("shorter than loop_wait 10"));
        assertFalse(c.activate());
        assertEquals(List.of(), devices.log);
    }

    @Test
    void automaticWithoutADeviceRunsWithout() {
        devices.openFailure = "no such file";
        WatchdogControl c = control(WatchdogConfig.Mode.AUTOMATIC, 5, true);
        assertTrue(c.requiredButUnusable().isEmpty());
        assertTrue(c.activate());
        assertFalse(c.isRunning());
        assertTrue(control(WatchdogConfig.Mode.AUTOMATIC, 5, false).activate());
    }

    @Test
    void aPausedLeaderDoesNotArmTheWatchdog() {
        WatchdogControl c = control(WatchdogConfig.Mode.REQUIRED, 5, true);
        paused = true;
        assertTrue(c.activate(), "paused: nothing to guard, and no reason to give up the lock");
        assertFalse(c.isRunning());
        paused = false;
        assertTrue(c.activate());
        assertTrue(c.isRunning());
        assertEquals(List.of("open /dev/wd", "timeout 25"), devices.log);
    }

    @Test
    void offNeverTouchesTheDevice() {
        WatchdogControl c = control(WatchdogConfig.Mode.OFF, 5, true);
        assertTrue(c.activate());
        c.keepalive();
        c.disable();
        assertEquals(List.of(), devices.log);
    }

    @Test
    void armedWithTtlMinusMarginKeptAliveRetimedAndClosedOnce() {
        WatchdogControl c = control(WatchdogConfig.Mode.REQUIRED, 5, true);
        c.keepalive(); // not armed yet: nothing
        assertTrue(c.activate());
        assertTrue(c.activate(), "already running");
        c.keepalive();
        dynamic.set(withTtl(40));
        c.keepalive();
        c.disable();
        c.disable();
        c.keepalive();
        assertEquals(List.of("open /dev/wd", "timeout 25", "keepalive", "keepalive", "timeout 35", "close"),
                devices.log);
    }

    private static DynamicConfig withTtl(int ttl) {
        try {
            return DynamicConfig.fromMap(java.util.Map.of("ttl", ttl), new ArrayList<>());
        } catch (io.jpatroni.core.config.ConfigException e) {
            throw new IllegalStateException(e);
        }
    }
}
