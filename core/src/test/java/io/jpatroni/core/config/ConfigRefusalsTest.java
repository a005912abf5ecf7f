package io.jpatroni.core.config;

import static io.jpatroni.core.config.TestConfigs.errors;
import static io.jpatroni.core.config.TestConfigs.minimalWith;
import static io.jpatroni.core.config.TestConfigs.warnings;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Issue 10 items 4, 5 and 8 at config load (start-up and --validate-config run the same binder). */
class ConfigRefusalsTest {

    private static void hasError(Map<String, Object> raw, String path, String reasonPart) {
        List<ConfigProblem> e = errors(raw);
        assertTrue(e.stream().anyMatch(p -> p.path().equals(path) && p.reason().contains(reasonPart)),
                () -> path + " / " + reasonPart + " not in " + e);
    }

    private static Map<String, Object> with(String key, Object value) throws ConfigException {
        Map<String, Object> raw = new LinkedHashMap<>(minimalWith(""));
        raw.put(key, value);
        return raw;
    }

    @Test
    void memberNamesAndScopesThatWouldEscapeTheirDcsKeys() throws Exception {
        hasError(with("name", "../other"), "name", "must not contain '/' or '..'");
        hasError(with("name", "a/b"), "name", "must not contain '/' or '..'");
        hasError(with("name", ""), "name", "is an empty string");
        hasError(with("name", "node\n1"), "name", "control characters");
        hasError(with("name", " node1"), "name", "leading or trailing whitespace");
        hasError(with("scope", ".."), "scope", "must not contain '/' or '..'");
        hasError(with("scope", "batman\t"), "scope", "control characters");
        hasError(with("namespace", "/service/../x"), "namespace", "must not contain '..'");
        assertTrue(errors(with("name", "node-1.a_b")).isEmpty());
        assertTrue(errors(with("namespace", "/service/")).isEmpty());
    }

    @Test
    void unimplementedSettingsInBootstrapDcs() throws Exception {
        hasError(minimalWith("bootstrap: {dcs: {failsafe_mode: true}}"), "bootstrap.dcs.failsafe_mode", "not implemented");
        hasError(minimalWith("bootstrap: {dcs: {synchronous_mode: quorum}}"), "bootstrap.dcs.synchronous_mode",
                "not implemented");
        hasError(minimalWith("bootstrap: {dcs: {standby_cluster: {host: 10.0.0.1, port: 5432}}}"),
                "bootstrap.dcs.standby_cluster", "not implemented");
        hasError(minimalWith("bootstrap: {dcs: {retry_timeout: 1500000000}}"), "bootstrap.dcs.retry_timeout",
                "is above the maximum");
        hasError(minimalWith("bootstrap: {dcs: {postgresql: {parameters: {\"a\\nb\": 1}}}}"),
                "bootstrap.dcs.postgresql.parameters", "is not a valid PostgreSQL parameter name");
    }

    @Test
    void unimplementedLocalSettings() throws Exception {
        hasError(minimalWith("log: {type: json}"), "log.type", "not implemented");
        hasError(minimalWith("log: {format: '%(message)s'}"), "log.format", "not implemented");
        assertTrue(errors(minimalWith("log: {type: plain, format: '%(asctime)s %(levelname)s: %(message)s'}")).isEmpty());
        assertTrue(errors(minimalWith("watchdog: {mode: required}")).isEmpty(), "the watchdog plugin implements it");
        // replica and bootstrap methods are implemented; unknown names are refused at start (MethodCatalogTest)
        assertTrue(errors(minimalWith("postgresql: {create_replica_methods: [pgbackrest, basebackup],"
                + " pgbackrest: {command: restore.sh, keep_data: true}}")).isEmpty());
        assertTrue(errors(minimalWith("bootstrap: {method: restore, restore: {command: x.sh}}")).isEmpty());
    }

    @Test
    void localFilesCannotBeInjected() throws Exception {
        hasError(minimalWith("postgresql: {parameters: {\"work_mem\\nfsync\": \"off\"}}"), "postgresql.parameters",
                "is not a valid PostgreSQL parameter name");
        hasError(minimalWith("postgresql: {parameters: {work_mem: \"1MB'\\nfsync = 'off\"}}"),
                "postgresql.parameters.work_mem", "line feed");
        hasError(minimalWith("postgresql: {pg_hba: [\"local all all md5\\nhost all all 0.0.0.0/0 trust\"]}"),
                "postgresql.pg_hba.0", "line feed");
        hasError(minimalWith("postgresql: {pg_ident: [\"m a b\\rm c d\"]}"), "postgresql.pg_ident.0", "carriage return");
        hasError(minimalWith("bootstrap: {pg_hba: [\"local all all md5\\nhost all all 0.0.0.0/0 trust\"]}"),
                "bootstrap.pg_hba.0", "line feed");
        hasError(minimalWith("postgresql: {recovery_conf: {restore_command: \"cp %f %p\\narchive_cleanup_command = x\"}}"),
                "postgresql.recovery_conf.restore_command", "line feed");
    }
}
