package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The WAL-G plugin's contract end to end with the packaged daemon, etcd and PostgreSQL 15. WAL-G is not a Debian
 * package, so a stand-in {@code wal-g} records the argv and environment it is run with and lays down a real base
 * backup (pg_basebackup from node1), so that what it fetched actually starts: node2 is created by
 * {@code create_replica_methods: [walg]} and streams; node3 bootstraps a second cluster with
 * {@code bootstrap.method: walg} whose recovery_conf calls {@code wal-g wal-fetch %f %p}. With a real wal-g on the
 * PATH, {@link #realWalg} does the same with a file-system repository; it is skipped otherwise.
 */
@ExtendWith(DumpLogsOnFailure.class)
class WalgIT {

    private static final String BIN = "/usr/lib/postgresql/15/bin";

    private ClusterHarness cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void replicaAndNewClusterThroughTheWalgContract() throws Exception {
        cluster = new ClusterHarness(3, 20, 2);
        Node node1 = cluster.node("node1");
        Node node2 = cluster.node("node2");
        Node node3 = cluster.node("node3");
        String replicatorPassword = password(node1, "replication");
        String source = "host=127.0.0.1 port=" + node1.pgPort + " user=replicator";
        for (Node n : List.of(node2, node3)) {
            cluster.script(n, "wal-g", "echo \"$* WALG_FILE_PREFIX=$WALG_FILE_PREFIX\" >> " + n.dir.resolve("walg-calls") + "\n"
                    + "case \"$1\" in\n"
                    + "  backup-fetch) PGPASSWORD='" + replicatorPassword + "' exec " + BIN + "/pg_basebackup -D \"$2\""
                    + " -X stream -d '" + source + "';;\n"
                    + "  wal-fetch) exit 1;;\n" // an empty archive: recovery ends with what the base backup holds
                    + "esac\nexit 2\n");
        }
        Map<String, Object> env = Map.of("WALG_FILE_PREFIX", "/backups/otus");
        cluster.editConfig(node2, yml -> {
            Map<String, Object> pg = (Map<String, Object>) yml.get("postgresql");
            pg.put("create_replica_methods", List.of("walg"));
            pg.put("walg", new LinkedHashMap<>(Map.of("binary", node2.dir.resolve("wal-g").toString(), "env", env)));
        });
        String node3WalG = node3.dir.resolve("wal-g").toString();
        cluster.editConfig(node3, yml -> {
            yml.put("scope", "otus-walg");
            Map<String, Object> bootstrap = (Map<String, Object>) yml.get("bootstrap");
            bootstrap.put("method", "walg");
            bootstrap.put("walg", new LinkedHashMap<>(Map.of("binary", node3WalG, "env", env, "recovery_conf",
                    new LinkedHashMap<>(Map.of("restore_command", node3WalG + " wal-fetch %f %p",
                            "recovery_target_action", "promote")))));
        });

        node1.start();
        await("node1 writable", Duration.ofSeconds(60), () -> ClusterHarness.acceptsWrites(node1));
        node1.execute("CREATE TABLE t (id int primary key)");
        node1.execute("INSERT INTO t VALUES (1)");

        node2.start();
        await("node2 streaming from node1", Duration.ofSeconds(60), () -> node1.streamingReplicas() == 1);
        assertEquals("backup-fetch " + node2.dataDir() + " LATEST WALG_FILE_PREFIX=/backups/otus",
                Files.readAllLines(node2.dir.resolve("walg-calls")).get(0));
        await("node2 logged the method", Duration.ofSeconds(15), () -> logged(node2, "replica has been created using walg"));
        node1.execute("INSERT INTO t VALUES (2)");
        await("row 2 on node2", Duration.ofSeconds(30), () -> node2.hasRow(2));

        node3.start();
        await("node3 bootstrapped its own cluster from the fetched backup", Duration.ofSeconds(90),
                () -> ClusterHarness.acceptsWrites(node3));
        List<String> calls = Files.readAllLines(node3.dir.resolve("walg-calls"));
        assertEquals("backup-fetch " + node3.dataDir() + " LATEST WALG_FILE_PREFIX=/backups/otus", calls.get(0));
        assertTrue(calls.stream().anyMatch(c -> c.matches("wal-fetch \\S+ pg_wal/\\S+ WALG_FILE_PREFIX=.*")),
                calls::toString);
        assertTrue(node3.hasRow(2), "the new cluster holds what the backup held");
        node1.execute("INSERT INTO t VALUES (3)");
        TimeUnit.SECONDS.sleep(2);
        assertTrue(!node3.hasRow(3), "node3 is a cluster of its own");
    }

    @Test
    @SuppressWarnings("unchecked")
    void realWalg() throws Exception {
        Path walg = onPath("wal-g");
        Assumptions.assumeTrue(walg != null, "no wal-g on the PATH");
        cluster = new ClusterHarness(2, 20, 2);
        Node node1 = cluster.node("node1");
        Node node2 = cluster.node("node2");
        Path repo = Files.createTempDirectory("jpatroni-walg");
        Map<String, Object> env = Map.of("WALG_FILE_PREFIX", repo.toString());
        cluster.editConfig(node2, yml -> {
            Map<String, Object> pg = (Map<String, Object>) yml.get("postgresql");
            pg.put("create_replica_methods", List.of("walg"));
            pg.put("walg", new LinkedHashMap<>(Map.of("env", env)));
        });
        node1.start();
        await("node1 writable", Duration.ofSeconds(60), () -> ClusterHarness.acceptsWrites(node1));
        node1.execute("CREATE TABLE t (id int primary key)");
        node1.execute("INSERT INTO t VALUES (1)");
        ProcessBuilder push = new ProcessBuilder(walg.toString(), "backup-push", node1.dataDir().toString())
                .redirectErrorStream(true);
        push.environment().putAll(Map.of("WALG_FILE_PREFIX", repo.toString(), "PGHOST", "127.0.0.1",
                "PGPORT", String.valueOf(node1.pgPort), "PGUSER", "postgres", "PGPASSWORD", password(node1, "superuser")));
        Process p = push.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        node2.start();
        await("node2 streaming from node1", Duration.ofSeconds(90), () -> node1.streamingReplicas() == 1);
        assertTrue(logged(node2, "replica has been created using walg"));
        assertTrue(node2.hasRow(1));
    }

    private static Path onPath(String program) {
        for (String dir : String.valueOf(System.getenv("PATH")).split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static String password(Node node, String user) throws IOException {
        Map<String, Object> yml = new org.yaml.snakeyaml.Yaml().load(Files.readString(node.config));
        Map<String, Object> auth = (Map<String, Object>) ((Map<String, Object>) yml.get("postgresql")).get("authentication");
        return String.valueOf(((Map<String, Object>) auth.get(user)).get("password"));
    }

    private static boolean logged(Node node, String text) throws IOException {
        return Files.readString(node.log()).contains(text);
    }
}
