package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.Node;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The plugin platform in the packaged daemon (etcd, PostgreSQL 15): a third-party plugin
 * (plugins/example-callback) installed beside the shipped DCS plugins is loaded because its section
 * is in patroni.yml and receives the callbacks; only the selected plugins are unpacked, into the
 * checksum-keyed cache, which a restart reuses; an unknown DCS section names what is installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(DumpLogsOnFailure.class)
class PluginPlatformIT {

    private static final Path EXAMPLE_ZIP = Path.of(System.getProperty("jpatroni.exampleZip"));

    private ClusterHarness cluster;
    private Node node;
    private Path plugins;
    private Path cache;
    private Path events;

    @BeforeAll
    void start() throws Exception {
        cluster = new ClusterHarness(1, 20, 2);
        node = cluster.nodes.get(0);
        plugins = Files.createDirectories(node.dir.resolve("plugins"));
        try (Stream<Path> shipped = Files.list(ClusterHarness.DIST.resolve("plugins"))) {
            for (Path zip : shipped.toList()) {
                Files.copy(zip, plugins.resolve(zip.getFileName()));
            }
        }
        Files.copy(EXAMPLE_ZIP, plugins.resolve(EXAMPLE_ZIP.getFileName()));
        cache = node.dir.resolve("plugin-cache");
        events = node.dir.resolve("events.log");
        Files.writeString(node.config, "example_callback:\n  file: " + events + "\n", StandardOpenOption.APPEND);
        node.environment.put("JPATRONI_PLUGINS", plugins.toString());
        node.environment.put("JPATRONI_JAVA_OPTS", "-Djpatroni.pluginCache=" + cache);
        cluster.startAll();
        await("a writable primary", Duration.ofSeconds(120), () -> ClusterHarness.acceptsWrites(node));
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void theThirdPartyListenerSeesTheSameEventsAsTheCallbackScripts() throws Exception {
        await("the plugin's on_start event", Duration.ofSeconds(30), () -> lines(events).stream().anyMatch(l -> l.startsWith("on_")));
        // a new callback script kills one still running (Patroni's rule), so scripts may miss an event the plugin gets
        await("the plugin saw every event the scripts saw", Duration.ofSeconds(30), () -> {
            List<String> scripts = node.callbacks().stream().map(String::strip).toList();
            List<String> plugin = lines(events).stream().map(l -> l.substring(0, l.lastIndexOf(' '))).toList();
            return !scripts.isEmpty() && plugin.containsAll(scripts);
        });
        assertTrue(lines(events).stream().anyMatch(l -> l.contains(" primary ")), lines(events)::toString);
        assertTrue(lines(events).stream().allMatch(l -> l.endsWith(" " + node.name)), lines(events)::toString);
    }

    @Test
    @Order(2)
    void onlyTheSelectedPluginsWereUnpackedAndARestartReusesThem() throws Exception {
        // the watchdog declares no keys (Patroni's default mode is automatic); the backup plugins have no section here
        assertEquals(List.of("dcs-etcd", "example-callback", "watchdog"), unpacked(),
                "consul, zookeeper, pgbackrest and walg are installed, not used");
        FileTime before = Files.getLastModifiedTime(only("example-callback").resolve(".jpatroni-unpacked"));
        node.stop();
        node.start();
        await("a writable primary again", Duration.ofSeconds(120), () -> ClusterHarness.acceptsWrites(node));
        assertEquals(List.of("dcs-etcd", "example-callback", "watchdog"), unpacked());
        assertEquals(before, Files.getLastModifiedTime(only("example-callback").resolve(".jpatroni-unpacked")),
                "the restart reused the unpacked copy");
        String log = Files.readString(node.log());
        assertEquals(3, log.split("unpacked into", -1).length - 1, "unpacked once each, over two starts");
    }

    @Test
    @Order(3)
    void aDcsSectionNoPluginServesNamesTheDirectoryAndWhatIsInstalled() throws Exception {
        Path bad = node.dir.resolve("kubernetes.yml");
        Files.writeString(bad, Files.readString(node.config).replaceAll("(?m)^etcd3?:", "kubernetes:"));
        Process p = new ProcessBuilder(ClusterHarness.DIST.resolve("bin/jpatroni").toString(), "--validate-config",
                bad.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        String dir = ClusterHarness.DIST.resolve("plugins").toRealPath().toString();
        assertTrue(out.contains("no plugin in " + dir + " serves the 'kubernetes' section; installed: consul, etcd3, etcd,"
                + " zookeeper"), out);
    }

    private List<String> unpacked() throws Exception {
        try (Stream<Path> dirs = Files.list(cache)) {
            return dirs.map(d -> d.getFileName().toString().replaceFirst("^[0-9a-f]{16}-", "").replace("jpatroni-", "")
                    .replaceFirst("-[0-9].*$", "")).sorted().toList();
        }
    }

    private Path only(String plugin) throws Exception {
        try (Stream<Path> dirs = Files.list(cache)) {
            return dirs.filter(d -> d.getFileName().toString().contains(plugin)).findFirst().orElseThrow();
        }
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
