package io.jpatroni.core.config;

import io.jpatroni.testing.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.jpatroni.api.dcs.DcsTiming;

/**
 * The four real-world patroni.yml files of the shared fixtures load, validate without errors and mean what
 * they mean to Patroni. Skipped where the shared fixtures are absent; {@link ExampleConfigsTest} always runs.
 */
class SeedConfigsTest {

    @BeforeAll
    static void sharedFixturesPresent() {
        Assumptions.assumeTrue(Fixtures.sharedRoot().isPresent(), "shared/fixtures not present: seed configs skipped");
    }

    private static ConfigLoader.Loaded load(String name) throws ConfigException {
        return ConfigLoader.loadWithWarnings(Optional.of(Fixtures.seedConfig(name)), Map.of());
    }

    private static List<ConfigProblem> validate(String name) throws ConfigException {
        return ConfigValidator.validate(ConfigLoader.loadRaw(Optional.of(Fixtures.seedConfig(name)), Map.of()));
    }

    private static boolean has(List<ConfigProblem> problems, String path, String reasonPart) {
        return problems.stream().anyMatch(p -> p.path().equals(path) && p.reason().contains(reasonPart));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker-zookeeper-sync.yml", "full-etcd-watchdog.yml", "ubuntu-etcd-sync.yml",
            "vagrant-etcd-pgbouncer.yml"})
    void everySeedLoadsAndValidatesWithoutErrors(String name) throws Exception {
        ConfigLoader.Loaded loaded = load(name);
        assertTrue(loaded.warnings().stream().noneMatch(ConfigProblem::isError));
        List<ConfigProblem> problems = validate(name);
        assertTrue(problems.stream().noneMatch(ConfigProblem::isError), () -> problems.toString());
        // no secret ever shows up in a problem or in toString()
        String everything = problems + " " + loaded.config();
        for (String secret : List.of("rep-pass", "postgres_password", "replicator_password", "admin_password",
                "mypassword", "otus")) {
            assertFalse(everything.contains(secret) && !name.startsWith("vagrant"), secret + " leaked: " + everything);
        }
        // the bootstrap.dcs of each seed is a valid dynamic configuration
        PatroniConfig c = loaded.config();
        DynamicConfig dyn = DynamicConfig.fromMap(c.bootstrap().orElseThrow().dcs(), new ArrayList<>());
        assertEquals(new DcsTiming(30, 10, 10), dyn.timing());
    }

    @Test
    void dockerZookeeperSync() throws Exception {
        ConfigLoader.Loaded loaded = load("docker-zookeeper-sync.yml");
        PatroniConfig c = loaded.config();
        assertEquals("postgresql0", c.name());
        assertEquals("my_cluster", c.scope());
        assertEquals("/service", c.namespace());
        assertEquals("zookeeper", c.dcs().name());
        assertEquals(List.of("zoo:2181"), c.dcs().hosts());
        assertEquals(new HostPort("pg-master", 8008), c.restapi().listen());
        assertEquals(new HostPort("pg-master", 8008), c.restapi().connectAddress());
        assertTrue(c.restapi().authentication().isEmpty());

        BootstrapConfig b = c.bootstrap().orElseThrow();
        assertEquals(true, b.dcs().get("synchronous_mode"));
        DynamicConfig dyn = DynamicConfig.fromMap(b.dcs(), new ArrayList<>());
        assertTrue(dyn.synchronousMode());
        assertEquals(10485760L, dyn.maximumLagOnFailover());
        assertEquals(Optional.of(true), dyn.usePgRewind());
        assertTrue(dyn.useSlots());
        assertEquals("on", dyn.postgresqlParameters().get("hot_standby")); // quoted "on" stays a string
        assertEquals("initdb", b.method());
        assertEquals(List.of(), b.initdbArgs());
        assertEquals(List.of("host replication replicator 0.0.0.0/0 md5", "host all all 0.0.0.0/0 md5"), b.pgHba());

        PostgresqlConfig pg = c.postgresql();
        assertEquals("0.0.0.0", pg.listenAddresses());
        assertEquals(5432, pg.port());
        assertEquals("127.0.0.1", pg.localHost());
        assertEquals(new HostPort("pg-master", 5432), pg.connectAddress());
        assertEquals(Path.of("/var/lib/postgresql/data/postgresql0"), pg.dataDir());
        assertEquals(pg.dataDir(), pg.configDir());
        assertEquals(Optional.of(Path.of("/usr/lib/postgresql/15/bin")), pg.binDir());
        assertEquals(Path.of("/tmp/pgpass0"), pg.pgpass());
        assertTrue(pg.removeDataDirectoryOnRewindFailure());
        assertFalse(pg.removeDataDirectoryOnDivergedTimelines());
        assertEquals("postgres", pg.superuser().username());
        assertEquals(Optional.of("postgres"), pg.superuser().password());
        assertEquals("replicator", pg.replication().username());
        assertEquals(Optional.of("rep-pass"), pg.replication().password());
        assertEquals(pg.superuser(), pg.rewind());
        // wal_keep_segments is Patroni-controlled: dropped from the local parameters
        assertEquals(Map.of("unix_socket_directories", ".", "max_wal_size", "1GB"), pg.parameters());
        assertEquals(List.of("basebackup"), pg.createReplicaMethods());
        assertEquals(60, pg.pgCtlTimeout());
        assertEquals("postgres", pg.database());

        assertEquals(WatchdogConfig.Mode.OFF, c.watchdog().mode()); // "mode: off" is YAML false
        Tags t = c.tags();
        assertFalse(t.nofailover());
        assertTrue(t.allowsFailover());
        assertFalse(t.noloadbalance() || t.clonefrom() || t.nosync());
        assertEquals(Map.of(), t.published()); // false predefined tags are not published

        List<ConfigProblem> w = loaded.warnings();
        assertTrue(has(w, "recovery_conf", "unknown key"), w::toString);
        assertTrue(has(w, "postgresql.parameters.wal_keep_segments", "ignored: Patroni controls wal_keep_segments"), w::toString);
        assertEquals("postgresql.parameters.wal_keep_segments 64 ignored: Patroni controls wal_keep_segments; set it in"
                        + " bootstrap.dcs (new cluster) or with patronictl edit-config",
                w.stream().filter(p -> p.path().equals("postgresql.parameters.wal_keep_segments")).findFirst()
                        .orElseThrow().toString());
    }

    @Test
    void fullEtcdWatchdog() throws Exception {
        ConfigLoader.Loaded loaded = load("full-etcd-watchdog.yml");
        PatroniConfig c = loaded.config();
        assertEquals("node1", c.name());
        assertEquals("postgres-cluster", c.scope());
        assertEquals("/service/", c.namespace());
        assertEquals("etcd", c.dcs().name());
        assertEquals(List.of("192.168.1.1:2379", "192.168.1.2:2379", "192.168.1.3:2379"), c.dcs().hosts());
        assertEquals("/service/postgres-cluster/", c.dcsSettings(DcsTiming.DEFAULT).basePath());

        BootstrapConfig b = c.bootstrap().orElseThrow();
        assertEquals(List.of("--encoding=UTF8", "--data-checksums", "--locale=en_US.UTF-8"), b.initdbArgs());
        assertEquals(2, b.users().size());
        assertEquals("admin", b.users().get(0).name());
        assertEquals(List.of("createrole", "createdb"), b.users().get(0).options());
        assertEquals(Optional.of("admin_password"), b.users().get(0).password());
        assertFalse(b.users().toString().contains("admin_password"));
        DynamicConfig dyn = DynamicConfig.fromMap(b.dcs(), new ArrayList<>());
        assertEquals(true, dyn.postgresqlParameters().get("hot_standby")); // unquoted on = true
        assertEquals("1GB", dyn.postgresqlParameters().get("wal_keep_size"));
        assertFalse(dyn.synchronousMode());

        PostgresqlConfig pg = c.postgresql();
        assertEquals(Path.of("/var/lib/postgresql/.pgpass"), pg.pgpass());
        assertEquals("postgres", pg.rewind().username());
        assertEquals(200, ((Map<?, ?>) pg.raw().get("parameters")).get("max_connections"));
        assertFalse(pg.parameters().containsKey("max_connections")); // Patroni-controlled
        assertEquals(true, pg.parameters().get("logging_collector"));
        assertEquals(0.9, pg.parameters().get("checkpoint_completion_target"));

        assertEquals(new WatchdogConfig(WatchdogConfig.Mode.AUTOMATIC, "/dev/watchdog", 5), c.watchdog());
        assertTrue(c.tags().allowsFailover());

        List<ConfigProblem> w = loaded.warnings();
        assertTrue(has(w, "bootstrap.users", "deprecated"), w::toString);
        assertTrue(has(w, "postgresql.parameters.max_connections", "ignored"), w::toString);
        assertFalse(has(w, "recovery_conf", "unknown"));
    }

    @Test
    void ubuntuEtcdSync() throws Exception {
        ConfigLoader.Loaded loaded = load("ubuntu-etcd-sync.yml");
        PatroniConfig c = loaded.config();
        assertEquals("pp_pg_1", c.name());
        assertEquals("etcd", c.dcs().name());
        assertEquals(3, c.dcs().hosts().size());
        assertEquals("WARNING", c.log().level());
        assertEquals(Optional.of(Path.of("/var/log/postgresql")), c.log().dir());
        assertEquals(4, c.log().fileNum());
        assertEquals(25_000_000L, c.log().fileSize());
        assertEquals(Map.of("postgres.postmaster", "WARNING", "urllib3", "DEBUG"), c.log().loggers());
        DynamicConfig dyn = DynamicConfig.fromMap(c.bootstrap().orElseThrow().dcs(), new ArrayList<>());
        assertTrue(dyn.synchronousMode());
        assertFalse(dyn.synchronousModeStrict());
        assertEquals(0L, dyn.maximumLagOnFailover());
        assertEquals(false, dyn.postgresqlParameters().get("track_commit_timestamp"));
        assertEquals(List.of("--encoding=UTF8", "--data-checksums"), c.bootstrap().orElseThrow().initdbArgs());
        PostgresqlConfig pg = c.postgresql();
        assertEquals(Map.of(), pg.parameters());
        assertEquals(List.of("local all all trust", "host all postgres all md5", "host replication repl all md5"), pg.pgHba());
        assertTrue(has(loaded.warnings(), "postgresql.parameters", "empty"), loaded.warnings()::toString);
        assertTrue(has(loaded.warnings(), "bootstrap.users", "deprecated"));
    }

    @Test
    void vagrantEtcdPgbouncer() throws Exception {
        ConfigLoader.Loaded loaded = load("vagrant-etcd-pgbouncer.yml");
        PatroniConfig c = loaded.config();
        assertEquals("etcd", c.dcs().name());
        assertEquals(List.of("localhost:2379"), c.dcs().hosts());
        assertEquals("http", c.dcs().options().get("protocol"));
        // "retry_timeout : 10" (space before the colon) is still the key retry_timeout
        assertEquals(10, c.bootstrap().orElseThrow().dcs().get("retry_timeout"));
        assertEquals(Optional.of(Path.of("/usr/pgsql-12/bin")), c.postgresql().binDir());
        assertEquals(Path.of(System.getProperty("user.home"), "pgpass"), c.postgresql().pgpass());
        assertEquals(WatchdogConfig.DEFAULT, c.watchdog());
        assertEquals(Tags.NONE, c.tags());
        assertEquals(LogConfig.DEFAULT, c.log());
    }
}
