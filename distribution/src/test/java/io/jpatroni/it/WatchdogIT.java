package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The packaged daemon with the watchdog plugin, real etcd and PostgreSQL 15. This machine has no
 * /dev/watchdog (no softdog module), so {@code watchdog.device} points at a regular file the test
 * reads: the plugin writes a byte per keepalive there (the kernel accepts writes as keepalives too)
 * and the magic close 'V' when it disarms.
 */
@ExtendWith(DumpLogsOnFailure.class)
class WatchdogIT {

    private static final int TTL = 20;
    private static final int LOOP_WAIT = 2;
    private ClusterHarness cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theLeaderKeepsTheWatchdogAliveEveryLoopAndDisarmsItOnPauseAndShutdown() throws Exception {
        cluster = new ClusterHarness(1, TTL, LOOP_WAIT);
        Node node = cluster.nodes.get(0);
        Path device = Files.createFile(node.dir.resolve("watchdog"));
        setWatchdog(node, Map.of("mode", "automatic", "device", device.toString(), "safety_margin", 5));
        cluster.startAll();
        await("the single node to bootstrap as primary", Duration.ofSeconds(90), () -> ClusterHarness.acceptsWrites(node));
        DcsOutageIT.holdsTheLock(node);
        await("the watchdog to be armed", Duration.ofSeconds(10), () -> Files.size(device) > 0);

        String before = read(device);
        int seconds = 6 * LOOP_WAIT;
        TimeUnit.SECONDS.sleep(seconds);
        String after = read(device);
        int keepalives = after.length() - before.length();
        System.out.printf("watchdog: %d keepalives in %d s at loop_wait %d s%n", keepalives, seconds, LOOP_WAIT);
        assertTrue(after.chars().allMatch(c -> c == '1'), "only keepalives while leading: " + after);
        assertTrue(keepalives >= seconds / LOOP_WAIT - 2 && keepalives <= seconds / LOOP_WAIT + 2,
                keepalives + " keepalives in " + seconds + " s, expected about one per loop_wait");
        String log = Files.readString(node.log());
        assertTrue(log.contains("Linux watchdog device " + device + " activated"), "activation is logged");

        ClusterHarness.Result paused = cluster.ctl("", "pause", "otus");
        assertEquals(0, paused.exit(), paused::toString);
        await("the watchdog to be disarmed while paused", Duration.ofSeconds(10), () -> read(device).endsWith("V"));
        int atPause = read(device).length();
        TimeUnit.SECONDS.sleep(2L * LOOP_WAIT);
        assertEquals(atPause, read(device).length(), "no keepalives while paused");
        ClusterHarness.Result resumed = cluster.ctl("", "resume", "otus");
        assertEquals(0, resumed.exit(), resumed::toString);
        await("the watchdog to be armed again after resume", Duration.ofSeconds(10),
                () -> read(device).length() > atPause);

        node.stop(); // SIGTERM
        assertFalse(node.daemon.isAlive());
        String last = read(device);
        assertTrue(last.matches("1+V1+V"), "keepalives, magic close on pause, keepalives, magic close on shutdown: "
                + last);
        assertTrue(Files.readString(node.log()).contains("Linux watchdog device " + device + " disabled"));
    }

    @Test
    void aRequiredWatchdogThatCannotBeOpenedKeepsTheNodeFromTakingTheLock() throws Exception {
        cluster = new ClusterHarness(1, TTL, LOOP_WAIT);
        Node node = cluster.nodes.get(0);
        Path missing = node.dir.resolve("no-such-dir/watchdog");
        setWatchdog(node, Map.of("mode", "required", "device", missing.toString()));
        cluster.startAll();
        String expected = "Watchdog device is not usable, not taking the leader lock (watchdog.mode is required)";
        await("the node to say why it does not lead", Duration.ofSeconds(60),
                () -> Files.readString(node.log()).contains(expected));
        TimeUnit.SECONDS.sleep(3L * LOOP_WAIT);
        assertTrue(node.daemon.isAlive(), "the node waits, it does not exit");
        assertEquals("", etcdGet("/service/otus/leader"), "no leader key");
        assertEquals("", etcdGet("/service/otus/initialize"), "no bootstrap either");
        assertNotEquals(200, node.rest("GET", "/primary"));
        assertTrue(node.restBody("/patroni").replace(" ", "").contains("\"watchdog_failed\":true"),
                "peers are told not to fail over to this node");
        String log = Files.readString(node.log());
        assertTrue(log.contains("watchdog device " + missing + " does not exist"), "names the device");
        assertFalse(Files.exists(node.dataDir().resolve("PG_VERSION")), "nothing was initialised");
    }

    @Test
    void aRequiredWatchdogWithoutThePluginRefusesToStart() throws Exception {
        cluster = new ClusterHarness(1, TTL, LOOP_WAIT);
        Node node = cluster.nodes.get(0);
        Path plugins = Files.createDirectories(node.dir.resolve("plugins-without-watchdog"));
        try (var zips = Files.list(ClusterHarness.DIST.resolve("plugins"))) {
            for (Path zip : zips.filter(p -> !p.getFileName().toString().contains("watchdog")).toList()) {
                Files.copy(zip, plugins.resolve(zip.getFileName()));
            }
        }
        node.environment.put("JPATRONI_PLUGINS", plugins.toString());
        setWatchdog(node, Map.of("mode", "required"));
        cluster.startAll();
        assertTrue(node.daemon.waitFor(60, TimeUnit.SECONDS), "the daemon must refuse to start");
        assertNotEquals(0, node.daemon.exitValue());
        String log = Files.readString(node.log());
        assertTrue(log.contains("watchdog.mode is required but the watchdog plugin not installed"), log);
    }

    private String etcdGet(String key) throws Exception {
        return new String(cluster.etcd.etcdctl("get", key, "--print-value-only"), StandardCharsets.UTF_8).trim();
    }

    @SuppressWarnings("unchecked")
    private static void setWatchdog(Node node, Map<String, Object> section) throws IOException {
        Map<String, Object> yml = new Yaml().load(Files.readString(node.config));
        yml.put("watchdog", section);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(node.config, new Yaml(options).dump(yml));
    }

    private static String read(Path device) throws IOException {
        return Files.readString(device, StandardCharsets.US_ASCII);
    }
}
