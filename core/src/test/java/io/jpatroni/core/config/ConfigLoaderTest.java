package io.jpatroni.core.config;

import static io.jpatroni.core.config.TestConfigs.errors;
import static io.jpatroni.core.config.TestConfigs.minimalWith;
import static io.jpatroni.core.config.TestConfigs.warnings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading files and directories, broken inputs, and the effective meaning of individual keys. */
class ConfigLoaderTest {

    @TempDir
    Path tmp;

    private static boolean has(List<ConfigProblem> problems, String path, String reasonPart) {
        return problems.stream().anyMatch(p -> p.path().equals(path) && p.reason().contains(reasonPart));
    }

    private static PatroniConfig bind(Map<String, Object> raw) throws ConfigException {
        return ConfigLoader.bind(raw).config();
    }

    @Test
    void minimalConfigLoadsWithoutProblems() throws Exception {
        Map<String, Object> raw = minimalWith("");
        assertEquals(List.of(), ConfigValidator.validate(raw));
        PatroniConfig c = bind(raw);
        assertEquals("etcd3", c.dcs().name());
        assertEquals("127.0.0.1", c.postgresql().localHost());
        assertEquals(WatchdogConfig.DEFAULT, c.watchdog());
        assertTrue(c.bootstrap().isEmpty());
    }

    @Test
    void directoryFilesAreMergedInNameOrderAndNullDeletes() throws Exception {
        Files.writeString(tmp.resolve("10-base.yml"), TestConfigs.MINIMAL + "tags: {nofailover: true, custom: x}\n");
        Files.writeString(tmp.resolve("20-override.yaml"), "name: node2\ntags: {custom: null}\nrestapi: {listen: 0.0.0.0:8010}\n");
        Files.writeString(tmp.resolve("05-ignored.txt"), "this is not yaml: [");
        Files.writeString(tmp.resolve("30-empty.yml"), "# nothing here\n");
        PatroniConfig c = ConfigLoader.load(Optional.of(tmp), Map.of());
        assertEquals("node2", c.name());
        assertEquals(new HostPort("0.0.0.0", 8010), c.restapi().listen());
        assertEquals(new HostPort("10.0.0.1", 8008), c.restapi().connectAddress());
        assertEquals(Map.of("nofailover", true), c.tags().published());
    }

    @Test
    void fileThatIsNotAMapping() throws Exception {
        Path f = tmp.resolve("list.yml");
        Files.writeString(f, "- a\n- b\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.of(f), Map.of()));
        assertTrue(e.getMessage().contains("does not contain a mapping"), e.getMessage());
    }

    @Test
    void badYamlNamesTheFileAndLine() throws Exception {
        Path f = tmp.resolve("bad.yml");
        Files.writeString(f, "scope: x\nrestapi:\n  listen: 0.0.0.0:8008\n connect_address: x\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.of(f), Map.of()));
        assertTrue(e.getMessage().startsWith(f + "  is not valid YAML: line 4"), e.getMessage());
    }

    @Test
    void emptyConfiguration() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), Map.of()));
        assertTrue(e.getMessage().contains("Config is empty."), e.getMessage());
    }

    @Test
    void missingRequiredKeysAreAllReportedAtOnce() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> bind(TestConfigs.yaml("namespace: /x\nrestapi: {}\npostgresql: {authentication: {superuser: {}}}\n")));
        List<String> paths = e.problems().stream().filter(ConfigProblem::isError).map(ConfigProblem::path).toList();
        assertTrue(paths.containsAll(List.of("name", "scope", "restapi.listen", "etcd3/etcd/zookeeper/consul",
                "postgresql.listen", "postgresql.connect_address", "postgresql.data_dir",
                "postgresql.authentication.superuser.username", "postgresql.authentication.replication.username")), paths::toString);
    }

    @Test
    void noDcsSectionListsTheSupportedOnes() throws Exception {
        Map<String, Object> raw = minimalWith("");
        raw.remove("etcd3");
        List<ConfigProblem> e = errors(raw);
        assertEquals(1, e.size(), e::toString);
        assertEquals("etcd3/etcd/zookeeper/consul  is not defined. A DCS section is required, one of etcd3, etcd,"
                + " zookeeper, consul (e.g. etcd3: {hosts: 127.0.0.1:2379})", e.get(0).toString());
    }

    @Test
    void unsupportedDcsOnly() throws Exception {
        Map<String, Object> raw = minimalWith("kubernetes: {labels: {app: x}}");
        raw.remove("etcd3");
        List<ConfigProblem> e = errors(raw);
        assertTrue(has(e, "kubernetes", "no plugin in "), e::toString);
        assertTrue(has(e, "kubernetes", "serves the 'kubernetes' section; installed: none"), e::toString);
        Map<String, Object> typo = minimalWith("etcd4: {hosts: x:1}");
        typo.remove("etcd3");
        assertTrue(has(warnings(typo), "etcd4", "unknown key"));
        assertTrue(has(errors(typo), "etcd3/etcd/zookeeper/consul", "is not defined"));
    }

    @Test
    void firstDcsInPatroniOrderWins() throws Exception {
        PatroniConfig c = bind(minimalWith("etcd: {host: 127.0.0.1:2379}\nconsul: {host: 127.0.0.1:8500}"));
        assertEquals("consul", c.dcs().name());
        assertTrue(has(ConfigLoader.bind(minimalWith("etcd: {host: a:1}")).warnings(), "etcd3", "ignored"));
        Map<String, Object> noHosts = minimalWith("");
        noHosts.put("etcd3", Map.of("protocol", "http"));
        ConfigException e = assertThrows(ConfigException.class, () -> bind(noHosts));
        assertTrue(has(e.problems(), "etcd3.hosts", "is not defined"), e::getMessage);
    }

    @Test
    void restapiListenNotHostPort() throws Exception {
        List<ConfigProblem> e = errors(minimalWith("restapi: {listen: 8008x}"));
        assertEquals(1, e.size(), e::toString);
        assertEquals("restapi.listen \"8008x\" is not host:port (no port; expected e.g. 0.0.0.0:8008)", e.get(0).toString());
        List<ConfigProblem> e2 = errors(minimalWith("restapi: {listen: 'abc:80a'}"));
        assertEquals("restapi.listen \"abc:80a\" is not host:port (port \"80a\" is not a number; expected e.g. 0.0.0.0:8008)",
                e2.get(0).toString());
        List<ConfigProblem> e3 = errors(minimalWith("restapi: {listen: 8008}"));
        assertTrue(e3.get(0).toString().startsWith("restapi.listen 8008 is not host:port"), e3::toString);
    }

    @Test
    void listWhereAMapIsExpected() throws Exception {
        List<ConfigProblem> e = errors(minimalWith("postgresql: {parameters: [a, b]}"));
        assertTrue(has(e, "postgresql.parameters", "is not a dictionary"), e::toString);
        Map<String, Object> raw = minimalWith("");
        raw.put("restapi", List.of("listen: 0.0.0.0:8008"));
        assertTrue(has(errors(raw), "restapi", "is not a dictionary"));
        assertTrue(has(errors(minimalWith("postgresql: {pg_hba: 'host all all 0.0.0.0/0 md5'}")), "postgresql.pg_hba", "is not a list"));
    }

    @Test
    void bootstrapDcsTtlNotAnInteger() throws Exception {
        List<ConfigProblem> e = errors(minimalWith("bootstrap: {dcs: {ttl: abc}}"));
        assertEquals(1, e.size(), e::toString);
        assertEquals("bootstrap.dcs.ttl \"abc\" is not an integer number of seconds (write e.g. ttl: 30)",
                e.get(0).toString());
        // below Patroni's minimum: the node would clamp it, so a new cluster does not start with it
        List<ConfigProblem> low = errors(minimalWith("bootstrap: {dcs: {ttl: 10, loop_wait: 10, retry_timeout: 10}}"));
        assertTrue(has(low, "bootstrap.dcs.ttl", "is below the minimum 20"), low::toString);
        List<ConfigProblem> w = warnings(minimalWith("bootstrap: {dcs: {ttl: 20, loop_wait: 10, retry_timeout: 10, bogus: 1}}"));
        assertTrue(has(w, "bootstrap.dcs", "using loop_wait=1 and retry_timeout=9"), w::toString);
        assertTrue(has(w, "bootstrap.dcs.bogus", "unknown key"), w::toString);
    }

    @Test
    void initdbOptionRendering() throws Exception {
        BootstrapConfig b = bind(minimalWith("bootstrap: {initdb: [data-checksums, {encoding: UTF8}, {locale: \"'C'\"}]}"))
                .bootstrap().orElseThrow();
        assertEquals(List.of("--data-checksums", "--encoding=UTF8", "--locale=C"), b.initdbArgs());
        BootstrapConfig m = bind(minimalWith("bootstrap: {initdb: {encoding: UTF8, locale: C, empty: ''}}")).bootstrap().orElseThrow();
        assertEquals(List.of("--encoding=UTF8", "--locale=C"), m.initdbArgs());
        List<ConfigProblem> e = errors(minimalWith("bootstrap: {initdb: [pgdata, {pwfile: /x}, {a: b, c: d}]}"));
        assertTrue(has(e, "bootstrap.initdb.0", "Patroni sets initdb option pgdata itself"), e::toString);
        assertTrue(has(e, "bootstrap.initdb.1", "Patroni sets initdb option pwfile itself"), e::toString);
        assertTrue(has(e, "bootstrap.initdb.2", "several keys"), e::toString);
    }

    @Test
    void basebackupForbiddenOptionsAreSkippedWithAWarning() throws Exception {
        ConfigLoader.Loaded l = ConfigLoader.bind(minimalWith(
                "postgresql: {basebackup: [verbose, {max-rate: 100M}, {format: tar}, {compress: gzip}, {checkpoint: fast}]}"));
        assertEquals(List.of("--verbose", "--max-rate=100M", "--checkpoint=fast"), l.config().postgresql().basebackupArgs());
        assertTrue(has(l.warnings(), "postgresql.basebackup.2", "format"), l.warnings()::toString);
        assertTrue(has(l.warnings(), "postgresql.basebackup.3", "compress"), l.warnings()::toString);
    }

    @Test
    void customBootstrapMethodIsBoundWithItsSection() throws Exception {
        BootstrapConfig b = bind(minimalWith("bootstrap: {method: initdb, post_init: /bin/setup.sh}")).bootstrap().orElseThrow();
        assertEquals("initdb", b.method());
        assertEquals(Optional.of("/bin/setup.sh"), b.postBootstrap());
        assertTrue(b.methodSection().isEmpty());
        BootstrapConfig custom = bind(minimalWith("bootstrap: {method: wal_e, wal_e: {command: restore.sh,"
                + " keep_existing_recovery_conf: on, recovery_conf: {restore_command: 'cp /a/%f %p',"
                + " recovery_target_action: promote}}}")).bootstrap().orElseThrow();
        assertEquals("wal_e", custom.method());
        assertEquals("restore.sh", custom.methodSection().get("command"));
        assertTrue(custom.keepExistingRecoveryConf());
        assertEquals("promote", custom.methodRecoveryConf().get("recovery_target_action"));
        assertTrue(errors(minimalWith("bootstrap: {method: wal_e, wal_e: {command: restore.sh}}")).isEmpty());
        assertTrue(has(errors(minimalWith("bootstrap: {method: wal_e, wal_e: {command: x.sh, recovery_conf:"
                + " {\"a\\nb\": 1}}}")), "bootstrap.wal_e.recovery_conf", "is not a valid PostgreSQL parameter name"));
    }

    @Test
    void watchdogModes() throws Exception {
        Map<String, WatchdogConfig.Mode> cases = Map.of("off", WatchdogConfig.Mode.OFF, "'off'", WatchdogConfig.Mode.OFF,
                "disabled", WatchdogConfig.Mode.OFF, "false", WatchdogConfig.Mode.OFF, "auto", WatchdogConfig.Mode.AUTOMATIC,
                "Automatic", WatchdogConfig.Mode.AUTOMATIC);
        for (Map.Entry<String, WatchdogConfig.Mode> c : cases.entrySet()) {
            assertEquals(c.getValue(), bind(minimalWith("watchdog: {mode: " + c.getKey() + "}")).watchdog().mode(), c.getKey());
        }
        ConfigLoader.Loaded on = ConfigLoader.bind(minimalWith("watchdog: {mode: on, safety_margin: -1}"));
        assertEquals(WatchdogConfig.Mode.OFF, on.config().watchdog().mode());
        assertEquals(15, on.config().watchdog().timeoutFor(30));
        assertTrue(has(on.warnings(), "watchdog.mode", "watchdog is off"), on.warnings()::toString);
        for (String required : List.of("require", "REQUIRED")) {
            assertEquals(WatchdogConfig.Mode.REQUIRED, bind(minimalWith("watchdog: {mode: " + required + "}")).watchdog().mode());
        }
        assertTrue(warnings(minimalWith("watchdog: {mode: automatic}")).isEmpty(), "automatic is implemented now");
        WatchdogConfig custom = bind(minimalWith("watchdog: {mode: required, device: /dev/watchdog1, safety_margin: 7}")).watchdog();
        assertEquals(new WatchdogConfig(WatchdogConfig.Mode.REQUIRED, "/dev/watchdog1", 7, "default"), custom);
    }

    @Test
    void watchdogTimingMustFireBeforeTheLockExpires() throws Exception {
        List<ConfigProblem> zero = errors(minimalWith("watchdog: {mode: required, safety_margin: 0}"));
        assertTrue(has(zero, "watchdog.safety_margin", "not shorter than ttl 30"), zero::toString);
        List<ConfigProblem> tooBig = errors(minimalWith("watchdog: {mode: required, safety_margin: 30}"));
        assertTrue(has(tooBig, "watchdog.safety_margin", "is not smaller than ttl 30"), tooBig::toString);
        List<ConfigProblem> slack = errors(minimalWith("watchdog: {mode: required, safety_margin: 25}"));
        assertTrue(has(slack, "watchdog.safety_margin", "shorter than loop_wait 10"), slack::toString);
        List<ConfigProblem> fromBootstrap = errors(minimalWith(
                "watchdog: {mode: required, safety_margin: 25}\nbootstrap: {dcs: {ttl: 60}}"));
        assertTrue(fromBootstrap.isEmpty(), "ttl 60 - 25 = 35 s leaves room for loop_wait 10: " + fromBootstrap);
        List<ConfigProblem> automatic = warnings(minimalWith("watchdog: {mode: automatic, safety_margin: 0}"));
        assertTrue(has(automatic, "watchdog.safety_margin", "no watchdog will be used"), automatic::toString);
        assertTrue(errors(minimalWith("watchdog: {mode: automatic, safety_margin: 0}")).isEmpty());
        assertTrue(errors(minimalWith("watchdog: {mode: 'off', safety_margin: 0}")).isEmpty());
    }

    @Test
    void tagsAndWhatIsPublished() throws Exception {
        Tags t = bind(minimalWith("tags: {nofailover: false, clonefrom: true, noloadbalance: 'false', custom: 5, replicatefrom: n2}")).tags();
        assertFalse(t.nofailover());
        assertTrue(t.clonefrom());
        assertTrue(t.noloadbalance()); // a non-empty string is true, as in Patroni
        assertEquals(Optional.of("n2"), t.replicatefrom());
        assertEquals(Map.of("clonefrom", true, "noloadbalance", "false", "custom", 5, "replicatefrom", "n2"), t.published());
        assertTrue(has(warnings(minimalWith("tags: {noloadbalance: 'false'}")), "tags.noloadbalance", "counts as true"));

        Tags p = bind(minimalWith("tags: {failover_priority: 0}")).tags();
        assertTrue(p.nofailover());
        assertFalse(p.allowsFailover());
        Tags both = bind(minimalWith("tags: {failover_priority: 0, nofailover: false}")).tags();
        assertTrue(both.allowsFailover()); // nofailover wins
        assertEquals(Map.of("failover_priority", 0, "nofailover", false), both.published());
    }

    @Test
    void localSettingsPatroniIgnores() throws Exception {
        ConfigLoader.Loaded l = ConfigLoader.bind(minimalWith(
                "ttl: 40\nloop_wait: 5\nstandby_cluster: {host: x}\nsynchronous_mode: true\n"
                        + "postgresql: {use_slots: false, parameters: {max_connections: 500, wal_level: logical, work_mem: 8MB}}"));
        for (String k : List.of("ttl", "loop_wait", "standby_cluster", "synchronous_mode")) {
            assertTrue(has(l.warnings(), k, "dynamic configuration"), k);
        }
        assertTrue(has(l.warnings(), "postgresql.use_slots", "ignored locally"));
        assertEquals(Map.of("work_mem", "8MB"), l.config().postgresql().parameters());
        assertTrue(has(l.warnings(), "postgresql.parameters.wal_level", "Patroni controls wal_level"));
    }

    @Test
    void postgresqlDetails() throws Exception {
        PostgresqlConfig pg = bind(minimalWith("postgresql: {listen: '10.0.0.1,127.0.0.1:5433', config_dir: /etc/pg,"
                + " bin_dir: '', use_pg_rewind: true, create_replica_methods: [basebackup],"
                + " wal_e: {command: x.sh}, callbacks: {on_start: /bin/cb, on_role_change: /bin/cb}, pg_ctl_timeout: 120,"
                + " authentication: {rewind: {username: rw, sslmode: verify-full, bogus: 1}}}")).postgresql();
        assertEquals("10.0.0.1,127.0.0.1", pg.listenAddresses());
        assertEquals(5433, pg.port());
        assertEquals("127.0.0.1", pg.localHost());
        assertEquals(Path.of("/etc/pg"), pg.configDir());
        assertEquals(Optional.empty(), pg.binDir());
        assertEquals(Optional.of(true), pg.usePgRewind());
        assertEquals(List.of("basebackup"), pg.createReplicaMethods());
        assertEquals(Optional.of(Map.of("command", "x.sh")), pg.methodSection("wal_e"));
        assertEquals(List.of("wal_e", "basebackup"), bind(minimalWith("postgresql: {create_replica_methods:"
                + " [wal_e, basebackup], wal_e: {command: x.sh}}")).postgresql().createReplicaMethods());
        assertEquals(Map.of("on_start", "/bin/cb", "on_role_change", "/bin/cb"), pg.callbacks());
        assertEquals(120, pg.pgCtlTimeout());
        assertEquals("rw", pg.rewind().username());
        assertEquals(Map.of("sslmode", "verify-full"), pg.rewind().libpqOptions());
        assertEquals("postgres", pg.superuser().username());
        assertTrue(has(errors(minimalWith("postgresql: {pg_ctl_timeout: 60s}")), "postgresql.pg_ctl_timeout", "plain number"));

        PostgresqlConfig v6 = bind(minimalWith("postgresql: {listen: '[::1]:5432', connect_address: '[fd00::1]:5432'}")).postgresql();
        assertEquals("::1", v6.listenAddresses());
        assertEquals("::1", v6.localHost());
        assertEquals("[fd00::1]:5432", v6.connectAddress().toString());
        assertEquals(new HostPort("fd00::1", 5432), v6.connectAddress());
    }

    @Test
    void secretsNeverAppearInMessagesOrToString() throws Exception {
        Map<String, Object> raw = minimalWith("restapi: {authentication: {username: a, password: [not, a, string]}}\n"
                + "etcd3: {password: etcd-secret, hosts: [1:30]}\nbogus: {password: bogus-secret}");
        List<ConfigProblem> all = ConfigValidator.validate(raw);
        String text = all.toString();
        assertFalse(text.contains("etcd-secret") || text.contains("bogus-secret") || text.contains("s3cret"), text);
        assertTrue(has(all, "etcd3.hosts.0", "is not a string"), text);
        PatroniConfig c = bind(minimalWith("etcd3: {password: etcd-secret}\nrestapi: {authentication: {username: a, password: rest-secret}}"));
        String s = c.toString() + c.dcs() + c.restapi() + c.postgresql();
        assertFalse(s.contains("etcd-secret") || s.contains("rest-secret") || s.contains("s3cret"), s);
        assertEquals(Optional.of("rest-secret"), c.restapi().authentication().orElseThrow().password());
    }
}
