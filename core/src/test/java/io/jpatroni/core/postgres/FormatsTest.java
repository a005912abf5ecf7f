package io.jpatroni.core.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Text formats: pgpass, libpq conninfo, conn_url, LSNs, pg_controldata, slot names, credentials masking. */
class FormatsTest {
    @Test
    void pgpassEscapesAndIsPrivate(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sub").resolve("pgpass");
        PgPass.write(f, PgPass.entriesFor("db1,/run/pg", 5432, PgCredentials.of("rep:l", "pa:ss\\w")));
        assertEquals("db1:5432:*:rep\\:l:pa\\:ss\\\\w\n/run/pg:5432:*:rep\\:l:pa\\:ss\\\\w\nlocalhost:5432:*:rep\\:l:pa\\:ss\\\\w\n",
                Files.readString(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        PgPass.write(f, PgPass.entriesFor("h", 1, PgCredentials.of("u", null)));
        assertEquals("h:1:*:u:*\n", Files.readString(f));
    }

    @Test
    void conninfoQuotesAndParsesBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", "10.0.0.1");
        m.put("port", 5432);
        m.put("application_name", "my node");
        m.put("passfile", "/tmp/it's\\here");
        m.put("options", "");
        m.put("skipped", null);
        String s = ConnInfo.render(m);
        assertEquals("host=10.0.0.1 port=5432 application_name='my node' passfile='/tmp/it\\'s\\\\here' options=''", s);
        Map<String, String> back = ConnInfo.parse(s);
        assertEquals("my node", back.get("application_name"));
        assertEquals("/tmp/it's\\here", back.get("passfile"));
        assertEquals("", back.get("options"));
        assertEquals("5432", back.get("port"));
        assertEquals(Map.of("a", "1", "b", "x y"), ConnInfo.parse("  a = 1   b='x y' "));
        assertThrows(IllegalArgumentException.class, () -> ConnInfo.parse("a"));
        assertThrows(IllegalArgumentException.class, () -> ConnInfo.parse("a='x"));
    }

    @Test
    void connUrl() {
        assertEquals(new Upstream("10.0.0.12", 5433, "app", "m1"), Upstream.fromConnUrl("m1", "postgres://10.0.0.12:5433/app"));
        assertEquals(new Upstream("db", 5432, "postgres", "m1"), Upstream.fromConnUrl("m1", "postgres://db"));
        assertEquals(new Upstream("::1", 6000, "postgres", "m1"), Upstream.fromConnUrl("m1", "postgresql://[::1]:6000/"));
        assertThrows(IllegalArgumentException.class, () -> Upstream.fromConnUrl("m1", "http://x:1/"));
    }

    @Test
    void lsn() {
        assertEquals(0x3000028L, Lsn.parse("0/3000028"));
        assertEquals((1L << 32) | 0xAL, Lsn.parse("1/A"));
        assertEquals("1/A", Lsn.format((1L << 32) | 0xAL));
        assertThrows(IllegalArgumentException.class, () -> Lsn.parse("3000028"));
    }

    @Test
    void controlData() {
        ControlData cd = ControlData.parse("""
                pg_control version number:            1300
                Database system identifier:           7312345678901234567
                Database cluster state:               shut down in recovery
                Latest checkpoint location:           0/5000060
                Latest checkpoint's TimeLineID:       2
                Minimum recovery ending location:     0/50000D8
                Min recovery ending loc's timeline:   2
                wal_log_hints setting:                on
                max_connections setting:              100
                Data page checksum version:           1
                """);
        assertEquals("7312345678901234567", cd.systemIdentifier());
        assertEquals("shut down in recovery", cd.clusterState());
        assertEquals(0x5000060L, cd.checkpointLocation());
        assertEquals(2, cd.checkpointTimeline());
        assertEquals(0x50000D8L, cd.minRecoveryEndLocation());
        assertEquals(2, cd.minRecoveryEndTimeline());
        assertTrue(cd.walLogHints());
        assertEquals(1, cd.dataChecksumVersion());
        assertEquals(100, cd.setting("max_connections"));
        assertFalse(cd.uncleanShutdown());
        assertTrue(ControlData.parse("Database cluster state: in production\n").uncleanShutdown());
    }

    @Test
    void slotNames() {
        assertEquals("node_1_a", SlotNames.forMember("Node-1.a"));
        assertEquals("au0043b", SlotNames.forMember("a+b"));
        assertEquals(63, SlotNames.forMember("x".repeat(80)).length());
    }

    @Test
    void secretsAreMasked() {
        assertFalse(PgCredentials.of("u", "hunter2").toString().contains("hunter2"));
        assertFalse(new BootstrapRole("u", Optional.of("hunter2"), List.of()).toString().contains("hunter2"));
        assertFalse(new PgPass.Entry("h", 1, null, "u", "hunter2").toString().contains("hunter2"));
    }

    @Test
    void auxiliaryProcessesAreNotClientBackends() {
        assertFalse(Postmaster.isClientBackend("postgres: demo: checkpointer", "demo"));
        assertFalse(Postmaster.isClientBackend("postgres: demo: walsender replicator 127.0.0.1(4242) streaming 0/3000148", "demo"));
        assertFalse(Postmaster.isClientBackend("postgres: autovacuum launcher", ""));
        assertFalse(Postmaster.isClientBackend("postgres: demo: logical replication launcher", "demo"));
        assertTrue(Postmaster.isClientBackend("postgres: demo: postgres postgres 127.0.0.1(5050) idle", "demo"));
        assertTrue(Postmaster.isClientBackend("postgres: app shop [local] idle in transaction", ""));
    }
}
