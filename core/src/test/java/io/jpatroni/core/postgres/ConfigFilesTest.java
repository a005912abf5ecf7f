package io.jpatroni.core.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigFilesTest {
    private static PostgresSettings settings(Path data, boolean useSlots, List<String> hba) {
        return new PostgresSettings(data, data, Optional.empty(), "127.0.0.1", 5432, "127.0.0.1", "demo", "node-1",
                PgCredentials.of("postgres", "su"), PgCredentials.of("replicator", "rep"), null, data.resolve("../pgpass"),
                Map.of(), Map.of(), hba, List.of(), null, Duration.ofSeconds(5),
                Map.of("restore_command", "cp /arch/%f %p", "recovery_target_time", "x", "primary_conninfo", "y"),
                List.of(), useSlots);
    }

    @Test
    void standbyConfigurationAndBaseConfRename(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("postgresql.conf"), "shared_buffers = 128MB\n");
        Files.writeString(data.resolve("postgresql.auto.conf"), "work_mem = '4MB'\nprimary_conninfo = 'host=old'\n");
        ConfigFiles files = new ConfigFiles(settings(data, true, List.of("host all all 0.0.0.0/0 md5")));
        files.ensureBaseConf();
        assertEquals("shared_buffers = 128MB\n", Files.readString(data.resolve("postgresql.base.conf")));

        RecoveryTarget target = new RecoveryTarget(true, Optional.of(new Upstream("10.0.0.1", 5433, "postgres", "leader")));
        Map<String, String> recovery = files.recoverySettings(target, 15);
        assertEquals("cp /arch/%f %p", recovery.get("restore_command"));
        assertEquals("latest", recovery.get("recovery_target_timeline"));
        assertEquals("", recovery.get("recovery_target_time"));
        assertEquals("node_1", recovery.get("primary_slot_name"));
        Map<String, String> ci = ConnInfo.parse(recovery.get("primary_conninfo"));
        assertEquals("replicator", ci.get("user"));
        assertEquals("10.0.0.1", ci.get("host"));
        assertEquals("5433", ci.get("port"));
        assertEquals("node-1", ci.get("application_name"));
        assertEquals("prefer", ci.get("channel_binding"));
        assertFalse(ci.containsKey("password"));
        assertTrue(Files.readString(Path.of(ci.get("passfile"))).contains("10.0.0.1:5433:*:replicator:rep"));

        Map<String, Object> params = new TreeMap<>(Map.of("work_mem", "it's", "port", 5432));
        files.writePostgresqlConf(params, Optional.of(recovery));
        files.writeSignalFiles(target);
        files.writeHbaAndIdent(params);
        files.removeRecoveryFromAutoConf();
        String conf = Files.readString(data.resolve("postgresql.conf"));
        assertTrue(conf.contains("include '" + data.resolve("postgresql.base.conf").toAbsolutePath() + "'"), conf);
        assertTrue(conf.contains("work_mem = 'it''s'"), conf);
        assertTrue(conf.contains("hba_file = '" + data.resolve("pg_hba.conf").toAbsolutePath() + "'"), conf);
        assertTrue(conf.contains("primary_slot_name = 'node_1'"), conf);
        assertTrue(Files.exists(data.resolve("standby.signal")));
        assertEquals("host all all 0.0.0.0/0 md5\n", Files.readString(data.resolve("pg_hba.conf")));
        assertEquals("work_mem = '4MB'\n", Files.readString(data.resolve("postgresql.auto.conf")));

        // keeping the recovery block when the role is unknown (reload after a daemon restart)
        files.writePostgresqlConf(Map.of("port", 5432), Optional.empty());
        assertTrue(Files.readString(data.resolve("postgresql.conf")).contains("primary_slot_name = 'node_1'"));

        // primary: no recovery settings, no signal file
        files.writePostgresqlConf(params, Optional.of(files.recoverySettings(RecoveryTarget.PRIMARY, 15)));
        files.writeSignalFiles(RecoveryTarget.PRIMARY);
        assertFalse(Files.readString(data.resolve("postgresql.conf")).contains("primary_conninfo"));
        assertFalse(Files.exists(data.resolve("standby.signal")));
    }

    @Test
    void standbyWithoutUpstreamHasNoConninfo(@TempDir Path dir) throws Exception {
        ConfigFiles files = new ConfigFiles(settings(dir, false, List.of()));
        Map<String, String> r = files.recoverySettings(new RecoveryTarget(true, Optional.empty()), 15);
        assertFalse(r.containsKey("primary_conninfo"));
        assertFalse(r.containsKey("primary_slot_name"));
        assertEquals("latest", r.get("recovery_target_timeline"));
    }

    @Test
    void namesAndValuesThatWouldAddLinesAreNeverWritten(@TempDir Path dir) throws Exception {
        // the DCS can be written by anyone with access to it: the last check is here, at write time
        ConfigFiles files = new ConfigFiles(settings(dir, false, List.of("local all all trust",
                "host all all 0.0.0.0/0 md5\nhost all all 0.0.0.0/0 trust")));
        files.ensureBaseConf();
        Map<String, Object> params = new TreeMap<>();
        params.put("work_mem", "8MB");
        params.put("statement_timeout = 1\nwork_mem", "9MB");
        params.put("search_path", "public'\nfsync = 'off");
        params.put("application_name", "a\u0000b");
        Map<String, String> recovery = new TreeMap<>(Map.of("restore_command", "cp %f %p\r\narchive_cleanup_command = 'x'"));
        files.writePostgresqlConf(params, Optional.of(recovery));
        files.writeHbaAndIdent(params);
        String conf = Files.readString(dir.resolve("postgresql.conf"));
        assertTrue(conf.contains("work_mem = '8MB'\n"), conf);
        assertFalse(conf.contains("statement_timeout"), conf);
        assertFalse(conf.contains("fsync"), conf);
        assertFalse(conf.contains("search_path"), conf);
        assertFalse(conf.contains("application_name"), conf);
        assertFalse(conf.contains("restore_command") || conf.contains("archive_cleanup_command"), conf);
        assertEquals("local all all trust\n", Files.readString(dir.resolve("pg_hba.conf")));
    }

    @Test
    void pgpassEntriesWithLineBreaksAreLeftOut() {
        String text = PgPass.render(List.of(new PgPass.Entry("h1", 5432, null, "rep", "pw"),
                new PgPass.Entry("h2\n*", 5432, null, "rep", "pw")));
        assertEquals("h1:5432:*:rep:pw\n", text);
    }
}
