package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pgBackRest plugin end to end with Debian's pgbackrest, a local posix repository, the packaged daemon, etcd and
 * PostgreSQL 15: node1 archives with {@code pgbackrest archive-push}; after stanza-create and a full backup, node2
 * and node3 are created by {@code create_replica_methods: [pgbackrest, basebackup]} from that backup (a marker
 * file that exists only in the backup proves it) and stream from node1; then node4 bootstraps a second cluster
 * (scope otus-pitr) from the repository to a point in time: rows committed before it are there, the row committed
 * after it is not.
 */
@ExtendWith(DumpLogsOnFailure.class)
class PgBackRestIT {

    private static final String PGBACKREST = "/usr/bin/pgbackrest";

    private ClusterHarness cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void replicasFromTheBackupAndANewClusterToAPointInTime() throws Exception {
        Path repo = Files.createTempDirectory("jpatroni-pgbackrest");
        Path conf = repo.resolve("pgbackrest.conf");
        Files.writeString(conf, "[global]\nrepo1-path=" + repo.resolve("repo") + "\nlog-path=" + repo
                + "\nlock-path=" + repo + "\nstart-fast=y\n");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("archive_mode", "on");
        // "$PWD/%p": the archiver runs in the data directory, so pgbackrest needs no pg1-path of its own
        parameters.put("archive_command", PGBACKREST + " --config=" + conf + " --stanza=otus archive-push \"$PWD/%p\"");
        parameters.put("wal_keep_size", "256MB");
        cluster = new ClusterHarness(ClusterHarness.DcsKind.ETCD, 4, 20, 2, true,
                Map.of("postgresql", Map.of("parameters", parameters)));
        Node node1 = cluster.node("node1");
        Node node2 = cluster.node("node2");
        Node node3 = cluster.node("node3");
        Node node4 = cluster.node("node4");
        for (Node n : List.of(node1, node2, node3, node4)) {
            // pgbackrest talks to PostgreSQL through the unix socket only
            cluster.editConfig(n, yml -> ((Map<String, Object>) yml.get("postgresql")).put("pg_hba", List.of(
                    "local all postgres md5", "host replication replicator 0.0.0.0/0 md5", "host all all 0.0.0.0/0 md5")));
        }
        Map<String, Object> typed = new LinkedHashMap<>(Map.of("config", conf.toString(), "stanza", "otus"));
        for (Node n : List.of(node2, node3)) {
            cluster.editConfig(n, yml -> {
                Map<String, Object> pg = (Map<String, Object>) yml.get("postgresql");
                pg.put("create_replica_methods", List.of("pgbackrest", "basebackup"));
                pg.put("pgbackrest", typed);
            });
        }

        node1.start();
        await("node1 bootstrapped and writable", Duration.ofSeconds(60), () -> ClusterHarness.acceptsWrites(node1));
        node1.execute("CREATE TABLE t (id int primary key)");
        node1.execute("INSERT INTO t VALUES (1)");
        Path marker = node1.dataDir().resolve("in-the-backup-only");
        Files.writeString(marker, "restored by pgbackrest\n");
        String stanza = "[otus]\npg1-path=" + node1.dataDir() + "\npg1-port=" + node1.pgPort + "\npg1-socket-path="
                + node1.dir + "\n";
        Files.writeString(conf, stanza, java.nio.file.StandardOpenOption.APPEND);
        pgbackrest(conf, "stanza-create");
        pgbackrest(conf, "--type=full", "backup");
        Files.delete(marker);

        node2.start();
        node3.start();
        await("node2 and node3 streaming from node1", Duration.ofSeconds(90), () -> node1.streamingReplicas() == 2);
        for (Node n : List.of(node2, node3)) {
            assertTrue(Files.exists(n.dataDir().resolve("in-the-backup-only")), n + " was not restored from the backup");
            await(n + " logged the restore", Duration.ofSeconds(15),
                    () -> logged(n, "replica has been created using pgbackrest")
                            && logged(n, "pgbackrest: ") && logged(n, "restore command begin"));
            assertFalse(logged(n, "creating a replica with basebackup"), n + " fell back to basebackup");
        }
        node1.execute("INSERT INTO t VALUES (2)");
        await("row 2 streamed to both replicas", Duration.ofSeconds(30), () -> node2.hasRow(2) && node3.hasRow(2));

        // A point in time between row 3 and row 100; both archived (pgbackrest check switches WAL and waits).
        node1.execute("INSERT INTO t VALUES (3)");
        TimeUnit.MILLISECONDS.sleep(1100);
        String target = text(node1, "SELECT now()::text");
        TimeUnit.MILLISECONDS.sleep(1100);
        node1.execute("INSERT INTO t VALUES (100)");
        pgbackrest(conf, "check");

        // archive-get insists that pg1-path is the directory it runs in: the stanza's pg1-path is node1's
        String restore = PGBACKREST + " --config=" + conf + " --stanza=otus --pg1-path=" + node4.dataDir()
                + " archive-get %f \"%p\"";
        cluster.editConfig(node4, yml -> {
            yml.put("scope", "otus-pitr");
            Map<String, Object> bootstrap = (Map<String, Object>) yml.get("bootstrap");
            bootstrap.put("method", "pgbackrest");
            Map<String, Object> section = new LinkedHashMap<>(typed);
            section.put("type", "time");
            section.put("target", target);
            section.put("recovery_conf", new LinkedHashMap<>(Map.of("restore_command", restore,
                    "recovery_target_time", target, "recovery_target_action", "promote")));
            bootstrap.put("pgbackrest", section);
            // the new cluster must not archive into the stanza it was restored from
            Map<String, Object> dcsPg = (Map<String, Object>) ((Map<String, Object>) bootstrap.get("dcs")).get("postgresql");
            ((Map<String, Object>) dcsPg.get("parameters")).put("archive_mode", "off");
        });
        node4.start();
        try {
            await("node4 restored to the point in time and promoted", Duration.ofSeconds(90),
                    () -> ClusterHarness.acceptsWrites(node4));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + tails(node4), e);
        }
        assertEquals(3, node4.count("SELECT count(*) FROM t WHERE id IN (1, 2, 3)"), "rows before the target");
        assertEquals(0, node4.count("SELECT count(*) FROM t WHERE id = 100"), "the row after the target");
        assertTrue(logged(node4, "restoring a new cluster from pgBackRest"));
        assertTrue(logged(node4, "--type=time"));
        assertEquals(1, node1.count("SELECT count(*) FROM t WHERE id = 100"), "the first cluster is untouched");
    }

    private void pgbackrest(Path conf, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(PGBACKREST, "--config=" + conf, "--stanza=otus", "--log-level-console=warn"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", superuserPassword(cluster.node("node1")));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(argv + " hung");
        }
        assertEquals(0, p.exitValue(), () -> argv + " failed:\n" + out);
    }

    @SuppressWarnings("unchecked")
    private static String superuserPassword(Node node) throws IOException {
        Map<String, Object> yml = new org.yaml.snakeyaml.Yaml().load(Files.readString(node.config));
        Map<String, Object> auth = (Map<String, Object>) ((Map<String, Object>) yml.get("postgresql")).get("authentication");
        return String.valueOf(((Map<String, Object>) auth.get("superuser")).get("password"));
    }

    private static String text(Node node, String sql) throws java.sql.SQLException {
        try (var c = node.connect(); var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The end of every log in the node's directory (the harness removes them when it closes). */
    private static String tails(Node node) throws IOException {
        StringBuilder out = new StringBuilder();
        try (var files = Files.walk(node.dir)) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log") && Files.isRegularFile(f)).toList()) {
                List<String> lines = Files.readAllLines(log);
                out.append("----- ").append(log).append('\n');
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> out.append(l).append('\n'));
            }
        }
        return out.toString();
    }

    private static boolean logged(Node node, String text) throws IOException {
        return Files.readString(node.log()).contains(text);
    }
}
