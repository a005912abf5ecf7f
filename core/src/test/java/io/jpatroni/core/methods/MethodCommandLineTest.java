package io.jpatroni.core.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The argv scripts written for Patroni expect (ha-loop.md §3.3, §4.2). */
class MethodCommandLineTest {

    private static Map<String, Object> section(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void replicaCommandGetsItsOptionsThenScopeRoleDatadirAndConnstring() {
        List<String> argv = MethodCommandLine.replica("wal_e", section("command", "/usr/bin/restore 'with space' -v",
                "envdir", "/etc/wal-e", "threads", 4, "keep_data", true), "batman", Path.of("/data/pg"),
                "dbname=postgres user=replicator host=10.0.0.1 port=5432");
        assertEquals(List.of("/usr/bin/restore", "with space", "-v", "--envdir=/etc/wal-e", "--threads=4",
                "--keep_data=True", "--scope=batman", "--role=replica", "--datadir=/data/pg",
                "--connstring=dbname=postgres user=replicator host=10.0.0.1 port=5432"), argv);
    }

    @Test
    void withoutCommandTheMethodNameIsTheProgram() {
        assertEquals(List.of("restore_it", "--scope=s", "--role=replica", "--datadir=/d", "--connstring="),
                MethodCommandLine.replica("restore_it", Map.of(), "s", Path.of("/d"), ""));
    }

    @Test
    void noParamsDropsTheDefaultsAndTheSwitches() {
        assertEquals(List.of("/bin/clone", "--bucket=b1"), MethodCommandLine.replica("m", section("command", "/bin/clone",
                "no_params", true, "no_leader", true, "keep_data", false, "no_master", 1, "bucket", "b1"), "s",
                Path.of("/d"), "host=x"));
    }

    @Test
    void scopeAndFriendsOverrideWhatTheSectionSays() {
        assertEquals(List.of("c", "--scope=real", "--role=replica", "--datadir=/d", "--connstring=cs"),
                MethodCommandLine.replica("m", section("command", "c", "scope", "fake", "role", "primary"), "real",
                        Path.of("/d"), "cs"));
    }

    @Test
    void bootstrapCommandGetsScopeDatadirAndItsOwnOptionsOnly() {
        List<String> argv = MethodCommandLine.bootstrap(section("command", "/bin/restore.sh --from repo",
                "keep_existing_recovery_conf", true, "recovery_conf", Map.of("restore_command", "cp"),
                "target_time", "2026-01-01 00:00:00", "scope", "ignored", "no_params", false), "batman", Path.of("/d"));
        assertEquals(List.of("/bin/restore.sh", "--from", "repo", "--scope=batman", "--datadir=/d",
                "--target_time=2026-01-01 00:00:00"), argv);
        assertEquals(List.of("/bin/restore.sh"), MethodCommandLine.bootstrap(section("command", "/bin/restore.sh",
                "no_params", true), "batman", Path.of("/d")));
    }

    @Test
    void switchesFollowPythonTruthiness() {
        assertTrue(MethodCommandLine.keepData(section("keep_data", true)));
        assertFalse(MethodCommandLine.keepData(section("keep_data", false)));
        assertFalse(MethodCommandLine.keepData(Map.of()));
        assertTrue(MethodCommandLine.worksWithoutLeader(section("no_master", 1)));
        assertTrue(MethodCommandLine.worksWithoutLeader(section("no_leader", "yes")));
        assertFalse(MethodCommandLine.worksWithoutLeader(section("no_leader", 0)));
    }
}
