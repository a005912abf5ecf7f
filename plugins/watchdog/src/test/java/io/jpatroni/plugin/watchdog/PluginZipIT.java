package io.jpatroni.plugin.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jpatroni.api.watchdog.Watchdog;
import io.jpatroni.api.watchdog.WatchdogProvider;
import io.jpatroni.api.watchdog.WatchdogSettings;
import io.jpatroni.core.plugins.PluginLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged zip, loaded by the core's plugin loader as the daemon loads it, with JNA removed
 * from the test class path (see the pom): it passes only if the zip's lib/ brings JNA along.
 */
class PluginZipIT {

    @Test
    void jnaIsNotOnTheTestClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("com.sun.jna.Native", false,
                PluginZipIT.class.getClassLoader()));
    }

    @Test
    void theZipLoadsOneProviderThatDrivesADevice(@TempDir Path tmp) throws Exception {
        Path zip = Path.of(System.getProperty("jpatroni.pluginZip"));
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Files.copy(zip, plugins.resolve(zip.getFileName()));
        List<WatchdogProvider> providers = PluginLoader.forDirectory(plugins, System.getProperty("jpatroni.apiVersion"))
                .extensions(WatchdogProvider.class);
        assertEquals(1, providers.size());
        WatchdogProvider provider = providers.get(0);
        assertEquals("default", provider.id());
        Path device = Files.createFile(tmp.resolve("watchdog"));
        Watchdog watchdog = provider.open(new WatchdogSettings(device.toString(), Map.of()));
        watchdog.keepalive();
        watchdog.keepalive();
        watchdog.close();
        assertEquals("11V", Files.readString(device, StandardCharsets.US_ASCII));
    }
}
