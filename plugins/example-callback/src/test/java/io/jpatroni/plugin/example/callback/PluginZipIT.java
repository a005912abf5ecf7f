package io.jpatroni.plugin.example.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.callback.CallbackEvent;
import io.jpatroni.api.callback.CallbackListener;
import io.jpatroni.core.plugins.CoreVersion;
import io.jpatroni.core.plugins.PluginLoadException;
import io.jpatroni.core.plugins.PluginLoader;
import io.jpatroni.core.plugins.PluginSelection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built zip, loaded by the core's PluginLoader the way the daemon loads callback plugins. */
class PluginZipIT {

    private static final Path ZIP = Path.of(System.getProperty("jpatroni.pluginZip",
            "target/jpatroni-example-callback-" + System.getProperty("jpatroni.version", "0.1.0-SNAPSHOT") + ".zip"));

    private static Path install(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.copy(ZIP, dir.resolve(ZIP.getFileName()));
        return dir;
    }

    @Test
    void selectedByItsSectionTheZipsListenerAppendsEvents(@TempDir Path tmp) throws Exception {
        Path plugins = install(tmp.resolve("plugins"));
        Path events = tmp.resolve("events.log");
        Map<String, Object> raw = Map.of("scope", "demo", "example_callback", Map.of("file", events.toString()));
        PluginLoader loader = PluginLoader.forSelection(plugins, CoreVersion.API, PluginSelection.forConfig("etcd3", raw));

        assertEquals(List.of("example-callback"), loader.plugins().stream().map(PluginLoader.LoadedPlugin::id).toList());
        List<CallbackListener> listeners = loader.extensions(CallbackListener.class);
        assertEquals(1, listeners.size());
        CallbackListener listener = listeners.get(0);
        assertTrue(listener.getClass().getClassLoader() instanceof org.pf4j.PluginClassLoader,
                "loaded from the zip, not from the test class path");
        assertNotSame(EventFileListener.class, listener.getClass());

        listener.configure(loader.settingsFor(listener, raw));
        listener.onEvent(new CallbackEvent("on_role_change", "primary", "demo", "n1"));
        assertEquals("on_role_change primary demo n1\n", Files.readString(events));
    }

    @Test
    void withoutItsSectionThePluginIsNeitherLoadedNorUnpacked(@TempDir Path tmp) throws Exception {
        Path plugins = install(tmp.resolve("plugins"));
        PluginLoader loader = PluginLoader.forSelection(plugins, CoreVersion.API,
                PluginSelection.forConfig("etcd3", Map.of("scope", "demo")));
        assertEquals(List.of(), loader.plugins());
        assertEquals(List.of(), loader.extensions(CallbackListener.class));
        assertEquals("example-callback", loader.installed().get(0).id());
    }

    @Test
    void aCoreOfAnotherPluginApiRefusesItNamingBothVersions(@TempDir Path tmp) throws Exception {
        Path plugins = install(tmp.resolve("plugins"));
        PluginLoadException error = assertThrows(PluginLoadException.class,
                () -> PluginLoader.forDirectory(plugins, "0.2.0"));
        assertTrue(error.getMessage().contains("requires jpatroni plugin API ^" + CoreVersion.API), error.getMessage());
        assertTrue(error.getMessage().contains("offers plugin API 0.2.0"), error.getMessage());
    }
}
