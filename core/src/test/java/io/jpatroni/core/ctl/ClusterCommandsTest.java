package io.jpatroni.core.ctl;

import static io.jpatroni.core.ctl.CtlFakes.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.rest.ClusterFixtures;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** show-config, edit-config, history, topology, remove, dsn, query, version (patronictl.md §3.2, §3.9-§3.16). */
class ClusterCommandsTest {

    private static final String CONFIG = "{\"loop_wait\":10,\"ttl\":30,\"postgresql\":{\"use_pg_rewind\":true,"
            + "\"parameters\":{\"max_connections\":100,\"wal_level\":\"replica\"}}}";

    static ClusterFixtures configured() {
        return SwitchoverCommandTest.plain().config(CONFIG);
    }

    @Test
    void showConfig() {
        CtlFakes.Runner runner = new CtlFakes.Runner(new CtlFakes.Admin(configured().view()));
        CtlFakes.Run r = runner.run("", "show-config");
        assertEquals("loop_wait: 10\npostgresql:\n  parameters:\n    max_connections: 100\n    wal_level: replica\n"
                + "  use_pg_rewind: true\nttl: 30\n\n", r.out());
        CtlFakes.Run none = new CtlFakes.Runner(new CtlFakes.Admin(configured().config(null).view()))
                .run("", "show-config", "batman");
        assertEquals(0, none.code());
        assertEquals("", none.out());
    }

    @Test
    void editConfigWithSetAndPg() {
        CtlFakes.Admin admin = new CtlFakes.Admin(configured().view());
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("y\n", "edit-config", "-s", "ttl=20", "-s",
                "postgresql.use_pg_rewind=off", "-p", "pg_stat_statements.max=1000", "--pg", "wal_level=",
                "-s", "synchronous_mode=on");
        assertEquals(0, r.code(), r.err());
        assertEquals("--- \n+++ \n@@ -2,6 +2,7 @@\n postgresql:\n   parameters:\n     max_connections: 100\n"
                + "-    wal_level: replica\n-  use_pg_rewind: true\n-ttl: 30\n+    pg_stat_statements.max: 1000\n"
                + "+  use_pg_rewind: false\n+synchronous_mode: true\n+ttl: 20\n"
                + "Apply these changes? [y/N]: Configuration changed\n", r.out());
        assertEquals(List.of("config batman {\"loop_wait\":10,\"ttl\":20,\"postgresql\":{\"use_pg_rewind\":false,"
                + "\"parameters\":{\"max_connections\":100,\"pg_stat_statements.max\":1000}},\"synchronous_mode\":true}"
                + " OptionalLong[2]"), admin.writes);
    }

    @Test
    void editConfigOutcomes() {
        CtlFakes.Admin admin = new CtlFakes.Admin(configured().view());
        CtlFakes.Runner runner = new CtlFakes.Runner(admin);
        assertEquals("Not changed\n", runner.run("", "edit-config", "-s", "ttl=30").out());
        assertEquals("", runner.run("", "edit-config", "-q", "-s", "ttl=30").out());
        CtlFakes.Run refused = runner.run("n\n", "edit-config", "-s", "ttl=31");
        assertEquals(0, refused.code());
        assertTrue(refused.out().endsWith("Apply these changes? [y/N]: "), refused.out());
        assertEquals("Error: Invalid parameter setting ttl\n", runner.run("", "edit-config", "-s", "ttl").err());
        assertTrue(admin.writes.isEmpty());

        CtlFakes.Run quiet = runner.run("", "edit-config", "-q", "--force", "-s", "loop_wait=5");
        assertEquals("Configuration changed\n", quiet.out());
        admin.writeOk = false;
        assertEquals("Error: Config modification aborted due to concurrent changes\n",
                runner.run("", "edit-config", "-q", "--force", "-s", "loop_wait=5").err());
        assertEquals("Error: The config key does not exist in the cluster batman\n",
                new CtlFakes.Runner(new CtlFakes.Admin(configured().config(null).view()))
                        .run("", "edit-config", "-s", "a=1").err());
    }

    @Test
    void editConfigApplyAndReplaceFromStdin() {
        CtlFakes.Admin admin = new CtlFakes.Admin(configured().view());
        CtlFakes.Runner runner = new CtlFakes.Runner(admin);
        CtlFakes.Run noForce = runner.run("ttl: 25\nloop_wait: null\n", "edit-config", "--apply", "-");
        assertTrue(noForce.out().endsWith("+ttl: 25\nUse --force option to apply changes\n"), noForce.out());
        assertTrue(noForce.out().contains("-loop_wait: 10\n"), noForce.out());
        assertTrue(admin.writes.isEmpty());
        runner.run("ttl: 25\n", "edit-config", "--replace", "-", "--force", "-q");
        assertEquals(List.of("config batman {\"ttl\":25} OptionalLong[2]"), admin.writes);
    }

    @Test
    void editConfigInTheEditor() {
        CtlFakes.Admin admin = new CtlFakes.Admin(configured().view());
        CtlFakes.Runner runner = new CtlFakes.Runner(admin);
        runner.editor = file -> {
            assertTrue(file.getFileName().toString().matches("batman-config-.*\\.yaml"), file.toString());
            Files.writeString(file, Files.readString(file).replace("ttl: 30", "ttl: 25"));
            return 0;
        };
        CtlFakes.Run r = runner.run("y\n", "edit-config");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("-ttl: 30\n+ttl: 25\n"), r.out());
        assertEquals(1, admin.writes.size());
        // the same rules as PATCH /config: what the node would reject is not written
        runner.editor = file -> {
            Files.writeString(file, Files.readString(file).replace("ttl: 30", "ttl: abc"));
            return 0;
        };
        CtlFakes.Run refused = runner.run("y\n", "edit-config");
        assertEquals(1, refused.code(), refused.err());
        assertTrue(refused.err().contains("ttl \"abc\" is not an integer number of seconds"), refused.err());
        assertEquals(1, admin.writes.size());
        runner.editor = file -> 3;
        assertEquals("Error: Editor exited with return code 3\n", runner.run("", "edit-config").err());
    }

    @Test
    void historyAsInTheSpec() {
        ClusterView view = ClusterFixtures.cluster().history("[[1,25623960,\"no recovery target specified\","
                + "\"2024-08-01T10:00:00+00:00\",\"pg-node1\"],[2,50331808,\"no recovery target specified\","
                + "\"2024-08-02T10:00:00+00:00\"],[3,67108000,\"no recovery target specified\","
                + "\"2024-08-03T12:00:00.123456+00:00\"]]").view();
        CtlFakes.Runner runner = new CtlFakes.Runner(new CtlFakes.Admin(view));
        CtlFakes.Run r = runner.run("", "history");
        assertEquals(String.join("\n",
                "+----+----------+------------------------------+----------------------------------+------------+",
                "| TL |      LSN | Reason                       | Timestamp                        | New Leader |",
                "+----+----------+------------------------------+----------------------------------+------------+",
                "|  1 | 25623960 | no recovery target specified | 2024-08-01T10:00:00+00:00        | pg-node1   |",
                "|  2 | 50331808 | no recovery target specified | 2024-08-02T10:00:00+00:00        |            |",
                "|  3 | 67108000 | no recovery target specified | 2024-08-03T12:00:00.123456+00:00 |            |",
                "+----+----------+------------------------------+----------------------------------+------------+",
                ""), r.out());
        assertTrue(runner.run("", "history", "-f", "json").out().startsWith("[{\"TL\": 1, \"LSN\": 25623960, "
                + "\"Reason\": \"no recovery target specified\", \"Timestamp\": \"2024-08-01T10:00:00+00:00\", "
                + "\"New Leader\": \"pg-node1\"}, {\"TL\": 2, "));
        assertTrue(runner.run("", "history", "-f", "tsv").out().startsWith("TL\tLSN\tReason\tTimestamp\tNew Leader\n"
                + "1\t25623960\tno recovery target specified\t2024-08-01T10:00:00+00:00\tpg-node1\n"));
        assertEquals(2, runner.run("", "history", "-f", "xml").code());
    }

    @Test
    void topologyIsATree() {
        CtlFakes.Run r = new CtlFakes.Runner(new CtlFakes.Admin(ClusterFixtures.batman(true).view()))
                .run("", "topology");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(3).startsWith("| pg-node1     | 10.0.0.1:5432 | Leader       | running   |  3 |"), r.out());
        assertTrue(lines.get(4).startsWith("| + pg-node2   | 10.0.0.2:5432 | Sync Standby | streaming |  3 |"), r.out());
        assertTrue(lines.get(5).startsWith("|   + pg-node3 | 10.0.0.3:5433 | Replica      | stopped   |    |"), r.out());
        assertTrue(lines.get(5).endsWith("| {dc: west, nofailover: true, replicatefrom: pg-node2} |"), r.out());
        assertEquals(7, lines.size(), "frame rules only: tags are on one line");
    }

    @Test
    void removeAsksThreeTimes() {
        CtlFakes.Admin admin = new CtlFakes.Admin(SwitchoverCommandTest.plain().view());
        CtlFakes.Runner runner = new CtlFakes.Runner(admin);
        assertEquals("Error: Cluster names specified do not match\n", runner.run("robin\n", "remove", "batman").err());
        assertEquals("Error: You did not exactly type \"Yes I am aware\"\n",
                runner.run("batman\nyes\n", "remove", "batman").err());
        assertEquals("Error: You did not specify the current leader of the cluster\n",
                runner.run("batman\nYes I am aware\npg-node2\n", "remove", "batman").err());
        assertTrue(admin.writes.isEmpty());
        CtlFakes.Run r = runner.run("\nbatman\nYes I am aware\npg-node1\n", "remove", "batman", "-f", "json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().endsWith("Please confirm the cluster name to remove: "
                + "Please confirm the cluster name to remove: "
                + "You are about to remove all information in DCS for batman, please type: \"Yes I am aware\": "
                + "This cluster currently is healthy. Please specify the leader name to continue: "), r.out());
        assertTrue(r.out().startsWith("[{\"Cluster\": \"batman\""), r.out());
        assertEquals(List.of("delete batman"), admin.writes);
        assertEquals("Aborted!\n", runner.run("batman\n", "remove", "batman").err());
    }

    @Test
    void dsn() {
        CtlFakes.Runner runner = new CtlFakes.Runner(new CtlFakes.Admin(ClusterFixtures.batman(true).view()));
        assertEquals("host=10.0.0.1 port=5432\n", runner.run("", "dsn").out());
        assertEquals("host=10.0.0.3 port=5433\n", runner.run("", "dsn", "batman", "-m", "pg-node3").out());
        assertEquals("host=10.0.0.2 port=5432\n", runner.run("", "dsn", "-r", "replica").out());
        assertEquals("Error: --role and --member are mutually exclusive options\n",
                runner.run("", "dsn", "-r", "replica", "-m", "pg-node3").err());
        assertEquals("Error: Can not find a suitable member\n", runner.run("", "dsn", "-m", "pg-node9").err());
    }

    @Test
    void query() {
        CtlFakes.Runner runner = new CtlFakes.Runner(new CtlFakes.Admin(ClusterFixtures.batman(true).view()));
        List<SqlRunner.Target> targets = new java.util.ArrayList<>();
        runner.sql = (target, sql) -> {
            targets.add(target);
            if (sql.equals("bad")) {
                throw new SqlRunner.Failure("42601");
            }
            if (target.inRecovery().isPresent() && !target.inRecovery().get()) {
                return Optional.empty();
            }
            return Optional.of(new SqlRunner.Result(List.of("a", "b"), List.of(List.of(1, "x"),
                    java.util.Arrays.asList(true, null))));
        };
        assertEquals("a\tb\n1\tx\nTrue\tNone\n", runner.run("", "query", "-c", "select 1").out());
        assertEquals(new SqlRunner.Target("10.0.0.1", 5432, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()), targets.get(0));
        runner.run("secret\n", "query", "-c", "select 1", "-m", "pg-node3", "-U", "admin", "--password", "-d", "app");
        assertEquals(new SqlRunner.Target("10.0.0.3", 5433, Optional.of("admin"), Optional.of("secret"),
                Optional.of("app"), Optional.empty()), targets.get(1));
        assertEquals("[{\"a\": 1, \"b\": \"x\"}, {\"a\": true, \"b\": null}]\n",
                runner.run("", "query", "-c", "select 1", "-r", "replica", "--format", "json").out());
        assertEquals(Optional.of(true), targets.get(2).inRecovery());
        assertEquals("2030-01-01 10:00:00\tNo connection to role 'primary' is available\n",
                runner.run("", "query", "-c", "select 1", "-r", "primary").out());
        assertEquals("2030-01-01 10:00:00\tERROR, SQLSTATE: 42601\n", runner.run("", "query", "-c", "bad").out());
        assertEquals("2030-01-01 10:00:00\tNo connection to member pg-node9 is available\n",
                runner.run("", "query", "-c", "x", "-m", "pg-node9").out());
        assertEquals("Error: You need to specify either --command or --file\n", runner.run("", "query").err());
        assertEquals("Error: --role and --member are mutually exclusive options\n",
                runner.run("", "query", "-c", "x", "-r", "any", "-m", "pg-node1").err());
        assertEquals("a|b\n1|x\nTrue|None\n", runner.run("", "query", "-c", "x", "--delimiter", "|").out());
    }

    @Test
    void version() {
        CtlFakes.Admin admin = new CtlFakes.Admin(ClusterFixtures.batman(true).view());
        admin.api.answer("10.0.0.1 GET patroni", ok(200, "{\"server_version\": 160004, \"patroni\": {\"version\": \"4.1.4\"}}"));
        admin.api.answer("10.0.0.2 GET patroni", ok(200, "{\"server_version\": 90624, \"patroni\": {\"version\": \"3.0.2\"}}"));
        CtlFakes.Runner runner = new CtlFakes.Runner(admin);
        CtlFakes.Run bare = runner.run("", "version");
        assertTrue(bare.out().matches("patronictl version \\S+\n"), bare.out());
        CtlFakes.Run r = runner.run("", "version", "batman");
        assertTrue(r.out().endsWith("\n\npg-node1: Patroni 4.1.4 PostgreSQL 16.4\npg-node2: Patroni 3.0.2 PostgreSQL 9.6.24\n"
                + "pg-node3: failed to get version: Connection refused\n"), r.out());
        assertTrue(runner.run("", "version", "batman", "pg-node2").out().endsWith("\n\npg-node2: Patroni 3.0.2 PostgreSQL 9.6.24\n"));
    }
}
