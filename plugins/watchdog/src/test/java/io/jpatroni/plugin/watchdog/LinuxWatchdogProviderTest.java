package io.jpatroni.plugin.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.watchdog.Watchdog;
import io.jpatroni.api.watchdog.WatchdogException;
import io.jpatroni.api.watchdog.WatchdogSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real JNA path against a regular file standing in for /dev/watchdog (ioctls answer ENOTTY). */
class LinuxWatchdogProviderTest {

    private final LinuxWatchdogProvider provider = new LinuxWatchdogProvider();

    @Test
    void keepalivesAreWrittenAndCloseIsMagic(@TempDir Path dir) throws Exception {
        Path device = Files.createFile(dir.resolve("watchdog"));
        WatchdogSettings settings = new WatchdogSettings(device.toString(), Map.of());
        provider.probe(settings);
        Watchdog watchdog = provider.open(settings);
        assertEquals("", read(device), "opening alone writes nothing");
        watchdog.keepalive();
        watchdog.keepalive();
        watchdog.keepalive();
        assertEquals("111", read(device));
        assertFalse(watchdog.canSetTimeout());
        assertTrue(watchdog.timeoutSeconds().isEmpty(), "a plain file cannot tell a timeout");
        assertThrows(WatchdogException.class, () -> watchdog.setTimeout(25));
        watchdog.close();
        assertEquals("111V", read(device));
        watchdog.close();
        assertEquals("111V", read(device), "close is idempotent");
        WatchdogException afterClose = assertThrows(WatchdogException.class, watchdog::keepalive);
        assertTrue(afterClose.getMessage().contains("closed"), afterClose.getMessage());
        Watchdog again = provider.open(settings);
        again.keepalive();
        again.close();
        assertEquals("111V1V", read(device), "a second open appends: a test reads the whole history");
    }

    @Test
    void missingDeviceIsReportedByProbeAndOpen(@TempDir Path dir) {
        WatchdogSettings settings = new WatchdogSettings(dir.resolve("nope").toString(), Map.of());
        WatchdogException probe = assertThrows(WatchdogException.class, () -> provider.probe(settings));
        assertTrue(probe.getMessage().contains("does not exist"), probe.getMessage());
        WatchdogException open = assertThrows(WatchdogException.class, () -> provider.open(settings));
        assertTrue(open.getMessage().contains("Can't open watchdog device") && open.getMessage().contains("nope"),
                open.getMessage());
    }

    @Test
    void unwritableDeviceFailsProbe(@TempDir Path dir) throws Exception {
        Path device = Files.createFile(dir.resolve("watchdog"));
        assertTrue(device.toFile().setWritable(false, false));
        WatchdogException probe = assertThrows(WatchdogException.class,
                () -> provider.probe(new WatchdogSettings(device.toString(), Map.of())));
        assertTrue(probe.getMessage().contains("not writable"), probe.getMessage());
    }

    @Test
    void aFifoWithoutReaderFailsAtOnceInsteadOfBlocking(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        long start = System.nanoTime();
        assertThrows(WatchdogException.class, () -> provider.open(new WatchdogSettings(fifo.toString(), Map.of())));
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "open must not wait for a reader");
    }

    private static String read(Path device) throws Exception {
        return new String(Files.readAllBytes(device), StandardCharsets.US_ASCII);
    }
}
