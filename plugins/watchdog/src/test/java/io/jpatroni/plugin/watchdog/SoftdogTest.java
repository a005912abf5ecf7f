package io.jpatroni.plugin.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jpatroni.api.watchdog.Watchdog;
import io.jpatroni.api.watchdog.WatchdogSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kernel's softdog, where a machine offers it ({@code modprobe softdog}) and the run opts in
 * with JPATRONI_SOFTDOG_TEST=1: a softdog built with nowayout would reset the machine after the
 * test, so it never runs by accident. These build machines have no kernel modules: skipped there.
 */
class SoftdogTest {

    @Test
    void armsSetsTimeoutKeepsAliveAndDisarms() throws Exception {
        Path device = Path.of(System.getenv().getOrDefault("JPATRONI_SOFTDOG_DEVICE", "/dev/watchdog"));
        assumeTrue("1".equals(System.getenv("JPATRONI_SOFTDOG_TEST")), "JPATRONI_SOFTDOG_TEST=1 not set");
        assumeTrue(Files.isWritable(device), device + " is not a writable device here");
        Watchdog watchdog = new LinuxWatchdogProvider().open(new WatchdogSettings(device.toString(), Map.of()));
        try {
            assertTrue(watchdog.canSetTimeout());
            watchdog.setTimeout(45);
            assertEquals(45, watchdog.timeoutSeconds().orElseThrow());
            watchdog.keepalive();
        } finally {
            watchdog.close();
        }
    }
}
