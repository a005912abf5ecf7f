package io.jpatroni.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.plugin.PluginContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginLoaderTest {

    private static DcsSettings settings(String section) {
        return new DcsSettings(section, Map.of(), "service", "demo", "n1", DcsTiming.DEFAULT);
    }

    private static PluginContext ctx(String version) {
        return new PluginContext(Clock.systemUTC(), "n1", "demo", version);
    }

    @Test
    void aMissingDirectoryHasNoPluginsAndTheErrorSaysWhereItLooked(@TempDir Path tmp) {
        Path missing = tmp.resolve("nowhere");
        DcsException error = assertThrows(DcsException.class,
                () -> DcsFactory.open(settings("etcd3"), missing, ctx("1.0.0")));
        assertTrue(error.getMessage().contains("'etcd3'"), error.getMessage());
        assertTrue(error.getMessage().contains(missing.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("does not exist"), error.getMessage());
    }

    @Test
    void anEmptyDirectoryLoadsNothing(@TempDir Path tmp) throws Exception {
        PluginLoader loader = PluginLoader.forDirectory(tmp, "1.0.0");
        assertEquals(0, loader.plugins().size());
        assertEquals(loader, PluginLoader.forDirectory(tmp, "1.0.0"), "loaded once per directory");
        DcsException error = assertThrows(DcsException.class,
                () -> DcsFactory.open(settings("zookeeper"), tmp, ctx("1.0.0")));
        assertTrue(error.getMessage().contains("serve no DCS section"), error.getMessage());
    }

    @Test
    void aPluginBuiltForAnotherVersionIsRefusedNamingBothVersions(@TempDir Path tmp) throws Exception {
        Path zip = tmp.resolve("old-plugin-0.9.0.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("plugin.properties"));
            out.write("plugin.id=old\nplugin.version=0.9.0\nplugin.requires=0.9.0\n".getBytes());
            out.closeEntry();
            out.putNextEntry(new ZipEntry("classes/"));
            out.closeEntry();
        }
        PluginLoadException error = assertThrows(PluginLoadException.class,
                () -> PluginLoader.forDirectory(tmp, "1.0.0"));
        assertTrue(error.getMessage().contains("requires jpatroni 0.9.0"), error.getMessage());
        assertTrue(error.getMessage().contains("this is jpatroni 1.0.0"), error.getMessage());
        assertTrue(Files.exists(zip), "the zip is left as it was");
        assertEquals(1, Files.list(tmp).count(), "nothing is expanded into the plugins directory");
    }

    @Test
    void aZipEntryEscapingItsDirectoryIsRefused(@TempDir Path tmp) throws Exception {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp.resolve("evil.zip")))) {
            out.putNextEntry(new ZipEntry("../../escaped"));
            out.write(1);
            out.closeEntry();
        }
        PluginLoadException error = assertThrows(PluginLoadException.class,
                () -> PluginLoader.forDirectory(tmp, "1.0.0"));
        assertTrue(error.getMessage().contains("outside"), error.getMessage());
    }
}
