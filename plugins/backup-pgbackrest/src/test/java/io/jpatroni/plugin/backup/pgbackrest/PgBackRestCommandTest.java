package io.jpatroni.plugin.backup.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgBackRestCommandTest {

    private static final Path DATA = Path.of("/var/lib/pg/data");

    @Test
    void replicaRestoreIsAStandbyOfTheScopeStanzaAndDropsPatroniSwitches() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("keep_data", false);
        options.put("no_params", true);
        options.put("no_leader", true);
        options.put("process_max", 4);
        assertEquals(List.of("pgbackrest", "--stanza=otus", "--pg1-path=/var/lib/pg/data", "--log-level-console=detail",
                        "--type=standby", "--process-max=4", "restore"),
                PgBackRestCommand.replica(options, "otus", DATA, false));
    }

    @Test
    void keepDataMeansDeltaUnlessDeltaIsSwitchedOff() {
        Map<String, Object> options = Map.of("stanza", "main", "config", "/etc/pgbackrest/pgbackrest.conf", "keep_data", true);
        assertEquals(List.of("pgbackrest", "--stanza=main", "--config=/etc/pgbackrest/pgbackrest.conf",
                "--pg1-path=/var/lib/pg/data", "--delta", "--log-level-console=detail", "--type=standby", "restore"),
                PgBackRestCommand.replica(options, "otus", DATA, true));
        assertEquals(List.of("pgbackrest", "--stanza=otus", "--pg1-path=/var/lib/pg/data", "--log-level-console=detail",
                "--type=standby", "restore"), PgBackRestCommand.replica(Map.of("delta", "off"), "otus", DATA, true));
        assertEquals("--delta", PgBackRestCommand.replica(Map.of("delta", true), "otus", DATA, false).get(3));
    }

    @Test
    void typedOptionsPassThroughAsPgBackRestWritesThem() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("binary", "/opt/pgbackrest/bin/pgbackrest");
        options.put("type", "time");
        options.put("target", "2026-12-04 17:33:00+00");
        options.put("target-action", "promote");
        options.put("archive_check", false);
        options.put("db-include", List.of("app", "audit"));
        options.put("recovery-option", Map.of("primary_slot_name", "node2"));
        options.put("log_level_console", "info");
        options.put("recovery_conf", Map.of("restore_command", "x"));
        options.put("keep_existing_recovery_conf", false);
        options.put("set", null);
        assertEquals(List.of("/opt/pgbackrest/bin/pgbackrest", "--stanza=otus", "--pg1-path=/var/lib/pg/data",
                "--log-level-console=info", "--type=time", "--target=2026-12-04 17:33:00+00", "--target-action=promote",
                "--no-archive-check", "--db-include=app", "--db-include=audit",
                "--recovery-option=primary_slot_name=node2", "restore"),
                PgBackRestCommand.bootstrap(options, "otus", DATA));
    }

    @Test
    void aReplicaGivenATypeKeepsIt() {
        assertEquals(List.of("pgbackrest", "--stanza=otus", "--pg1-path=/var/lib/pg/data", "--log-level-console=detail",
                "--type=default", "restore"), PgBackRestCommand.replica(Map.of("type", "default"), "otus", DATA, false));
    }
}
