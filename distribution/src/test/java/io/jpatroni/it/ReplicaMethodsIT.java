package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Patroni's user-defined methods end to end, with the packaged daemon, real etcd and PostgreSQL 15:
 * node1 creates the cluster with a custom bootstrap script (which runs initdb itself), node2 is cloned by a
 * command method (a script doing pg_basebackup with the --connstring it is given) after a first method that
 * fails, node3 by basebackup after the same failing method; then a switchover to node2 stops node1 after its
 * before_stop script (whose exit code is only logged) and is cancelled by node2's pre_promote script, which
 * releases the lock to another member.
 */
@ExtendWith(DumpLogsOnFailure.class)
class ReplicaMethodsIT {

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
    void customBootstrapCommandReplicaMethodsAndPrePromote() throws Exception {
        cluster = new ClusterHarness(3, 20, 2);
        Node node1 = cluster.node("node1");
        Node node2 = cluster.node("node2");
        Node node3 = cluster.node("node3");

        Path pwfile = node1.dir.resolve("pw");
        Files.writeString(pwfile, "otus\n");
        Path bootstrapArgs = node1.dir.resolve("bootstrap-args");
        Path bootstrap = cluster.script(node1, "bootstrap.sh", "echo \"$@\" > " + bootstrapArgs + "\n"
                + "for a in \"$@\"; do case \"$a\" in --datadir=*) d=\"${a#--datadir=}\";; esac; done\n"
                + "exec " + BIN + "/initdb -D \"$d\" -U postgres --pwfile=" + pwfile + " -E UTF8 --data-checksums\n");
        Path stopped = node1.dir.resolve("before-stop-ran");
        Path beforeStop = cluster.script(node1, "before-stop.sh", "echo ran >> " + stopped + "\nexit 7\n");
        cluster.editConfig(node1, yml -> {
            ((Map<String, Object>) yml.get("postgresql")).put("before_stop", beforeStop.toString());
            Map<String, Object> b = (Map<String, Object>) yml.get("bootstrap");
            b.put("method", "scripted");
            b.put("scripted", new LinkedHashMap<>(Map.of("command", bootstrap.toString(), "label", "first")));
        });

        for (Node n : List.of(node2, node3)) {
            Path broken = cluster.script(n, "broken.sh", "touch " + n.dir.resolve("broken-ran") + "\nexit 3\n");
            cluster.editConfig(n, yml -> ((Map<String, Object>) yml.get("postgresql")).put("broken",
                    new LinkedHashMap<>(Map.of("command", broken.toString(), "no_params", true))));
        }
        Path cloneArgs = node2.dir.resolve("clone-args");
        Path clone = cluster.script(node2, "clone.sh", "for a in \"$@\"; do echo \"$a\"; done > " + cloneArgs + "\n"
                + "for a in \"$@\"; do case \"$a\" in --datadir=*) d=\"${a#--datadir=}\";;"
                + " --connstring=*) c=\"${a#--connstring=}\";; esac; done\n"
                + "exec " + BIN + "/pg_basebackup -D \"$d\" -X stream -d \"$c\"\n");
        Path fenced = node2.dir.resolve("pre-promote-ran");
        Path fence = cluster.script(node2, "fence.sh", "echo ran >> " + fenced + "\nexit 1\n");
        cluster.editConfig(node2, yml -> {
            Map<String, Object> pg = (Map<String, Object>) yml.get("postgresql");
            pg.put("create_replica_methods", List.of("broken", "recorder"));
            pg.put("recorder", new LinkedHashMap<>(Map.of("command", clone.toString(), "extra", "value")));
            pg.put("pre_promote", fence.toString());
        });
        cluster.editConfig(node3, yml -> ((Map<String, Object>) yml.get("postgresql"))
                .put("create_replica_methods", List.of("broken", "basebackup")));

        // The custom bootstrap: the script got --scope, --datadir and its own option, and its initdb is the cluster.
        node1.start();
        await("node1 bootstrapped by its script and writable", Duration.ofSeconds(90),
                () -> ClusterHarness.acceptsWrites(node1));
        assertEquals("--scope=otus --datadir=" + node1.dataDir() + " --label=first",
                Files.readString(bootstrapArgs).trim());
        await("node1 logged its custom bootstrap", Duration.ofSeconds(15),
                () -> logged(node1, "Running custom bootstrap script"));

        node2.start();
        node3.start();
        await("node2 and node3 streaming from node1", Duration.ofSeconds(120), () -> node1.streamingReplicas() == 2);

        // node2: the failing method first, then the command method with Patroni's arguments.
        assertTrue(Files.exists(node2.dir.resolve("broken-ran")), "the first method ran");
        List<String> argv = Files.readAllLines(cloneArgs);
        assertEquals(List.of("--extra=value", "--scope=otus", "--role=replica", "--datadir=" + node2.dataDir()),
                argv.subList(0, 4), argv::toString);
        String connstring = argv.get(4);
        assertTrue(connstring.startsWith("--connstring=") && connstring.contains("user=replicator")
                && connstring.contains("host=127.0.0.1") && connstring.contains("port=" + node1.pgPort)
                && !connstring.contains("password"), connstring);
        // (the daemons' logs reach their files with a little delay)
        await("node2 logged the failed method and the one that worked", Duration.ofSeconds(15),
                () -> logged(node2, "Error creating replica using method broken")
                        && logged(node2, "replica has been created using recorder"));
        // node3: the failing method, then the built-in basebackup.
        assertTrue(Files.exists(node3.dir.resolve("broken-ran")), "the first method ran on node3");
        await("node3 logged basebackup's success", Duration.ofSeconds(15),
                () -> logged(node3, "replica has been created using basebackup"));

        node1.execute("CREATE TABLE t (id int primary key)");
        node1.execute("INSERT INTO t VALUES (1)");
        await("row 1 on both replicas", Duration.ofSeconds(30), () -> node2.hasRow(1) && node3.hasRow(1));

        // A switchover to node2: its pre_promote exits 1, so it gives the lock back unpromoted and another
        // member takes over.
        cluster.ctl("", "switchover", "otus", "--master", "node1", "--candidate", "node2", "--force");
        await("node1's before_stop ran when the switchover stopped it", Duration.ofSeconds(60),
                () -> Files.exists(stopped) && logged(node1, "before_stop script `" + beforeStop + "` exited with 7"));
        await("node2's pre_promote ran and cancelled the promotion", Duration.ofSeconds(60),
                () -> Files.exists(fenced) && Files.readString(node2.log())
                        .contains("Promotion cancelled because the pre-promote script failed"));
        await("another member is the writable primary", Duration.ofSeconds(120),
                () -> cluster.writablePrimary().filter(n -> n != node2).isPresent());
        assertTrue(node2.count("SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END") == 1,
                "node2 was never promoted");
        assertFalse(ClusterHarness.acceptsWrites(node2));
        assertTrue(logged(node2, "pre_promote script `" + fence + "` exited with 1"));
        assertTrue(logged(node2, "Releasing the leader key voluntarily because the pre-promote script failed"));
    }

    private static boolean logged(Node node, String text) throws java.io.IOException {
        return Files.readString(node.log()).contains(text);
    }
}
