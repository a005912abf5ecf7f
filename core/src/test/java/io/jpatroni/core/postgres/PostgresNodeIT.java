package io.jpatroni.core.postgres;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real PostgreSQL 15: bootstrap, clone, streaming, promotion, crash, rewind, and the stop modes. */
class PostgresNodeIT {
    private static final Path BIN = Path.of(System.getProperty("jpatroni.pgbin", "/usr/lib/postgresql/15/bin"));
    private static final String SUPERUSER_PASSWORD = "su'per:se\\cret";
    private static final PgCredentials SUPERUSER = PgCredentials.of("postgres", SUPERUSER_PASSWORD);
    private static final PgCredentials REPLICATION = PgCredentials.of("replicator", "rep-secret");
    private static final PgCredentials REWIND = PgCredentials.of("rewinder", "rw-secret");
    private static final List<String> HBA = List.of(
            "local all all trust",
            "host all all 127.0.0.1/32 scram-sha-256",
            "host replication all 127.0.0.1/32 scram-sha-256");

    private static Path root;
    private static final List<PostgresNode> nodes = new ArrayList<>();

    @BeforeAll
    static void setUp() throws IOException {
        root = Files.createTempDirectory("jpatroni-pg-it");
    }

    @AfterAll
    static void tearDown() throws IOException {
        for (PostgresNode n : nodes) {
            try {
                n.stop(StopMode.IMMEDIATE, Optional.of(Duration.ofSeconds(5)), () -> { });
            } catch (Exception e) {
                n.postmasterPid().flatMap(ProcessHandle::of).ifPresent(Postmaster::killTree);
            }
            n.close();
        }
        if (root != null) {
            try (Stream<Path> s = Files.walk(root)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static PostgresNode node(String name) throws IOException {
        return node(name, 30);
    }

    private static PostgresNode node(String name, int maxConnections) throws IOException {
        Path home = Files.createDirectories(root.resolve(name));
        Map<String, Object> dynamic = new LinkedHashMap<>();
        dynamic.put("max_connections", maxConnections);
        dynamic.put("wal_keep_segments", 4);
        Map<String, Object> local = new LinkedHashMap<>();
        local.put("unix_socket_directories", home.toString());
        local.put("shared_buffers", "16MB");
        local.put("fsync", "off");
        local.put("max_connections", 500); // dropped: controlled parameters come only from dynamic config
        PostgresSettings s = new PostgresSettings(home.resolve("data"), home.resolve("data"), Optional.of(BIN),
                "127.0.0.1", freePort(), "127.0.0.1", "itscope", name, SUPERUSER, REPLICATION, REWIND,
                home.resolve("pgpass"), dynamic, local, HBA, List.of(), "postgres", Duration.ofSeconds(30),
                Map.of(), List.of(), true);
        PostgresNode n = new PostgresNode(s, Clock.systemUTC());
        nodes.add(n);
        return n;
    }

    private static Upstream upstream(PostgresNode n) {
        return Upstream.fromConnUrl(n.settings().memberName(), "postgres://127.0.0.1:" + n.settings().port() + "/postgres");
    }

    private static Connection sql(PostgresNode n) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + n.settings().port() + "/postgres",
                SUPERUSER.username(), SUPERUSER_PASSWORD);
    }

    private static void exec(PostgresNode n, String statement) throws SQLException {
        try (Connection c = sql(n); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private static String one(PostgresNode n, String query) throws SQLException {
        try (Connection c = sql(n); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static boolean rowVisible(PostgresNode n, int id) {
        try {
            return "1".equals(one(n, "SELECT count(*) FROM t WHERE id = " + id));
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * A frozen server (SIGSTOP: a stuck disk, a paused VM) must not hold the loop: its query fails
     * after the socket timeout derived from retry_timeout, and fencing from outside the loop stops it
     * even though it does not react to signals, by SIGKILL in the end.
     */
    @Test
    @Timeout(120)
    void aFrozenServerFailsTheLoopsQueryQuicklyAndIsFencedAnyway() throws Exception {
        PostgresNode n = node("frozen");
        n.initdb(List.of("--encoding=UTF8"));
        assertTrue(n.start(Optional.empty(), false, Duration.ofSeconds(30)));
        n.setRetryTimeout(3);
        assertEquals(1, n.loopSocketTimeoutSeconds());
        n.query();
        ProcessHandle postmaster = ProcessHandle.of(n.postmasterPid().orElseThrow()).orElseThrow();
        List<ProcessHandle> tree = new ArrayList<>(postmaster.descendants().toList());
        tree.add(postmaster);
        for (ProcessHandle p : tree) {
            new ProcessBuilder("kill", "-STOP", Long.toString(p.pid())).start().waitFor();
        }
        try {
            long started = System.nanoTime();
            try {
                n.query();
                throw new AssertionError("a frozen server answered");
            } catch (PostgresException expected) {
                // the point: it failed, and quickly
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("monitoring query on a frozen server failed after %.1f s (retry_timeout 3 s)%n", seconds);
            assertTrue(seconds < 8, "took " + seconds + " s: socketTimeout 30 s would hold the loop past its lease");

            started = System.nanoTime();
            assertTrue(n.fence(Duration.ofSeconds(1)), "a stopped postmaster is killed in the end");
            System.out.printf("fenced a frozen postmaster in %.1f s%n", (System.nanoTime() - started) / 1e9);
            assertFalse(postmaster.isAlive());
            assertFalse(n.isRunning());
        } finally {
            for (ProcessHandle p : tree) {
                new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
            }
        }
        assertTrue(n.start(Optional.empty(), false, Duration.ofSeconds(60)), "crash recovery after the kill");
        assertTrue(n.fence(Duration.ofSeconds(5)), "a responsive server stops with the fast shutdown");
        assertFalse(n.isRunning());
    }

    @Test
    @Timeout(120)
    void bootstrapCloneStreamPromoteCrashAndRewind() throws Exception {
        PostgresNode n1 = node("n1");
        PostgresNode n2 = node("n2", 25); // lower than the primary: started with pg_control's value
        assertTrue(n1.dataDirectoryEmpty());
        assertTrue(n1.controlData().isEmpty());
        assertEquals(15, n1.majorVersion());

        // bootstrap with the fixture's initdb options
        n1.initdb(List.of("--encoding=UTF8", "--data-checksums"));
        assertFalse(n1.dataDirectoryEmpty());
        ControlData cd = n1.controlData().orElseThrow();
        assertEquals(ControlData.SHUT_DOWN, cd.clusterState());
        assertEquals(1, cd.dataChecksumVersion());
        assertTrue(n1.canRewind());
        assertFalse(n1.isRunning());

        assertTrue(n1.start(Optional.empty(), false, Duration.ofSeconds(30)));
        assertTrue(n1.isRunning());
        long pid = n1.postmasterPid().orElseThrow();
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(Long.toString(pid), fields[3], "postmaster leads its own session"); // state ppid pgrp session
        assertTrue(Files.exists(n1.startupLog()));
        assertTrue(Files.exists(n1.settings().dataDir().resolve(ConfigFiles.BASE_CONF)));
        LocalState primary = n1.query();
        assertFalse(primary.inRecovery());
        assertEquals(1, primary.timeline());
        assertTrue(primary.walPosition() > 0);
        assertTrue(primary.serverVersion() >= 150000);
        assertTrue(primary.postmasterStartTime().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}[+-]\\d\\d:\\d\\d"),
                primary.postmasterStartTime());
        assertEquals("30", one(n1, "SHOW max_connections"));
        assertEquals("64MB", one(n1, "SHOW wal_keep_size"));
        assertEquals("itscope", one(n1, "SHOW cluster_name"));

        // post-bootstrap roles, 3.0.2 bootstrap.users included
        n1.createRoles(List.of(
                new BootstrapRole("app", Optional.of("app-pw"), List.of("createdb", "createrole")),
                new BootstrapRole("reader", Optional.empty(), List.of("NOLOGIN")),
                new BootstrapRole("replicator", Optional.of("ignored"), List.of("superuser"))));
        assertEquals("t", one(n1, "SELECT rolreplication AND rolcanlogin AND NOT rolsuper FROM pg_roles WHERE rolname = 'replicator'"));
        assertEquals("t", one(n1, "SELECT rolcreatedb AND rolcreaterole AND rolcanlogin FROM pg_roles WHERE rolname = 'app'"));
        assertEquals("f", one(n1, "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'reader'"));
        assertEquals("t", one(n1, "SELECT has_function_privilege('rewinder', "
                + "'pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)', 'execute')"));
        assertEquals("none", one(n1, "SELECT reset_val FROM pg_settings WHERE name = 'log_statement'"));

        exec(n1, "CREATE TABLE t (id int PRIMARY KEY)");
        exec(n1, "SELECT pg_create_physical_replication_slot('n2')");

        // clone and stream
        assertTrue(n2.basebackup(upstream(n1), List.of("--checkpoint=fast")));
        assertTrue(n2.start(Optional.of(upstream(n1)), true, Duration.ofSeconds(30)));
        assertTrue(Files.exists(n2.settings().dataDir().resolve("standby.signal")));
        await("n2 streaming", Duration.ofSeconds(20), () -> {
            try {
                return n2.query().replicationState().equals(Optional.of("streaming"));
            } catch (PostgresException e) {
                return false;
            }
        });
        assertEquals("30", one(n2, "SHOW max_connections"));
        LocalState replica = n2.query();
        assertTrue(replica.inRecovery());
        assertEquals(1, replica.timeline());
        assertEquals(1, replica.receivedTimeline());
        exec(n1, "INSERT INTO t VALUES (1)");
        await("row 1 on n2", Duration.ofSeconds(20), () -> rowVisible(n2, 1));
        await("n2 in pg_stat_replication", Duration.ofSeconds(10), () -> {
            try {
                return n1.query().replication().stream().anyMatch(r -> r.applicationName().equals("n2")
                        && r.state().equals("streaming") && r.usename().equals("replicator") && r.flushLsn() > 0);
            } catch (PostgresException e) {
                return false;
            }
        });
        assertEquals("t", one(n1, "SELECT active FROM pg_replication_slots WHERE slot_name = 'n2'"));

        // promote the standby
        assertTrue(n2.promote(Duration.ofSeconds(30)));
        LocalState promoted = n2.query();
        assertFalse(promoted.inRecovery());
        assertEquals(2, promoted.timeline());
        assertFalse(Files.exists(n2.settings().dataDir().resolve("standby.signal")));
        n2.checkpoint();

        // the old primary diverges, then crashes
        exec(n1, "INSERT INTO t VALUES (100)");
        AtomicInteger safepoints = new AtomicInteger();
        assertTrue(n1.stop(StopMode.IMMEDIATE, Optional.of(Duration.ofSeconds(10)), safepoints::incrementAndGet));
        assertEquals(1, safepoints.get());
        assertFalse(n1.isRunning());
        assertEquals(ControlData.IN_PRODUCTION, n1.controlData().orElseThrow().clusterState());

        Optional<Boolean> need = n1.rewindNeeded(upstream(n2));
        if (need.isEmpty()) {
            n1.crashRecoverySingleUser();
            assertEquals(ControlData.SHUT_DOWN, n1.controlData().orElseThrow().clusterState());
            need = n1.rewindNeeded(upstream(n2));
        }
        assertEquals(Optional.of(true), need);
        assertTrue(n1.rewind(upstream(n2)));

        // the old primary follows the new one
        exec(n2, "SELECT pg_create_physical_replication_slot('n1')");
        exec(n2, "INSERT INTO t VALUES (2)");
        assertTrue(n1.start(Optional.of(upstream(n2)), true, Duration.ofSeconds(30)));
        exec(n2, "INSERT INTO t VALUES (3)");
        await("row 3 on n1", Duration.ofSeconds(20), () -> rowVisible(n1, 3));
        assertTrue(rowVisible(n1, 2));
        assertFalse(rowVisible(n1, 100));
        LocalState follower = n1.query();
        assertTrue(follower.inRecovery());
        assertEquals(2, follower.timeline());
        assertEquals(Optional.of("streaming"), follower.replicationState());
        assertEquals(Optional.of(false), n1.rewindNeeded(upstream(n2)));

        // clean switchover back: a former primary stopped cleanly before the promotion needs no rewind
        assertTrue(n2.stop(StopMode.FAST, Optional.of(Duration.ofSeconds(30)), () -> { }));
        assertEquals(ControlData.SHUT_DOWN, n2.controlData().orElseThrow().clusterState());
        assertTrue(n1.promote(Duration.ofSeconds(30)));
        assertEquals(3, n1.query().timeline());
        n1.checkpoint();
        assertEquals(Optional.of(false), n2.rewindNeeded(upstream(n1)));
        exec(n1, "SELECT pg_create_physical_replication_slot('n2')");
        assertTrue(n2.start(Optional.of(upstream(n1)), true, Duration.ofSeconds(30)));
        exec(n1, "INSERT INTO t VALUES (4)");
        await("row 4 on n2", Duration.ofSeconds(20), () -> rowVisible(n2, 4));
        assertEquals(3, n2.query().timeline());
    }

    /**
     * The first start after a custom bootstrap with recovery_conf (ha-loop.md §3.3): recovery.signal and the
     * settings as given, so the restored data replays and promotes itself onto a new timeline; afterwards the
     * settings are rewritten away. before_stop runs before the stop signal, given a bound.
     */
    @Test
    @Timeout(90)
    void recoveryAfterCustomBootstrapAndBeforeStop() throws Exception {
        PostgresNode n = node("n4");
        n.initdb(List.of("--encoding=UTF8"));
        assertTrue(n.start(Optional.empty(), false, Duration.ofSeconds(30)));
        exec(n, "CREATE TABLE t (id int primary key)");
        exec(n, "INSERT INTO t VALUES (1)");
        List<Duration> bounds = new ArrayList<>();
        List<Boolean> runningWhenCalled = new ArrayList<>();
        n.setBeforeStop(bound -> {
            bounds.add(bound);
            runningWhenCalled.add(n.isRunning());
        });
        assertTrue(n.stop(StopMode.FAST, Optional.of(Duration.ofSeconds(20)), () -> { }));
        assertEquals(List.of(Duration.ofSeconds(10)), bounds, "half the stop timeout");
        assertEquals(List.of(true), runningWhenCalled, "before the stop signal");
        n.setBeforeStop(bound -> { });

        Map<String, Object> recovery = new LinkedHashMap<>();
        recovery.put("restore_command", "false");
        recovery.put("recovery_target_action", "promote");
        assertTrue(n.startRecovering(recovery, Duration.ofSeconds(30)));
        String conf = Files.readString(n.settings().dataDir().resolve("postgresql.conf"));
        assertTrue(conf.contains("restore_command = 'false'"), conf);
        await("recovery ended", Duration.ofSeconds(30), () -> {
            try {
                return "f".equals(one(n, "SELECT pg_is_in_recovery()"));
            } catch (SQLException e) {
                return false;
            }
        });
        assertEquals("00000002", one(n, "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)"),
                "promoted onto a new timeline at the end of recovery");
        assertTrue(rowVisible(n, 1));
        assertFalse(Files.exists(n.settings().dataDir().resolve("recovery.signal")));
        n.reload(Optional.empty(), false);
        String after = Files.readString(n.settings().dataDir().resolve("postgresql.conf"));
        assertFalse(after.contains("restore_command"), after);
        assertTrue(n.stop(StopMode.FAST, Optional.of(Duration.ofSeconds(30)), () -> { }));
    }

    private static String postgresLog(PostgresNode n) {
        try (var files = Files.list(n.settings().dataDir().getParent())) {
            StringBuilder out = new StringBuilder();
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                out.append(Files.readString(f));
            }
            return out.toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * keep_existing_recovery_conf (ha-loop.md §3.3): what a restore tool wrote (pgBackRest writes restore_command
     * into postgresql.auto.conf, with recovery.signal) must survive the first start, or PostgreSQL 12+ starts in
     * recovery with nothing to replay from.
     */
    @Test
    @Timeout(90)
    void keepExistingRecoveryConfLeavesTheToolsSettingsAlone() throws Exception {
        PostgresNode n = node("n5");
        n.initdb(List.of("--encoding=UTF8"));
        assertTrue(n.start(Optional.empty(), false, Duration.ofSeconds(30)));
        assertTrue(n.stop(StopMode.FAST, Optional.of(Duration.ofSeconds(30)), () -> { }));
        Path dataDir = n.settings().dataDir();
        Files.writeString(dataDir.resolve("postgresql.auto.conf"),
                "restore_command = 'false'\nrecovery_target_action = 'promote'\n", StandardOpenOption.APPEND);
        Files.writeString(dataDir.resolve("recovery.signal"), "");
        assertTrue(n.startKeepingRecovery(Duration.ofSeconds(30)), () -> postgresLog(n));
        assertEquals("false", one(n, "SHOW restore_command"), "the tool's restore_command is in force");
        assertTrue(Files.readString(dataDir.resolve("postgresql.auto.conf")).contains("restore_command = 'false'"));
        assertTrue(n.stop(StopMode.FAST, Optional.of(Duration.ofSeconds(30)), () -> { }));
    }

    @Test
    @Timeout(90)
    void stopModes() throws Exception {
        PostgresNode n = node("n3");
        n.initdb(List.of("--encoding=UTF8"));
        AtomicInteger safepoints = new AtomicInteger();

        // not running: nothing to do
        assertTrue(n.stop(StopMode.FAST, Optional.empty(), safepoints::incrementAndGet));
        assertEquals(1, safepoints.get());

        // smart waits for clients: the timeout escalates to immediate
        assertTrue(n.start(Optional.empty(), false, Duration.ofSeconds(30)));
        try (Connection client = sql(n)) {
            Instant t0 = Instant.now();
            assertTrue(n.stop(StopMode.SMART, Optional.of(Duration.ofSeconds(2)), safepoints::incrementAndGet));
            assertTrue(Duration.between(t0, Instant.now()).toMillis() >= 1900);
            assertEquals(2, safepoints.get());
            assertFalse(n.isRunning());
        }
        assertEquals(ControlData.IN_PRODUCTION, n.controlData().orElseThrow().clusterState());

        // fast disconnects clients and shuts down cleanly (after crash recovery on start)
        assertTrue(n.start(Optional.empty(), false, Duration.ofSeconds(30)));
        try (Connection client = sql(n)) {
            assertTrue(n.stop(StopMode.FAST, Optional.of(Duration.ofSeconds(30)), safepoints::incrementAndGet));
            assertEquals(3, safepoints.get());
        }
        assertEquals(ControlData.SHUT_DOWN, n.controlData().orElseThrow().clusterState());

        // immediate leaves an unclean state that single-user crash recovery cleans up
        assertTrue(n.start(Optional.empty(), false, Duration.ofSeconds(30)));
        exec(n, "CREATE TABLE crash_me (id int)");
        assertTrue(n.stop(StopMode.IMMEDIATE, Optional.empty(), safepoints::incrementAndGet));
        assertEquals(ControlData.IN_PRODUCTION, n.controlData().orElseThrow().clusterState());
        n.crashRecoverySingleUser();
        assertEquals(ControlData.SHUT_DOWN, n.controlData().orElseThrow().clusterState());

        // a standby without upstream starts in recovery with no primary_conninfo
        assertTrue(n.start(Optional.empty(), true, Duration.ofSeconds(30)));
        LocalState st = n.query();
        assertTrue(st.inRecovery());
        assertEquals(Optional.empty(), st.replicationState());
        assertEquals("", one(n, "SHOW primary_conninfo"));
        assertEquals("1", one(n, "SELECT count(*) FROM pg_class WHERE relname = 'crash_me'"));
        assertTrue(n.stop(StopMode.FAST, Optional.of(Duration.ofSeconds(30)), () -> { }));

        n.removeDataDirectory();
        assertTrue(n.dataDirectoryEmpty());
    }
}
