package io.jpatroni.plugin.watchdog;

import io.jpatroni.api.watchdog.Watchdog;
import io.jpatroni.api.watchdog.WatchdogException;
import io.jpatroni.api.watchdog.WatchdogProvider;
import io.jpatroni.api.watchdog.WatchdogSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pf4j.Extension;

/** {@code watchdog.driver: default}: the Linux watchdog device named by {@code watchdog.device}. */
@Extension
public final class LinuxWatchdogProvider implements WatchdogProvider {

    @Override
    public String id() {
        return "default";
    }

    /** As Patroni judges health: the device exists and this user may write it. */
    @Override
    public void probe(WatchdogSettings settings) throws WatchdogException {
        Path device = Path.of(settings.device());
        if (!Files.exists(device)) {
            throw new WatchdogException("watchdog device " + device + " does not exist (load a driver, e.g."
                    + " modprobe softdog, or set watchdog.device)");
        }
        if (!Files.isWritable(device)) {
            throw new WatchdogException("watchdog device " + device + " is not writable by this user");
        }
    }

    @Override
    public Watchdog open(WatchdogSettings settings) throws WatchdogException {
        DeviceFile file;
        try {
            file = NativeDeviceFile.open(settings.device());
        } catch (DeviceFile.DeviceError e) {
            throw new WatchdogException("Can't open watchdog device: " + e.getMessage(), e);
        }
        try {
            return new LinuxWatchdog(settings.device(), file);
        } catch (WatchdogException e) {
            try {
                file.write(LinuxWatchdog.MAGIC_CLOSE);
                file.close();
            } catch (DeviceFile.DeviceError ignored) {
                // reported through e; nothing else can be done with a device that does not answer
            }
            throw e;
        }
    }
}
