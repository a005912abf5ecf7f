package io.jpatroni.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.core.config.ConfigLoader;
import io.jpatroni.core.config.PatroniConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** post_bootstrap runs a user's script: it must not receive the daemon's secrets, and no password in argv. */
class PostBootstrapTest {

    private static final String SUPERUSER_PASSWORD = "zuper-s3cret";

    @TempDir
    Path dir;

    private PatroniConfig config() throws Exception {
        Map<String, Object> raw = new java.util.LinkedHashMap<>(Map.of("scope", "batman", "name", "node1",
                "restapi", Map.of("listen", "127.0.0.1:8008", "connect_address", "10.0.0.1:8008"),
                "etcd3", Map.of("hosts", "127.0.0.1:2379"),
                "postgresql", Map.of("listen", "127.0.0.1:5432", "connect_address", "10.0.0.1:5432",
                        "data_dir", dir.resolve("data").toString(), "pgpass", dir.resolve("pgpass").toString(),
                        "authentication", Map.of(
                                "superuser", Map.of("username", "postgres", "password", SUPERUSER_PASSWORD),
                                "replication", Map.of("username", "replicator", "password", "y")))));
        return ConfigLoader.bind(raw).config();
    }

    @Test
    void theScriptSeesNoPatroniVariablesAndReadsThePasswordFromPgpass() throws Exception {
        Path script = dir.resolve("post.sh");
        Path out = dir.resolve("seen");
        Files.writeString(script, "#!/bin/sh\n{ echo \"ARGS $*\"; env; echo \"PGPASS $(cat \"$PGPASSFILE\")\"; } > " + out + "\n");
        script.toFile().setExecutable(true);
        Map<String, String> daemonEnv = Map.of(
                "PATH", System.getenv("PATH"),
                "PATRONI_SUPERUSER_PASSWORD", SUPERUSER_PASSWORD,
                "PATRONI_RESTAPI_PASSWORD", "rest-s3cret",
                "PATRONI_ETCD3_PASSWORD", "etcd-s3cret",
                "PGPASSWORD", "leftover-s3cret",
                "KEEP_ME", "yes");

        PostBootstrap.run(script.toString(), config(), daemonEnv);

        List<String> seen = Files.readAllLines(out);
        String args = seen.get(0);
        assertEquals("ARGS dbname=postgres user=postgres host=127.0.0.1 port=5432", args);
        assertTrue(seen.contains("KEEP_ME=yes"), seen.toString());
        assertFalse(seen.stream().anyMatch(l -> l.startsWith("PATRONI_")), seen.toString());
        assertFalse(seen.stream().anyMatch(l -> l.contains("rest-s3cret") || l.contains("etcd-s3cret")
                || l.contains("leftover-s3cret") || l.startsWith("PGPASSWORD=")), seen.toString());
        assertTrue(seen.contains("PGPASS 127.0.0.1:5432:*:postgres:" + SUPERUSER_PASSWORD), seen.toString());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("pgpass"))));
    }
}
