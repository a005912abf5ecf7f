package io.jpatroni.plugin.watchdog;

import io.jpatroni.api.watchdog.Watchdog;
import io.jpatroni.api.watchdog.WatchdogException;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux watchdog API (Documentation/watchdog/watchdog-api.rst) over an open device file.
 * Keepalives use WDIOC_KEEPALIVE; a file that does not understand watchdog ioctls (ENOTTY: a
 * regular file or a fifo standing in for the device in tests) gets a written byte instead, which
 * the kernel's watchdog drivers also take as a keepalive. Such a file cannot report a timeout.
 */
final class LinuxWatchdog implements Watchdog {

    private static final Logger LOG = LoggerFactory.getLogger(LinuxWatchdog.class);

    // _IOR('W', 5, int), _IOWR('W', 6, int), _IOR('W', 7, int) in the generic ioctl encoding (x86, arm).
    static final long WDIOC_KEEPALIVE = 0x80045705L;
    static final long WDIOC_SETTIMEOUT = 0xC0045706L;
    static final long WDIOC_GETTIMEOUT = 0x80045707L;
    /** Written right before close: tells the driver the close is intended and it may disarm. */
    static final byte MAGIC_CLOSE = 'V';
    static final byte KEEPALIVE_BYTE = '1';

    private final String device;
    private final DeviceFile file;
    private final boolean speaksIoctl;
    private boolean closed;

    LinuxWatchdog(String device, DeviceFile file) throws WatchdogException {
        this.device = device;
        this.file = file;
        this.speaksIoctl = probeIoctl();
    }

    /** GETTIMEOUT is supported by every watchdog driver; ENOTTY means the file is no watchdog device. */
    private boolean probeIoctl() throws WatchdogException {
        try {
            file.ioctl(WDIOC_GETTIMEOUT, 0);
            return true;
        } catch (DeviceFile.DeviceError e) {
            if (e.errno() == DeviceFile.ENOTTY) {
                LOG.warn("{} does not answer watchdog ioctls (not a watchdog device): keepalives are written"
                        + " as bytes and its timeout is unknown", device);
                return false;
            }
            throw new WatchdogException("Could not get timeout on watchdog device " + device + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "Linux watchdog device " + device;
    }

    @Override
    public void keepalive() throws WatchdogException {
        checkOpen();
        try {
            if (speaksIoctl) {
                file.ioctl(WDIOC_KEEPALIVE, 0);
            } else {
                file.write(KEEPALIVE_BYTE);
            }
        } catch (DeviceFile.DeviceError e) {
            throw new WatchdogException("Could not send watchdog keepalive to " + device + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean canSetTimeout() {
        return speaksIoctl;
    }

    @Override
    public void setTimeout(int seconds) throws WatchdogException {
        checkOpen();
        if (!speaksIoctl) {
            throw new WatchdogException("Setting a timeout is not supported on " + device + " (not a watchdog device)");
        }
        try {
            file.ioctl(WDIOC_SETTIMEOUT, seconds);
        } catch (DeviceFile.DeviceError e) {
            throw new WatchdogException("Could not set timeout " + seconds + " s on watchdog device " + device + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public OptionalInt timeoutSeconds() throws WatchdogException {
        checkOpen();
        if (!speaksIoctl) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(file.ioctl(WDIOC_GETTIMEOUT, 0));
        } catch (DeviceFile.DeviceError e) {
            throw new WatchdogException("Could not get timeout on watchdog device " + device + ": " + e.getMessage(), e);
        }
    }

    /** Magic close: 'V' then close, so a driver without nowayout disarms instead of resetting the machine. */
    @Override
    public void close() throws WatchdogException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            file.write(MAGIC_CLOSE);
        } catch (DeviceFile.DeviceError e) {
            closeQuietly();
            throw new WatchdogException("Could not disarm watchdog device " + device + ": " + e.getMessage(), e);
        }
        try {
            file.close();
        } catch (DeviceFile.DeviceError e) {
            throw new WatchdogException("Could not close watchdog device " + device + ": " + e.getMessage(), e);
        }
    }

    private void closeQuietly() {
        try {
            file.close();
        } catch (DeviceFile.DeviceError ignored) {
            // the magic close already failed and was reported; the descriptor goes with the process
        }
    }

    private void checkOpen() throws WatchdogException {
        if (closed) {
            throw new WatchdogException("Watchdog device " + device + " is closed");
        }
    }
}
