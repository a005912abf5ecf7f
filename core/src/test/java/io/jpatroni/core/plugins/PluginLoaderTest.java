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
import java.util.List;
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
    void aPluginForAnotherApiVersionIsRefusedNamingBothVersions(@TempDir Path tmp) throws Exception {
        Path zip = TestPluginZips.write(tmp, "old", "^0.9.0", "", "");
        PluginLoadException error = assertThrows(PluginLoadException.class,
                () -> PluginLoader.forDirectory(tmp, "1.0.0"));
        assertTrue(error.getMessage().contains("requires jpatroni plugin API ^0.9.0"), error.getMessage());
        assertTrue(error.getMessage().contains("offers plugin API 1.0.0"), error.getMessage());
        assertTrue(Files.exists(zip), "the zip is left as it was");
        assertEquals(1, Files.list(tmp).count(), "nothing is unpacked into the plugins directory");
    }

    @Test
    void onlyThePluginsTheConfigSelectsAreLoaded(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectory(tmp.resolve("plugins"));
        TestPluginZips.write(plugins, "dcs-mine", "^1.0.0", "mydcs, mydcs2", "");
        TestPluginZips.write(plugins, "backup", ">=1.0.0 <2.0.0", "", "postgresql.mybackup, bootstrap.mybackup");
        TestPluginZips.write(plugins, "listener", "~1.0", "", ""); // declares nothing: always loaded
        // would be refused if it were loaded: an unused plugin cannot stop a node
        TestPluginZips.write(plugins, "incompatible", "^0.1.0", "otherdcs", "");
        PluginLoader loader = new PluginLoader(plugins, "1.0.3", new PluginCache(tmp.resolve("cache")));
        assertEquals(List.of("backup", "dcs-mine", "incompatible", "listener"),
                loader.installed().stream().map(PluginDescriptor::id).sorted().toList());

        loader.load(PluginSelection.forDcs("mydcs2"));
        assertEquals(List.of("dcs-mine", "listener"), ids(loader));

        loader.load(PluginSelection.forConfig("mydcs2", Map.of("postgresql", Map.of("data_dir", "/x"))));
        assertEquals(List.of("dcs-mine", "listener"), ids(loader), "postgresql.mybackup is absent");

        loader.load(PluginSelection.forConfig("mydcs2", Map.of("bootstrap", Map.of("mybackup", Map.of()))));
        assertEquals(List.of("dcs-mine", "listener", "backup"), ids(loader));
        try (var cached = Files.list(tmp.resolve("cache"))) {
            assertEquals(3, cached.count(), "only the loaded plugins were unpacked");
        }

        PluginLoadException refused = assertThrows(PluginLoadException.class,
                () -> loader.load(PluginSelection.forDcs("otherdcs")));
        assertTrue(refused.getMessage().contains("plugin incompatible 1.0.0"), refused.getMessage());
    }

    @Test
    void theCatalogReadsDescriptorsWithoutUnpacking(@TempDir Path tmp) throws Exception {
        TestPluginZips.write(tmp, "dcs-k8s", "^0.1.0", "kubernetes", "");
        TestPluginZips.write(tmp, "dcs-etcd", "^0.1.0", "etcd3, etcd", "");
        PluginCatalog catalog = PluginCatalog.scan(tmp);
        assertEquals(Map.of("etcd3", "dcs-etcd", "etcd", "dcs-etcd", "kubernetes", "dcs-k8s"), catalog.dcsSections());
        assertEquals("dcs-k8s", catalog.servingDcsSection("kubernetes").orElseThrow().id());
        assertEquals(2, Files.list(tmp).count());
    }

    @Test
    void aZipWithoutDescriptorIsRefusedNamingIt(@TempDir Path tmp) throws Exception {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp.resolve("evil.zip")))) {
            out.putNextEntry(new ZipEntry("../../escaped"));
            out.write(1);
            out.closeEntry();
        }
        PluginLoadException error = assertThrows(PluginLoadException.class,
                () -> PluginLoader.forDirectory(tmp, "1.0.0"));
        assertTrue(error.getMessage().contains("evil.zip has no plugin.properties"), error.getMessage());
    }

    private static List<String> ids(PluginLoader loader) {
        return loader.plugins().stream().map(PluginLoader.LoadedPlugin::id).toList();
    }
}
