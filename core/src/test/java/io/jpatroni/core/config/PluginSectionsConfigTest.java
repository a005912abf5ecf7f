package io.jpatroni.core.config;

import static io.jpatroni.core.config.TestConfigs.minimalWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A DCS section only a third-party plugin knows is accepted exactly when that plugin is installed. */
class PluginSectionsConfigTest {

    @Test
    void aSectionServedByAnInstalledPluginIsAccepted(@TempDir Path plugins) throws Exception {
        plugin(plugins, "dcs-k8s", "kubernetes", "");
        Map<String, Object> raw = minimalWith("kubernetes: {namespace: prod, labels: {app: x}}");
        raw.remove("etcd3");
        ConfigBinder.Result result = ConfigBinder.bind(raw, InstalledPlugins.in(plugins));
        assertEquals(List.of(), result.problems());
        DcsSection dcs = result.config().orElseThrow().dcs();
        assertEquals("kubernetes", dcs.name());
        assertEquals("prod", dcs.options().get("namespace"), "options go to the plugin as written");
    }

    @Test
    void aSectionOutsidePatronisListIsFoundThroughThePluginsAndNotCalledUnknown(@TempDir Path plugins) throws Exception {
        plugin(plugins, "dcs-mine", "mydcs", "");
        plugin(plugins, "audit", "", "audit_log.path");
        Map<String, Object> raw = minimalWith("mydcs: {endpoint: x}\naudit_log: {path: /tmp/a}");
        raw.remove("etcd3");
        ConfigBinder.Result result = ConfigBinder.bind(raw, InstalledPlugins.in(plugins));
        assertEquals(List.of(), result.problems(), "no 'unknown key' warning for a plugin's section");
        assertEquals("mydcs", result.config().orElseThrow().dcs().name());
    }

    @Test
    void withoutThePluginTheErrorNamesTheDirectoryAndWhatIsInstalled(@TempDir Path plugins) throws Exception {
        plugin(plugins, "dcs-etcd", "etcd3, etcd", "");
        plugin(plugins, "dcs-zookeeper", "zookeeper", "");
        Map<String, Object> raw = minimalWith("kubernetes: {labels: {app: x}}");
        raw.remove("etcd3");
        ConfigBinder.Result result = ConfigBinder.bind(raw, InstalledPlugins.in(plugins));
        ConfigProblem error = result.problems().stream().filter(ConfigProblem::isError).findFirst().orElseThrow();
        assertEquals("kubernetes", error.path());
        assertTrue(error.reason().contains("no plugin in " + plugins.toAbsolutePath().normalize()
                + " serves the 'kubernetes' section; installed: etcd3, etcd, zookeeper"), error.reason());
        assertTrue(result.config().isEmpty());
    }

    @Test
    void builtInSectionsStillGetTheCoresChecks(@TempDir Path plugins) throws Exception {
        plugin(plugins, "dcs-etcd", "etcd3, etcd", "");
        Map<String, Object> raw = minimalWith("etcd3: {hosts: null, colour: blue}");
        ConfigBinder.Result result = ConfigBinder.bind(raw, InstalledPlugins.in(plugins));
        assertTrue(result.problems().stream().anyMatch(p -> p.path().equals("etcd3.colour")), result.problems()::toString);
    }

    static void plugin(Path dir, String id, String dcsSections, String configKeys) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(dir.resolve(id + ".zip")))) {
            out.putNextEntry(new ZipEntry("plugin.properties"));
            out.write(("plugin.id=" + id + "\nplugin.version=1\nplugin.requires=^0.1.0\njpatroni.dcs.sections="
                    + dcsSections + "\njpatroni.config.keys=" + configKeys + "\n").getBytes(StandardCharsets.ISO_8859_1));
            out.closeEntry();
        }
    }
}
