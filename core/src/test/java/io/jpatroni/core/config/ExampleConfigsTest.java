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
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.jpatroni.api.dcs.DcsTiming;

/**
 * The project's own example patroni.yml files (distribution/src/conf/examples, shipped as conf/examples)
 * load and validate as {@code jpatroni --validate-config} would (paths that do not exist here aside), with
 * no warning at all, and bind to what their comments say.
 */
class ExampleConfigsTest {

    private static final List<String> SECRETS =
            List.of("change-me-superuser", "change-me-replicator", "change-me-rewind");

    static Stream<String> examples() {
        return Fixtures.examples(".yml").stream().map(p -> p.getFileName().toString());
    }

    private static ConfigLoader.Loaded load(String name) throws ConfigException {
        return ConfigLoader.loadWithWarnings(Optional.of(Fixtures.example(name)), Map.of());
    }

    @Test
    void theExamplesAreTheOnesTestedHere() {
        assertEquals(List.of("patroni-etcd.yml", "patroni-zookeeper-sync.yml"), examples().toList());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleLoadsAndValidatesWithoutAnyProblem(String name) throws Exception {
        ConfigLoader.Loaded loaded = load(name);
        assertEquals(List.of(), loaded.warnings());
        List<ConfigProblem> problems =
                ConfigValidator.validate(ConfigLoader.loadRaw(Optional.of(Fixtures.example(name)), Map.of()));
        assertEquals(List.of(), problems);
        String shown = loaded.config().toString();
        SECRETS.forEach(secret -> assertFalse(shown.contains(secret), secret + " leaked: " + shown));
        DynamicConfig dyn = DynamicConfig.fromMap(loaded.config().bootstrap().orElseThrow().dcs(), new ArrayList<>());
        assertEquals(new DcsTiming(30, 10, 10), dyn.timing());
        assertEquals(Optional.of(true), dyn.usePgRewind());
        assertTrue(dyn.useSlots());
        assertEquals(List.of("--encoding=UTF8", "--data-checksums"), loaded.config().bootstrap().orElseThrow().initdbArgs());
    }

    @Test
    void etcd() throws Exception {
        PatroniConfig c = load("patroni-etcd.yml").config();
        assertEquals("pg-a", c.name());
        assertEquals("batman", c.scope());
        assertEquals("etcd3", c.dcs().name());
        assertEquals(List.of("10.0.0.21:2379", "10.0.0.22:2379", "10.0.0.23:2379"), c.dcs().hosts());
        assertEquals("/service/batman/", c.dcsSettings(DcsTiming.DEFAULT).basePath());
        assertEquals(new HostPort("0.0.0.0", 8008), c.restapi().listen());
        assertEquals(new HostPort("10.0.0.11", 8008), c.restapi().connectAddress());

        BootstrapConfig b = c.bootstrap().orElseThrow();
        assertEquals("initdb", b.method());
        assertEquals(List.of("host all all 127.0.0.1/32 scram-sha-256",
                "host replication replicator 127.0.0.1/32 scram-sha-256",
                "host replication replicator 10.0.0.0/24 scram-sha-256",
                "host all all 10.0.0.0/24 scram-sha-256"), b.pgHba());
        DynamicConfig dyn = DynamicConfig.fromMap(b.dcs(), new ArrayList<>());
        assertFalse(dyn.synchronousMode());
        assertEquals(1048576L, dyn.maximumLagOnFailover());
        assertEquals("on", dyn.postgresqlParameters().get("wal_log_hints"));
        assertEquals("512MB", dyn.postgresqlParameters().get("wal_keep_size"));

        PostgresqlConfig pg = c.postgresql();
        assertEquals(new HostPort("10.0.0.11", 5432), pg.connectAddress());
        assertEquals(Path.of("/var/lib/postgresql/15/main"), pg.dataDir());
        assertEquals(Optional.of(Path.of("/usr/lib/postgresql/15/bin")), pg.binDir());
        assertEquals("postgres", pg.superuser().username());
        assertEquals(Optional.of("change-me-superuser"), pg.superuser().password());
        assertEquals("replicator", pg.replication().username());
        assertEquals(Optional.of("change-me-replicator"), pg.replication().password());
        assertEquals("rewind_user", pg.rewind().username()); // its own role, not the superuser
        assertEquals(Optional.of("change-me-rewind"), pg.rewind().password());
        assertEquals(Map.of("unix_socket_directories", "/var/run/postgresql", "shared_buffers", "256MB",
                "max_wal_size", "2GB"), pg.parameters());
        assertEquals(List.of(), pg.pgHba()); // bootstrap.pg_hba is appended to initdb's file instead

        assertEquals(WatchdogConfig.DEFAULT, c.watchdog());
        assertTrue(c.tags().allowsFailover());
    }

    @Test
    void zookeeperSync() throws Exception {
        PatroniConfig c = load("patroni-zookeeper-sync.yml").config();
        assertEquals("orders-1", c.name());
        assertEquals("orders", c.scope());
        assertEquals("zookeeper", c.dcs().name());
        assertEquals(List.of("zk-1.example.net:2181", "zk-2.example.net:2181", "zk-3.example.net:2181"),
                c.dcs().hosts());
        assertEquals(new HostPort("orders-1.example.net", 8008), c.restapi().connectAddress());

        DynamicConfig dyn = DynamicConfig.fromMap(c.bootstrap().orElseThrow().dcs(), new ArrayList<>());
        assertTrue(dyn.synchronousMode());
        assertFalse(dyn.synchronousModeStrict());
        assertEquals(1048576L, dyn.maximumLagOnFailover());
        assertEquals("on", dyn.postgresqlParameters().get("archive_mode"));
        assertEquals(60, dyn.postgresqlParameters().get("archive_timeout"));

        PostgresqlConfig pg = c.postgresql();
        assertEquals(pg.superuser(), pg.rewind()); // no rewind section: pg_rewind runs as the superuser
        assertEquals(Map.of("unix_socket_directories", "/var/run/postgresql"), pg.parameters());

        assertEquals(WatchdogConfig.Mode.OFF, c.watchdog().mode());
        assertTrue(c.tags().clonefrom());
        assertFalse(c.tags().nofailover() || c.tags().noloadbalance() || c.tags().nosync());
        assertEquals(Map.of("clonefrom", true), c.tags().published());
    }
}
