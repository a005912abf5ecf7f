package io.jpatroni.plugin.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.watchdog.WatchdogException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ioctl path of a real watchdog driver, which this machine does not have (no softdog): a
 * device file that answers the three ioctls as the kernel's watchdog core does.
 */
class LinuxWatchdogTest {

    /** Records calls; keeps a timeout like the kernel's watchdog core (rounded up to whole seconds). */
    static final class DriverLike implements DeviceFile {
        final List<String> calls = new ArrayList<>();
        int timeout = 60;
        boolean failKeepalive;

        @Override
        public int ioctl(long request, int argument) throws DeviceError {
            if (request == LinuxWatchdog.WDIOC_GETTIMEOUT) {
                calls.add("GETTIMEOUT");
                return timeout;
            }
            if (request == LinuxWatchdog.WDIOC_SETTIMEOUT) {
                calls.add("SETTIMEOUT " + argument);
                timeout = argument;
                return timeout;
            }
            if (request == LinuxWatchdog.WDIOC_KEEPALIVE) {
                if (failKeepalive) {
                    throw new DeviceError("ioctl", 5, "Input/output error");
                }
                calls.add("KEEPALIVE");
                return 0;
            }
            throw new DeviceError("ioctl", 22, "Invalid argument");
        }

        @Override
        public void write(byte b) {
            calls.add("write " + (char) b);
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    @Test
    void usesTheWatchdogIoctlsOfARealDriver() throws Exception {
        DriverLike driver = new DriverLike();
        LinuxWatchdog watchdog = new LinuxWatchdog("/dev/watchdog", driver);
        assertTrue(watchdog.canSetTimeout());
        watchdog.setTimeout(25);
        assertEquals(25, watchdog.timeoutSeconds().orElseThrow());
        watchdog.keepalive();
        watchdog.close();
        assertEquals(List.of("GETTIMEOUT", "SETTIMEOUT 25", "GETTIMEOUT", "KEEPALIVE", "write V", "close"),
                driver.calls);
    }

    @Test
    void aFailedKeepaliveNamesTheDevice() throws Exception {
        DriverLike driver = new DriverLike();
        LinuxWatchdog watchdog = new LinuxWatchdog("/dev/watchdog1", driver);
        driver.failKeepalive = true;
        WatchdogException e = assertThrows(WatchdogException.class, watchdog::keepalive);
        assertTrue(e.getMessage().contains("/dev/watchdog1") && e.getMessage().contains("errno 5"), e.getMessage());
    }
}
