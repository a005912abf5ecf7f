package io.jpatroni.plugin.backup.walg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.bootstrap.BootstrapRequest;
import io.jpatroni.api.replica.ReplicaRequest;
import io.jpatroni.api.replica.ReplicaResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalgCommandTest {

    @Test
    void backupFetchOfLatestOrANamedBackup() {
        Path data = Path.of("/var/lib/pg/data");
        assertEquals(List.of("wal-g", "backup-fetch", "/var/lib/pg/data", "LATEST"),
                WalgCommand.backupFetch(Map.of("no_leader", true), data));
        assertEquals(List.of("/usr/local/bin/wal-g", "--config=/etc/walg.yaml", "backup-fetch", "/var/lib/pg/data",
                        "base_000000010000000000000002"),
                WalgCommand.backupFetch(Map.of("binary", "/usr/local/bin/wal-g", "config", "/etc/walg.yaml",
                        "backup_name", "base_000000010000000000000002"), data));
    }

    @Test
    void envGoesToTheProcessOverTheRequestsEnvironment() {
        assertEquals(Map.of("PGPASSFILE", "/p", "WALG_FILE_PREFIX", "/backups"),
                WalgCommand.environment(Map.of("env", Map.of("WALG_FILE_PREFIX", "/backups")), Map.of("PGPASSFILE", "/p")));
    }

    @Test
    void unknownKeysAreRefusedNamingTheKeyAndTheFix() {
        assertEquals(Optional.empty(), WalgCommand.problem("postgresql.walg", Map.of("keep_data", false, "env", Map.of())));
        String p = WalgCommand.problem("postgresql.walg", Map.of("stanza", "x")).orElseThrow();
        assertTrue(p.startsWith("postgresql.walg.stanza: not a WAL-G method option"), p);
        assertTrue(WalgCommand.problem("bootstrap.walg", Map.of("env", "WALG_FILE_PREFIX=/b")).orElseThrow()
                .contains("must be a map"));
    }

    @Test
    void aStandInRecordsTheContractItIsRunWith(@TempDir Path dir) throws Exception {
        Path record = dir.resolve("record");
        Path standIn = dir.resolve("wal-g");
        Files.writeString(standIn, "#!/bin/sh\necho \"$@ $WALG_FILE_PREFIX\" > " + record + "\nmkdir -p \"$2\"\ntouch \"$2/PG_VERSION\"\n");
        standIn.toFile().setExecutable(true);
        Path data = Files.createDirectories(dir.resolve("data"));
        ReplicaResult r = new WalgReplicaMethod().create(new ReplicaRequest("otus", "node2", data, "replica",
                Optional.empty(), Map.of("binary", standIn.toString(), "env", Map.of("WALG_FILE_PREFIX", "/b")),
                false, Map.of()), line -> { });
        assertTrue(r.succeeded(), r.detail());
        assertEquals("backup-fetch " + data + " LATEST /b", Files.readString(record).trim());

        ReplicaResult notEmpty = new WalgReplicaMethod().create(new ReplicaRequest("otus", "node2", data, "replica",
                Optional.empty(), Map.of("binary", standIn.toString(), "keep_data", true), true, Map.of()), line -> { });
        assertFalse(notEmpty.succeeded());
        assertTrue(notEmpty.detail().contains("needs an empty data directory"), notEmpty.detail());

        ReplicaResult noRestoreCommand = new WalgBootstrapMethod().bootstrap(new BootstrapRequest("otus", "node1",
                dir.resolve("new"), Map.of("binary", standIn.toString()), Map.of()), line -> { });
        assertFalse(noRestoreCommand.succeeded());
        assertTrue(noRestoreCommand.detail().startsWith("bootstrap.walg needs recovery_conf.restore_command"));
        assertFalse(Files.exists(dir.resolve("new")), "nothing ran");
    }
}
