package io.jpatroni.core.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Control of one local PostgreSQL instance: initdb, start/stop/promote, the monitoring query, role creation,
 * pg_basebackup, pg_rewind and single-user crash recovery. Blocking; the HA loop calls it from its own threads.
 */
public final class PostgresNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresNode.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration ESCALATION_GRACE = Duration.ofSeconds(5);
    /** Tools the loop runs in line (pg_controldata, pg_ctl reload/promote, pg_isready): never longer than this. */
    private static final Duration SHORT_TOOL_TIMEOUT = Duration.ofSeconds(5);
    /** REST health checks read through their own connection: a stuck server answers 503, not a hung request. */
    private static final int STATUS_SOCKET_TIMEOUT_SECONDS = 3;
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)(?:\\.(\\d+))?");
    private static final Pattern WALDUMP_LSN = Pattern.compile("lsn: ([0-9A-Fa-f]+/[0-9A-Fa-f]+)");
    private static final Pattern WALDUMP_END = Pattern.compile("invalid record length at ([0-9A-Fa-f]+/[0-9A-Fa-f]+)");
    private static final Pattern PROGRESS = Pattern.compile("^\\s*\\d+/\\d+ kB .*");
    private static final Set<String> FORBIDDEN_INITDB = Set.of("pgdata", "nosync", "pwfile", "sync-only", "version");
    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile PostgresSettings settings;
    private final Clock clock;
    private final LongSupplier nanos;
    private volatile ConfigFiles files;
    private final LocalConnection loopConnection;
    private final LocalConnection statusConnection;
    /** CHECKPOINT and role creation run on the async runner and may take long: never on the loop's connection. */
    private final LocalConnection maintenanceConnection;
    /**
     * socketTimeout of the loop's connection, strictly below retry_timeout (timing.md §2: queries retry for
     * retry_timeout/2): a frozen server or network fails the query instead of holding the loop past its lease.
     */
    private volatile int loopSocketTimeoutSeconds = 5;
    private volatile Integer majorVersion;
    private volatile Boolean rewindBinaryWorks;
    private volatile RecoveryTarget lastTarget;
    private volatile Map<String, Object> dynamicParameters;
    /** postgresql.before_stop, given the longest it may take; runs right before the stop signal (ha-loop.md §22.8). */
    private volatile java.util.function.Consumer<Duration> beforeStop = bound -> { };
    /** synchronous_standby_names while synchronous mode manages it; null = the user's value. */
    private volatile ManagedValue managedStandbyNames;

    /** A parameter value the daemon owns; {@code value} empty = leave the parameter out. */
    private record ManagedValue(Optional<String> value) {
    }

    public PostgresNode(PostgresSettings settings, Clock clock) {
        this(settings, clock, System::nanoTime);
    }

    /** @param nanos monotonic clock for start/stop/promote deadlines (a wall-clock step must not cut or stretch them) */
    public PostgresNode(PostgresSettings settings, Clock clock, LongSupplier nanos) {
        this.settings = settings;
        this.clock = clock;
        this.nanos = nanos;
        this.files = new ConfigFiles(settings);
        this.loopConnection = new LocalConnection(() -> connect(settings.localHost(), settings.port(),
                settings.database(), credentials(settings.superuser(), loopSocketTimeoutSeconds)));
        this.statusConnection = new LocalConnection(() -> connect(settings.localHost(), settings.port(),
                settings.database(), credentials(settings.superuser(), STATUS_SOCKET_TIMEOUT_SECONDS)));
        this.maintenanceConnection = new LocalConnection(() -> connect(settings.localHost(), settings.port(),
                settings.database(), credentials(settings.superuser(), 0)));
        this.dynamicParameters = settings.dynamicParameters();
    }

    /**
     * patroni.yml was re-read (SIGHUP): local parameters, pg_hba, pg_ident, credentials and the like
     * apply from the next reload or start. The data directory and ports are not reloadable.
     */
    public void updateSettings(PostgresSettings next) {
        if (!next.dataDir().equals(settings.dataDir()) || next.port() != settings.port()) {
            log.warn("postgresql.data_dir and the listen port are not reloadable: restart jpatroni to change them");
            return;
        }
        this.settings = next;
        this.files = new ConfigFiles(next);
    }

    /** The dynamic configuration's parameters in force; used from the next start or reload. */
    public void setDynamicParameters(Map<String, Object> parameters) {
        this.dynamicParameters = parameters == null ? Map.of() : parameters;
    }

    public PostgresSettings settings() {
        return settings;
    }

    /**
     * retry_timeout changed (dynamic configuration): the loop's connection times out reads after
     * max(1, retry_timeout/2) s, strictly below retry_timeout; applied from the next connection.
     */
    public void setRetryTimeout(long retryTimeoutSeconds) {
        int next = socketTimeoutFor(retryTimeoutSeconds);
        if (next != loopSocketTimeoutSeconds) {
            loopSocketTimeoutSeconds = next;
            loopConnection.close();
        }
    }

    static int socketTimeoutFor(long retryTimeoutSeconds) {
        long half = Math.max(1L, retryTimeoutSeconds / 2);
        return (int) Math.min(half, Integer.MAX_VALUE);
    }

    int loopSocketTimeoutSeconds() {
        return loopSocketTimeoutSeconds;
    }

    // ---------------------------------------------------------------- binaries and inspection

    Path binary(String name) {
        if (settings.binDir().isPresent()) {
            return settings.binDir().get().resolve(name);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        // Debian keeps the server binaries off PATH: take the newest installed major
        try (var dirs = Files.list(Path.of("/usr/lib/postgresql"))) {
            Optional<Path> newest = dirs.filter(d -> d.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString())));
            if (newest.isPresent()) {
                return newest.get().resolve("bin").resolve(name);
            }
        } catch (IOException ignored) {
            // fall through to the bare name
        }
        return Path.of(name);
    }

    /** Major version of the PostgreSQL binaries (e.g. 15), from {@code postgres --version}; cached. */
    public int majorVersion() {
        Integer v = majorVersion;
        if (v == null) {
            try {
                ProcessRunner.Result r = ProcessRunner.run(List.of(binary("postgres").toString(), "--version"), Map.of());
                Matcher m = VERSION.matcher(r.output());
                if (!r.ok() || !m.find()) {
                    throw new IllegalStateException("cannot determine the PostgreSQL version: " + r.output().trim());
                }
                v = Integer.parseInt(m.group(1));
                majorVersion = v;
            } catch (PostgresException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        return v;
    }

    /**
     * Empty = missing, or only hidden entries and lost+found, and no global/pg_control (§2 step 10).
     *
     * @throws java.io.UncheckedIOException when the directory exists but cannot be listed ("not accessible")
     */
    public boolean dataDirectoryEmpty() {
        Path dir = settings.dataDir();
        if (Files.exists(dir.resolve("global").resolve("pg_control"))) {
            return false;
        }
        if (!Files.exists(dir)) {
            return true;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                String name = e.getFileName().toString();
                if (!name.startsWith(".") && !name.equals("lost+found")) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** pg_controldata of the data directory (LANG=C); empty when there is no readable control file. */
    public Optional<ControlData> controlData() {
        if (!Files.exists(settings.dataDir().resolve("global").resolve("pg_control"))) {
            return Optional.empty();
        }
        try {
            ProcessRunner.Result r = ProcessRunner.run(
                    List.of(binary("pg_controldata").toString(), settings.dataDir().toString()), cLocale(),
                    Optional.of(SHORT_TOOL_TIMEOUT), line -> { });
            if (!r.ok()) {
                log.warn("pg_controldata failed: {}", r.output().trim());
                return Optional.empty();
            }
            return Optional.of(ControlData.parse(r.output()));
        } catch (PostgresException e) {
            log.warn("pg_controldata failed: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** A live postmaster for this data directory (postmaster.pid names a running postgres that started then). */
    public boolean isRunning() {
        return Postmaster.live(settings.dataDir()).isPresent();
    }

    /** Pid of the live postmaster, if any. */
    public Optional<Long> postmasterPid() {
        return Postmaster.live(settings.dataDir()).map(ProcessHandle::pid);
    }

    /** Where the postmaster's stdout/stderr go (before its own logging takes over). */
    public Path startupLog() {
        Path parent = settings.dataDir().toAbsolutePath().getParent();
        if (parent != null && Files.isWritable(parent)) {
            return parent.resolve(settings.memberName() + ".postgresql.log");
        }
        return settings.dataDir().resolve("log").resolve("startup.log");
    }

    /** Server parameters for this node; warnings are logged. */
    public Map<String, Object> effectiveParameters() {
        List<String> warnings = new ArrayList<>();
        Map<String, Object> p = ServerParameters.effective(dynamicParameters, settings.localParameters(),
                settings.scope(), settings.listenAddresses(), settings.port(), majorVersion(), warnings);
        warnings.forEach(w -> log.warn("{}", w));
        ManagedValue standbyNames = managedStandbyNames;
        if (standbyNames == null) {
            return p;
        }
        Map<String, Object> managed = new java.util.LinkedHashMap<>(p);
        managed.remove("synchronous_standby_names");
        standbyNames.value().ifPresent(v -> managed.put("synchronous_standby_names", v));
        return managed;
    }

    // ---------------------------------------------------------------- bootstrap

    /** initdb with the rendered options (§3.2); adds --username and --pwfile for the superuser; data dir last. */
    public void initdb(List<String> renderedArgs) throws PostgresException {
        for (String a : renderedArgs) {
            String opt = a.replaceFirst("^--?", "").split("=", 2)[0];
            if (FORBIDDEN_INITDB.contains(opt)) {
                throw new PostgresException("initdb option " + opt + " is not allowed");
            }
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(binary("initdb").toString());
        cmd.addAll(renderedArgs);
        cmd.add("--username=" + settings.superuser().username());
        Path pwDir = null;
        try {
            if (settings.superuser().password().isPresent()) {
                pwDir = Files.createTempDirectory("jpatroni-initdb",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Path pw = pwDir.resolve("pwfile");
                Files.writeString(pw, settings.superuser().password().get() + "\n", StandardCharsets.UTF_8);
                cmd.add("--pwfile=" + pw);
            }
            cmd.add(settings.dataDir().toString());
            log.info("initializing a new cluster in {}", settings.dataDir());
            ProcessRunner.Result r = ProcessRunner.run(cmd, Map.of(), Optional.empty(), line -> log.info("initdb: {}", line));
            if (!r.ok()) {
                throw new PostgresException("initdb failed with exit code " + r.exitCode());
            }
            setMode0700(settings.dataDir());
        } catch (IOException e) {
            throw new PostgresException("initdb failed: " + e.getMessage(), e);
        } finally {
            if (pwDir != null) {
                deleteTree(pwDir);
            }
        }
    }

    public void appendToPgHba(List<String> lines) throws PostgresException {
        try {
            files.appendToHba(lines);
        } catch (IOException e) {
            throw new PostgresException("could not append to pg_hba.conf: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- start / stop / promote / reload

    /**
     * Writes the configuration and launches the postmaster detached (own session, output to {@link #startupLog()}).
     *
     * @param follow  upstream to stream from (standby only); empty standby = no primary_conninfo
     * @param standby start in recovery (standby.signal) or as a primary
     * @return true once it accepts connections; false on timeout (it is left starting) or if it exited
     */
    public boolean start(Optional<Upstream> follow, boolean standby, Duration timeout) throws PostgresException {
        return start(Optional.of(new RecoveryTarget(standby, standby ? follow : Optional.empty())), timeout);
    }

    /** keep_existing_recovery_conf: the signal files and recovery settings a restore left stay as they are. */
    public boolean startKeepingRecovery(Duration timeout) throws PostgresException {
        return start(Optional.empty(), timeout);
    }

    /**
     * The first start after a custom bootstrap method with {@code recovery_conf} (ha-loop.md §3.3 step 5): those
     * settings as given and recovery.signal (standby.signal with {@code standby_mode: on}), so the restored data
     * replays WAL up to its target before it becomes the primary.
     */
    public boolean startRecovering(Map<String, Object> recoveryConf, Duration timeout) throws PostgresException {
        return start(Optional.of(new RecoveryTarget(false, Optional.empty(), recoveryConf)), timeout);
    }

    /** A custom bootstrap without recovery_conf and keep_existing_recovery_conf: drop what the restore left. */
    public void removeRecoveryConfiguration() throws PostgresException {
        try {
            files.removeSignalFiles();
            Files.deleteIfExists(settings.dataDir().resolve("recovery.conf"));
        } catch (IOException e) {
            throw new PostgresException("could not remove the recovery configuration: " + e.getMessage(), e);
        }
    }

    private boolean start(Optional<RecoveryTarget> target, Duration timeout) throws PostgresException {
        boolean standby = target.map(RecoveryTarget::standby).orElse(false);
        Optional<Upstream> follow = target.flatMap(RecoveryTarget::follow);
        if (isRunning()) {
            throw new PostgresException("postgres is already running");
        }
        close();
        Map<String, Object> params = effectiveParameters();
        if (standby) {
            params = raiseToControlData(params);
        }
        writeConfiguration(params, target);
        List<String> cmd = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            cmd.add(setsid.toString());
        }
        cmd.add(binary("postgres").toString());
        cmd.add("-D");
        cmd.add(settings.dataDir().toString());
        cmd.add("--config-file=" + files.postgresqlConf().toAbsolutePath());
        cmd.addAll(ServerParameters.commandLineOptions(params));
        Path logFile = startupLog();
        Process p;
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().clear();
            pb.environment().putAll(ProcessRunner.childEnvironment());
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            pb.redirectErrorStream(true);
            pb.directory(settings.dataDir().toFile());
            log.info("starting postgres{} in {}", standby ? " as a standby" + follow.map(u -> " of " + u.host() + ":" + u.port()).orElse("") : "",
                    settings.dataDir());
            p = pb.start();
        } catch (IOException e) {
            throw new PostgresException("could not start postgres: " + e.getMessage(), e);
        }
        return waitUntilReady(p, timeout);
    }

    /** pg_control names of the parameters a standby must not set lower than its primary had (§21.4). */
    private static final Map<String, String> CONTROL_DATA_MINIMUMS = Map.of(
            "max_connections", "max_connections",
            "max_prepared_transactions", "max_prepared_xacts",
            "max_locks_per_transaction", "max_locks_per_xact",
            "max_worker_processes", "max_worker_processes",
            "max_wal_senders", "max_wal_senders");

    /** A standby refuses to start with lower values than recorded in pg_control: start with those instead. */
    private Map<String, Object> raiseToControlData(Map<String, Object> params) {
        Optional<ControlData> cd = controlData();
        if (cd.isEmpty()) {
            return params;
        }
        Map<String, Object> out = new java.util.TreeMap<>(params);
        for (Map.Entry<String, String> e : CONTROL_DATA_MINIMUMS.entrySet()) {
            long recorded = cd.get().setting(e.getValue());
            Long configured = ServerParameters.integer(out.get(e.getKey()));
            if (recorded > 0 && configured != null && recorded > configured) {
                log.warn("{} = {} is lower than {} recorded in pg_control; starting with {} (restart pending)",
                        e.getKey(), configured, recorded, recorded);
                out.put(e.getKey(), (int) recorded);
            }
        }
        return out;
    }

    /** standby.signal, recovery.signal or recovery.conf present (§5 step 3: not restarted in place as primary). */
    public boolean recoveryConfigured() {
        Path d = settings.dataDir();
        return Files.exists(d.resolve("standby.signal")) || Files.exists(d.resolve("recovery.signal"))
                || Files.exists(d.resolve("recovery.conf"));
    }

    private boolean waitUntilReady(Process launched, Duration timeout) throws PostgresException {
        long deadline = deadlineAfter(timeout);
        while (true) {
            if (!launched.isAlive() && (launched.exitValue() != 0 || !isRunning())) {
                log.error("postmaster exited during start (exit code {}), see {}", launched.exitValue(), startupLog());
                return false;
            }
            ProcessRunner.Result r = ProcessRunner.run(List.of(binary("pg_isready").toString(), "-q",
                    "-h", settings.localHost(), "-p", Integer.toString(settings.port()),
                    "-d", settings.database(), "-U", settings.superuser().username(), "-t", "2"), Map.of(),
                    Optional.of(SHORT_TOOL_TIMEOUT), line -> { });
            if (r.exitCode() == 0) {
                log.info("postgres is accepting connections on {}:{}", settings.localHost(), settings.port());
                return true;
            }
            if (passed(deadline)) {
                log.warn("postgres did not accept connections within {}", timeout);
                return false;
            }
            pause(Duration.ofMillis(200));
        }
    }

    /** Installs the postgresql.before_stop runner (it must return within the duration it is given). */
    public void setBeforeStop(java.util.function.Consumer<Duration> hook) {
        this.beforeStop = hook;
    }

    /**
     * Stops the postmaster with the mode's signal; {@code onSafepoint} runs once no client backend is left (no
     * commit can be acknowledged any more). On timeout: immediate, then SIGKILL of the whole process tree.
     *
     * @param timeout empty = wait as long as it takes
     * @return true when stopped (also when it was not running)
     */
    public boolean stop(StopMode mode, Optional<Duration> timeout, Runnable onSafepoint) throws PostgresException {
        Optional<ProcessHandle> pm = Postmaster.live(settings.dataDir());
        close();
        if (pm.isEmpty()) {
            onSafepoint.run();
            return true;
        }
        ProcessHandle postmaster = pm.get();
        // A stop with a deadline is fencing or a bounded demotion: the script gets half of it, never more.
        beforeStop.accept(timeout.map(t -> t.dividedBy(2)).orElse(settings.pgCtlTimeout()));
        log.info("stopping postgres ({} mode), pid {}", mode.name().toLowerCase(), postmaster.pid());
        Postmaster.signal(postmaster.pid(), mode.signal());
        boolean safepoint = false;
        Optional<Long> deadline = timeout.map(this::deadlineAfter);
        StopMode current = mode;
        boolean killed = false;
        while (postmaster.isAlive()) {
            if (!safepoint && !Postmaster.hasClientBackends(postmaster, settings.scope())) {
                safepoint = true;
                onSafepoint.run();
            }
            if (deadline.isPresent() && passed(deadline.get())) {
                if (current != StopMode.IMMEDIATE) {
                    log.warn("postgres did not stop within {}, switching to immediate shutdown", timeout.get());
                    current = StopMode.IMMEDIATE;
                    Postmaster.signal(postmaster.pid(), current.signal());
                    deadline = Optional.of(deadlineAfter(ESCALATION_GRACE));
                } else if (!killed) {
                    log.warn("postgres did not stop after immediate shutdown, sending SIGKILL to it and its children");
                    Postmaster.killTree(postmaster);
                    killed = true;
                    deadline = Optional.of(deadlineAfter(ESCALATION_GRACE));
                } else {
                    log.error("postmaster {} survived SIGKILL", postmaster.pid());
                    return false;
                }
            }
            pause(POLL);
        }
        if (!safepoint) {
            onSafepoint.run();
        }
        if (killed) {
            // children of a killed postmaster hold shared memory until they are gone too
            postmaster.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        log.info("postgres stopped");
        return true;
    }

    /**
     * Fencing from outside the HA loop (lease guard, fatal error): makes the postmaster stop accepting
     * commits without touching the loop's connections (the loop thread may be stuck inside one of them).
     * Fast shutdown, after {@code fastTimeout} immediate, after 5 s more SIGKILL of the whole tree.
     *
     * @return true when no postmaster is left
     */
    public boolean fence(Duration fastTimeout) {
        Optional<ProcessHandle> pm = Postmaster.live(settings.dataDir());
        if (pm.isEmpty()) {
            return true;
        }
        ProcessHandle postmaster = pm.get();
        try {
            Postmaster.signal(postmaster.pid(), StopMode.FAST.signal());
            if (exitsWithin(postmaster, fastTimeout)) {
                return true;
            }
            log.error("fencing: postgres did not stop within {} of a fast shutdown, switching to immediate", fastTimeout);
            Postmaster.signal(postmaster.pid(), StopMode.IMMEDIATE.signal());
            if (exitsWithin(postmaster, ESCALATION_GRACE)) {
                return true;
            }
        } catch (PostgresException e) {
            log.error("fencing: could not signal postgres ({}), killing it", e.getMessage());
        }
        log.error("fencing: sending SIGKILL to postmaster {} and its children", postmaster.pid());
        Postmaster.killTree(postmaster);
        return exitsWithin(postmaster, ESCALATION_GRACE);
    }

    private boolean exitsWithin(ProcessHandle process, Duration timeout) {
        long deadline = deadlineAfter(timeout);
        while (process.isAlive()) {
            if (passed(deadline)) {
                return false;
            }
            try {
                pause(POLL);
            } catch (PostgresException interrupted) {
                return !process.isAlive();
            }
        }
        return true;
    }

    /** pg_ctl promote, then wait until the server is out of recovery. */
    public boolean promote(Duration wait) throws PostgresException {
        if (!isRunning()) {
            throw new PostgresException("cannot promote: postgres is not running");
        }
        ProcessRunner.Result r = ProcessRunner.run(List.of(binary("pg_ctl").toString(), "promote", "-W", "-D",
                settings.dataDir().toString()), Map.of(), Optional.of(SHORT_TOOL_TIMEOUT), line -> { });
        if (!r.ok()) {
            throw new PostgresException("pg_ctl promote failed: " + r.output().trim());
        }
        log.info("promoted postgres: {}", r.output().trim());
        lastTarget = RecoveryTarget.PRIMARY;
        long deadline = deadlineAfter(wait);
        while (true) {
            try {
                if (!query().inRecovery()) {
                    return true;
                }
            } catch (PostgresException e) {
                log.debug("waiting for promotion: {}", e.getMessage());
            }
            if (passed(deadline)) {
                return false;
            }
            pause(POLL);
        }
    }

    /**
     * Rewrites the configuration files (keeping the recovery settings last written) and signals a reload.
     * Returns the configuration file errors PostgreSQL reports (empty when the files read cleanly).
     */
    public List<String> reload() throws PostgresException {
        writeConfiguration(effectiveParameters(), Optional.ofNullable(lastTarget));
        pgCtlReload();
        return configFileErrors();
    }

    /**
     * pg_ctl reload succeeds whatever the files hold: PostgreSQL then keeps its old settings, and a file
     * it cannot parse makes the next start fail. pg_file_settings parses the files afresh when read.
     * An invalid value shows as "setting could not be applied"; "cannot be changed without restarting the
     * server" only means a restart is pending, which is reported elsewhere (pending_restart).
     */
    List<String> configFileErrors() {
        try {
            List<String> errors = withConnection("pg_file_settings", c -> {
                List<String> out = new java.util.ArrayList<>();
                try (java.sql.Statement st = c.createStatement();
                     java.sql.ResultSet rs = st.executeQuery("SELECT sourcefile, sourceline, name, error"
                             + " FROM pg_catalog.pg_file_settings WHERE error IS NOT NULL"
                             + " AND error NOT LIKE '%without restarting the server' LIMIT 20")) {
                    while (rs.next()) {
                        out.add(rs.getString(1) + ":" + rs.getInt(2) + (rs.getString(3) == null ? "" : " "
                                + rs.getString(3)) + ": " + rs.getString(4));
                    }
                }
                return out;
            });
            errors.forEach(e -> log.error("PostgreSQL configuration file error: {}", e));
            return errors;
        } catch (PostgresException e) {
            log.warn("could not read pg_file_settings after the reload: {}", e.getMessage());
            return List.of();
        }
    }

    /** A running standby follows {@code upstream} from now on: primary_conninfo is reloadable on PG >= 13. */
    public void follow(Upstream upstream) throws PostgresException {
        reload(Optional.of(upstream), true);
    }

    /** Rewrites the configuration for a new upstream (or primary role) and signals a reload. */
    public void reload(Optional<Upstream> follow, boolean standby) throws PostgresException {
        writeConfiguration(effectiveParameters(), Optional.of(new RecoveryTarget(standby, standby ? follow : Optional.empty())));
        pgCtlReload();
    }

    private void pgCtlReload() throws PostgresException {
        ProcessRunner.Result r = ProcessRunner.run(List.of(binary("pg_ctl").toString(), "reload", "-s", "-D",
                settings.dataDir().toString()), Map.of(), Optional.of(SHORT_TOOL_TIMEOUT), line -> { });
        if (!r.ok()) {
            throw new PostgresException("pg_ctl reload failed: " + r.output().trim());
        }
    }

    /** @param target empty = keep the recovery block and signal files as they are */
    private void writeConfiguration(Map<String, Object> params, Optional<RecoveryTarget> target) throws PostgresException {
        try {
            files.ensureBaseConf();
            Optional<Map<String, String>> recovery = Optional.empty();
            if (target.isPresent()) {
                recovery = Optional.of(files.recoverySettings(target.get(), majorVersion()));
                files.writeSignalFiles(target.get());
                lastTarget = target.get();
            }
            files.writePostgresqlConf(params, recovery);
            files.writeHbaAndIdent(params);
            if (target.isPresent()) {
                // ours are in postgresql.conf now; with keep_existing_recovery_conf a restore tool's stay in force
                files.removeRecoveryFromAutoConf();
            }
        } catch (IOException e) {
            throw new PostgresException("could not write the configuration: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- SQL

    private Properties credentials(PgCredentials c) {
        return credentials(c, loopSocketTimeoutSeconds);
    }

    /** @param socketTimeoutSeconds 0 = no read timeout (only for work off the loop thread) */
    private static Properties credentials(PgCredentials c, int socketTimeoutSeconds) {
        Properties props = new Properties();
        props.setProperty("user", c.username());
        c.password().ifPresent(p -> props.setProperty("password", p));
        props.setProperty("connectTimeout", "2");
        props.setProperty("loginTimeout", "2");
        props.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
        props.setProperty("ApplicationName", "jpatroni");
        props.setProperty("assumeMinServerVersion", "10");
        return props;
    }

    static String jdbcUrl(String host, int port, String database) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + database;
    }

    private static Connection connect(String host, int port, String database, Properties props) throws SQLException {
        Connection c = new org.postgresql.Driver().connect(jdbcUrl(host, port, database), props);
        if (c == null) {
            throw new SQLException("driver refused the URL");
        }
        return c;
    }

    /** Runs {@code work} on the loop's cached superuser connection; one reconnect on a lost connection. */
    private <T> T withConnection(String what, LocalConnection.SqlWork<T> work) throws PostgresException {
        return loopConnection.run(what, work);
    }

    static final String MONITORING_QUERY = """
            SELECT pg_catalog.pg_is_in_recovery() AS in_recovery,
              CASE WHEN pg_catalog.pg_is_in_recovery() THEN 0
                   ELSE ('x' || pg_catalog.substr(pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()), 1, 8))::bit(32)::int
              END AS timeline,
              CASE WHEN pg_catalog.pg_is_in_recovery() THEN 0
                   ELSE pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_flush_lsn(), '0/0')::bigint
              END AS flush_lsn,
              COALESCE(pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_last_wal_receive_lsn(), '0/0'), 0)::bigint AS receive_lsn,
              COALESCE(pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_last_wal_replay_lsn(), '0/0'), 0)::bigint AS replay_lsn,
              pg_catalog.to_char(pg_catalog.pg_last_xact_replay_timestamp(), 'YYYY-MM-DD HH24:MI:SS.US') ||
                pg_catalog.to_char(pg_catalog.pg_last_xact_replay_timestamp(), 'TZH:TZM') AS replayed_ts,
              CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_is_wal_replay_paused() ELSE false END AS paused,
              pg_catalog.to_char(pg_catalog.pg_postmaster_start_time(), 'YYYY-MM-DD HH24:MI:SS.US') ||
                pg_catalog.to_char(pg_catalog.pg_postmaster_start_time(), 'TZH:TZM') AS start_time,
              pg_catalog.current_setting('server_version_num')::int AS server_version,
              wr.status AS receiver_status,
              COALESCE(wr.received_tli, 0)::bigint AS received_tli,
              COALESCE(pg_catalog.pg_wal_lsn_diff(wr.written_lsn, '0/0'), 0)::bigint AS written_lsn,
              (SELECT timeline_id FROM pg_catalog.pg_control_checkpoint())::bigint AS checkpoint_tli,
              pg_catalog.current_setting('restore_command') AS restore_command,
              (SELECT pg_catalog.json_agg(r) FROM (
                 SELECT usename, application_name, pg_catalog.host(client_addr) AS client_addr, state, sync_state, sync_priority,
                   COALESCE(pg_catalog.pg_wal_lsn_diff(flush_lsn, '0/0'), 0)::bigint AS flush_lsn,
                   COALESCE(pg_catalog.pg_wal_lsn_diff(replay_lsn, '0/0'), 0)::bigint AS replay_lsn,
                   COALESCE(pg_catalog.pg_wal_lsn_diff(write_lsn, '0/0'), 0)::bigint AS write_lsn
                 FROM pg_catalog.pg_stat_replication) r)::text AS replication
            FROM (SELECT 1) AS one
            LEFT JOIN (SELECT status, received_tli, written_lsn FROM pg_catalog.pg_stat_get_wal_receiver()) AS wr ON true
            """;

    /** The monitoring query: one round trip on the cached local superuser connection. */
    public LocalState query() throws PostgresException {
        return withReplayTimeline(withConnection("monitoring query", c -> {
            try (Statement st = c.createStatement()) {
                st.setQueryTimeout(5);
                try (ResultSet rs = st.executeQuery(MONITORING_QUERY)) {
                    rs.next();
                    return toLocalState(rs);
                }
            }
        }));
    }

    /**
     * The same query on a connection of its own, for REST readers: a CHECKPOINT or role creation
     * running on the loop's connection never delays a health check.
     */
    public LocalState statusQuery() throws PostgresException {
        return withReplayTimeline(statusConnection.run("status query", c -> {
            try (Statement st = c.createStatement()) {
                st.setQueryTimeout(2);
                try (ResultSet rs = st.executeQuery(MONITORING_QUERY)) {
                    rs.next();
                    return toLocalState(rs);
                }
            }
        }));
    }

    /** The last IDENTIFY_SYSTEM on myself, reused while the standby's replay position does not move. */
    private record TimelineProbe(String postmasterStart, long replayLsn, long timeline) {
    }

    private volatile TimelineProbe lastTimelineProbe;

    /**
     * A standby without a streaming walreceiver reports only its last checkpoint's timeline, which
     * may be one the cluster left long ago (right after the primary died, exactly when the leader
     * race compares timelines). IDENTIFY_SYSTEM on myself answers with the replay timeline (§8.2.1).
     */
    private LocalState withReplayTimeline(LocalState s) {
        if (!s.inRecovery() || s.receivedTimeline() > 0) {
            return s;
        }
        TimelineProbe probe = lastTimelineProbe;
        if (probe == null || !probe.postmasterStart().equals(s.postmasterStartTime()) || probe.replayLsn() != s.replayLsn()) {
            try {
                probe = new TimelineProbe(s.postmasterStartTime(), s.replayLsn(),
                        identifyTimeline(settings.localHost(), settings.port(), settings.database(), settings.replication()));
            } catch (SQLException e) {
                // Not retried until the position moves: REST readers must not pay for it every time.
                log.debug("IDENTIFY_SYSTEM on myself failed ({}), using the checkpoint timeline", e.getMessage());
                probe = new TimelineProbe(s.postmasterStartTime(), s.replayLsn(), s.timeline());
            }
            lastTimelineProbe = probe;
        }
        return probe.timeline() > s.timeline() ? s.withTimeline(probe.timeline()) : s;
    }

    private static LocalState toLocalState(ResultSet rs) throws SQLException {
        boolean inRecovery = rs.getBoolean("in_recovery");
        long receive = Math.max(rs.getLong("receive_lsn"), rs.getLong("written_lsn"));
        long replay = rs.getLong("replay_lsn");
        long receivedTli = rs.getLong("received_tli");
        String receiverStatus = rs.getString("receiver_status");
        long timeline;
        long walPosition;
        Optional<String> replicationState = Optional.empty();
        if (inRecovery) {
            timeline = receivedTli > 0 ? receivedTli : rs.getLong("checkpoint_tli");
            walPosition = Math.max(receive, replay);
            if ("streaming".equals(receiverStatus)) {
                replicationState = Optional.of("streaming");
            } else {
                String restore = rs.getString("restore_command");
                if (restore != null && !restore.isEmpty()) {
                    replicationState = Optional.of("in archive recovery");
                }
            }
        } else {
            timeline = rs.getLong("timeline");
            walPosition = rs.getLong("flush_lsn");
            receive = 0;
            replay = 0;
        }
        return new LocalState(inRecovery, timeline, walPosition, receive, replay,
                Optional.ofNullable(rs.getString("replayed_ts")), rs.getBoolean("paused"), rs.getString("start_time"),
                rs.getInt("server_version"), replicationState, receivedTli, replicationRows(rs.getString("replication")));
    }

    private static List<ReplicationRow> replicationRows(String json) throws SQLException {
        if (json == null || json.isEmpty()) {
            return List.of();
        }
        try {
            List<ReplicationRow> rows = new ArrayList<>();
            for (JsonNode n : JSON.readTree(json)) {
                rows.add(new ReplicationRow(text(n, "usename"), text(n, "application_name"),
                        Optional.ofNullable(n.hasNonNull("client_addr") ? n.get("client_addr").asText() : null),
                        text(n, "state"), text(n, "sync_state"), n.path("sync_priority").asInt(),
                        n.path("flush_lsn").asLong(), n.path("replay_lsn").asLong(), n.path("write_lsn").asLong()));
            }
            return rows;
        } catch (IOException e) {
            throw new SQLException("cannot parse pg_stat_replication: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : "";
    }

    /** Post-bootstrap roles (§3.6 steps 1, 3, 4 with 3.0.2's bootstrap.users); passwords never logged. */
    public void createRoles(List<BootstrapRole> extraUsers) throws PostgresException {
        PgCredentials su = settings.superuser();
        PgCredentials repl = settings.replication();
        PgCredentials rw = settings.rewind();
        List<String> statements = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        if (su.password().isPresent()) {
            statements.add(RoleStatements.createOrAlter(su.username(), List.of("SUPERUSER", "LOGIN"), su.password()));
            descriptions.add("superuser " + su.username());
        }
        if (!repl.username().equals(su.username())) {
            statements.add(RoleStatements.createOrAlter(repl.username(), List.of("REPLICATION", "LOGIN"), repl.password()));
            descriptions.add("replication user " + repl.username());
        }
        if (!rw.username().equals(su.username()) && majorVersion() >= 11) {
            statements.add(RoleStatements.createOrAlter(rw.username(), List.of("LOGIN"), rw.password()));
            descriptions.add("rewind user " + rw.username());
            statements.add(RoleStatements.grantRewind(rw.username()));
            descriptions.add("pg_rewind grants for " + rw.username());
        }
        Set<String> reserved = new HashSet<>(List.of(su.username(), repl.username(), rw.username()));
        for (BootstrapRole u : extraUsers) {
            if (reserved.contains(u.name())) {
                log.warn("bootstrap.users: skipping {}: it is the superuser, replication or rewind user", u.name());
                continue;
            }
            List<String> rejected = new ArrayList<>();
            List<String> opts = RoleStatements.options(u.options(), true, rejected);
            rejected.forEach(o -> log.error("bootstrap.users: ignoring option {} of user {}", o, u.name()));
            statements.add(RoleStatements.createOrAlter(u.name(), opts, u.password()));
            descriptions.add("user " + u.name());
        }
        maintenanceConnection.run("creating roles", c -> {
            try (Statement st = c.createStatement()) {
                st.setQueryTimeout(30);
                st.execute(RoleStatements.quietSession(false));
                int i = 0;
                try {
                    for (; i < statements.size(); i++) {
                        log.info("creating {}", descriptions.get(i));
                        st.execute(statements.get(i));
                    }
                } catch (SQLException e) {
                    // server messages do not echo the statement text, so no password leaks through this one
                    throw new SQLException("creating " + descriptions.get(i) + ": " + e.getMessage(), e.getSQLState(), e);
                } finally {
                    st.execute(RoleStatements.quietSession(true));
                }
            }
            return null;
        });
    }

    public void checkpoint() throws PostgresException {
        maintenanceConnection.run("CHECKPOINT", c -> {
            try (Statement st = c.createStatement()) {
                st.setQueryTimeout(0);
                st.execute("CHECKPOINT");
            }
            return null;
        });
    }

    /** Closes the cached connection. */
    @Override
    public void close() {
        loopConnection.close();
        statusConnection.close();
        maintenanceConnection.close();
    }

    // ---------------------------------------------------------------- clone

    /**
     * pg_basebackup from {@code source} with the replication credentials (§4.2); 2 attempts 5 s apart; the data
     * directory is wiped before each attempt and after the last failure.
     *
     * @param extraArgs rendered user options (normally {@link PostgresSettings#basebackupArgs()})
     */
    public boolean basebackup(Upstream source, List<String> extraArgs) throws PostgresException {
        return basebackup(source.memberName(), cloneConnection(source), extraArgs);
    }

    /**
     * Writes the pgpass entry for {@code source} with the replication credentials and returns the libpq keyword
     * connection string a replica method gets (no password: it is in the file {@link #cloneEnvironment} names).
     */
    public String cloneConnection(Upstream source) throws PostgresException {
        try {
            PgPass.write(settings.pgpass(), PgPass.entriesFor(source.host(), source.port(), settings.replication()));
        } catch (IOException e) {
            throw new PostgresException("could not write pgpass: " + e.getMessage(), e);
        }
        Map<String, Object> ci = new LinkedHashMap<>();
        ci.put("dbname", source.database());
        ci.put("user", settings.replication().username());
        ci.put("host", source.host());
        ci.put("port", source.port());
        return ConnInfo.render(ci);
    }

    /** The environment of replica creation: PGPASSFILE pointing at the file {@link #cloneConnection} wrote. */
    public Map<String, String> cloneEnvironment() {
        return Map.of("PGPASSFILE", settings.pgpass().toAbsolutePath().toString());
    }

    /** pg_basebackup with a connection string from {@link #cloneConnection}; see {@link #basebackup(Upstream, List)}. */
    public boolean basebackup(String sourceName, String connstring, List<String> extraArgs) throws PostgresException {
        List<String> cmd = new ArrayList<>(List.of(binary("pg_basebackup").toString(),
                "--pgdata=" + settings.dataDir(), "--wal-method=stream", "--dbname=" + connstring, "--progress"));
        cmd.addAll(extraArgs);
        Map<String, String> env = cloneEnvironment();
        for (int attempt = 1; attempt <= 2; attempt++) {
            wipeDataDirectory();
            log.info("creating replica from {} with pg_basebackup, attempt {}", sourceName, attempt);
            Instant[] lastProgress = {Instant.EPOCH};
            ProcessRunner.Result r = ProcessRunner.run(cmd, env, Optional.empty(), line -> {
                if (PROGRESS.matcher(line).matches()) {
                    Instant now = clock.instant();
                    if (Duration.between(lastProgress[0], now).compareTo(Duration.ofSeconds(5)) >= 0) {
                        lastProgress[0] = now;
                        log.info("pg_basebackup: {}", line.trim());
                    }
                } else {
                    log.info("pg_basebackup: {}", line);
                }
            });
            if (r.ok()) {
                try {
                    setMode0700(settings.dataDir());
                } catch (IOException e) {
                    throw new PostgresException("could not set the data directory mode: " + e.getMessage(), e);
                }
                log.info("replica created from {}", sourceName);
                return true;
            }
            log.error("Error when fetching backup: pg_basebackup exited with code={}", r.exitCode());
            if (attempt < 2) {
                log.warn("Trying again in 5 seconds");
                pause(Duration.ofSeconds(5));
            }
        }
        wipeDataDirectory();
        return false;
    }

    // ---------------------------------------------------------------- rewind

    private Properties replicationProps(PgCredentials c) {
        Properties props = credentials(c);
        props.setProperty("replication", "true");
        props.setProperty("preferQueryMode", "simple");
        return props;
    }

    /** IDENTIFY_SYSTEM's timeline on a replication connection. */
    private long identifyTimeline(String host, int port, String db, PgCredentials c) throws SQLException {
        try (Connection conn = connect(host, port, db, replicationProps(c)); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("IDENTIFY_SYSTEM")) {
            rs.next();
            return rs.getLong("timeline");
        }
    }

    private String timelineHistory(Upstream leader, long timeline) throws SQLException {
        try (Connection conn = connect(leader.host(), leader.port(), leader.database(), replicationProps(settings.replication()));
             Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("TIMELINE_HISTORY " + timeline)) {
            rs.next();
            int type = rs.getMetaData().getColumnType(2);
            if (type == java.sql.Types.BINARY || type == java.sql.Types.VARBINARY || type == java.sql.Types.LONGVARBINARY) {
                return new String(rs.getBytes(2), StandardCharsets.UTF_8);
            }
            return rs.getString(2);
        }
    }

    /** My timeline and LSN for the check (§13.2 step 2); empty when it cannot be decided (crashed primary). */
    Optional<RewindDecision.LocalPosition> localPosition() throws PostgresException {
        if (isRunning()) {
            LocalState st = query();
            long tl;
            try {
                tl = identifyTimeline(settings.localHost(), settings.port(), settings.database(), settings.replication());
            } catch (SQLException e) {
                log.debug("IDENTIFY_SYSTEM on myself failed ({}), using the monitoring timeline", e.getMessage());
                tl = st.timeline();
            }
            return Optional.of(new RewindDecision.LocalPosition(tl, st.inRecovery() ? st.replayLsn() : st.walPosition(),
                    st.inRecovery()));
        }
        Optional<ControlData> cd = controlData();
        if (cd.isEmpty()) {
            return Optional.empty();
        }
        ControlData c = cd.get();
        String state = c.clusterState();
        if (ControlData.SHUT_DOWN_IN_RECOVERY.equals(state) || ControlData.IN_ARCHIVE_RECOVERY.equals(state)) {
            if (c.minRecoveryEndLocation() != 0 && c.minRecoveryEndTimeline() != 0) {
                return Optional.of(new RewindDecision.LocalPosition(c.minRecoveryEndTimeline(), c.minRecoveryEndLocation(), true));
            }
            return Optional.of(new RewindDecision.LocalPosition(c.checkpointTimeline(), c.checkpointLocation(), false));
        }
        if (ControlData.SHUT_DOWN.equals(state)) {
            return Optional.of(new RewindDecision.LocalPosition(c.checkpointTimeline(), c.checkpointLocation(), false));
        }
        return Optional.empty();
    }

    /**
     * §13.2: does this node's history diverge from the leader's? Empty = cannot decide now (unclean shutdown
     * needing crash recovery first, leader unreachable or in recovery).
     */
    public Optional<Boolean> rewindNeeded(Upstream leader) throws PostgresException {
        Optional<RewindDecision.LocalPosition> local = localPosition();
        if (local.isEmpty()) {
            log.info("cannot check whether pg_rewind is needed: the data directory was not shut down cleanly");
            return Optional.empty();
        }
        try {
            if (leaderInRecovery(leader)) {
                log.info("{} is still in recovery, cannot check for divergence yet", leader.memberName());
                return Optional.empty();
            }
            long leaderTl = identifyTimeline(leader.host(), leader.port(), leader.database(), settings.replication());
            RewindDecision.LocalPosition me = local.get();
            List<RewindDecision.HistoryLine> history = List.of();
            List<RewindDecision.HistoryLine> mine = List.of();
            if (me.timeline() <= leaderTl && leaderTl > 1) {
                history = RewindDecision.parseHistory(timelineHistory(leader, leaderTl));
            }
            if (me.timeline() == leaderTl && leaderTl > 1) {
                mine = localTimelineHistory(me.timeline());
            }
            boolean need = RewindDecision.needed(me, leaderTl, history, mine, this::checkpointRecordEnd);
            log.info("local timeline={} lsn={}, leader {} timeline={}: pg_rewind {}", me.timeline(), Lsn.format(me.lsn()),
                    leader.memberName(), leaderTl, need ? "is needed" : "is not needed");
            return Optional.of(need);
        } catch (SQLException e) {
            log.warn("could not check for divergence from {}: {}", leader.memberName(), e.getMessage());
            return Optional.empty();
        }
    }

    /** My own {@code pg_wal/<timeline>.history}, empty when it cannot be read. */
    private List<RewindDecision.HistoryLine> localTimelineHistory(long timeline) {
        try {
            Optional<Path> file = timelineHistoryFile(timeline);
            return file.isPresent() ? RewindDecision.parseHistory(Files.readString(file.get())) : List.of();
        } catch (IOException e) {
            log.debug("cannot read my timeline {} history: {}", timeline, e.getMessage());
            return List.of();
        }
    }

    private boolean leaderInRecovery(Upstream leader) throws SQLException {
        try (Connection c = connect(leader.host(), leader.port(), leader.database(), credentials(settings.rewind()));
             Statement st = c.createStatement()) {
            st.setQueryTimeout(5);
            try (ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_is_in_recovery()")) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** End of my last checkpoint record: start of the record after it per pg_waldump (§13.2). */
    private OptionalLong checkpointRecordEnd() {
        Optional<ControlData> cd = controlData();
        if (cd.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            ProcessRunner.Result r = ProcessRunner.run(List.of(binary("pg_waldump").toString(),
                    "-p", settings.dataDir().resolve("pg_wal").toString(),
                    "-t", Long.toString(cd.get().checkpointTimeline()),
                    "-s", Lsn.format(cd.get().checkpointLocation()), "-n", "2"), cLocale());
            List<Long> starts = new ArrayList<>();
            for (String line : r.output().split("\n")) {
                Matcher end = WALDUMP_END.matcher(line);
                if (end.find()) {
                    starts.add(Lsn.parse(end.group(1)));
                    continue;
                }
                Matcher m = WALDUMP_LSN.matcher(line);
                if (m.find() && line.startsWith("rmgr:")) {
                    starts.add(Lsn.parse(m.group(1)));
                }
            }
            return starts.size() >= 2 ? OptionalLong.of(starts.get(1)) : OptionalLong.empty();
        } catch (PostgresException | IllegalArgumentException e) {
            log.warn("pg_waldump failed: {}", e.getMessage());
            return OptionalLong.empty();
        }
    }

    /** pg_rewind is installed and the data directory records hint bits in WAL (wal_log_hints or checksums). */
    public boolean canRewind() {
        if (rewindBinaryWorks == null) {
            try {
                rewindBinaryWorks = ProcessRunner.run(List.of(binary("pg_rewind").toString(), "--help"), Map.of()).ok();
            } catch (PostgresException e) {
                rewindBinaryWorks = false;
            }
        }
        if (!rewindBinaryWorks) {
            return false;
        }
        return controlData().map(c -> c.walLogHints() || c.dataChecksumVersion() != 0).orElse(false);
    }

    /**
     * Single-user crash recovery (§5 step 5): replays WAL of an uncleanly stopped data directory and shuts down
     * cleanly. No-op when the control data shows a clean state.
     */
    public void crashRecoverySingleUser() throws PostgresException {
        if (isRunning()) {
            throw new PostgresException("cannot run crash recovery: postgres is running");
        }
        Optional<ControlData> cd = controlData();
        if (cd.isEmpty() || !(cd.get().uncleanShutdown() || ControlData.IN_ARCHIVE_RECOVERY.equals(cd.get().clusterState()))) {
            return;
        }
        if (majorVersion() >= 15 && Files.exists(settings.dataDir().resolve("backup_label"))) {
            log.info("backup_label present: a normal start will do the recovery");
            return;
        }
        log.info("doing crash recovery in a single user mode (state was {})", cd.get().clusterState());
        try {
            // standby/recovery mode is refused by single-user servers; the next start writes them again
            files.removeSignalFiles();
            lastTarget = null;
        } catch (IOException e) {
            throw new PostgresException("could not remove recovery configuration: " + e.getMessage(), e);
        }
        List<String> cmd = new ArrayList<>(List.of(binary("postgres").toString(), "--single", "-D", settings.dataDir().toString()));
        if (Files.exists(files.postgresqlConf())) {
            cmd.add("--config-file=" + files.postgresqlConf().toAbsolutePath());
        }
        cmd.addAll(List.of("-c", "archive_mode=on", "-c", "archive_command=false", "template1"));
        ProcessRunner.Result r = ProcessRunner.run(cmd, Map.of(), Optional.empty(), line -> log.info("postgres --single: {}", line));
        Optional<ControlData> after = controlData();
        if (!r.ok() || after.isEmpty() || after.get().uncleanShutdown()) {
            throw new PostgresException("crash recovery in single user mode failed (exit code " + r.exitCode() + ", state "
                    + after.map(ControlData::clusterState).orElse("unknown") + ")");
        }
        log.info("crash recovery finished, state {}", after.get().clusterState());
    }

    /**
     * pg_rewind from the leader with the rewind credentials (§13.3). PostgreSQL must be stopped; an unclean data
     * directory gets single-user crash recovery first.
     */
    public boolean rewind(Upstream leader) throws PostgresException {
        if (isRunning()) {
            throw new PostgresException("cannot rewind: postgres is running");
        }
        crashRecoverySingleUser();
        try {
            if (!prepareRewindSource(leader)) {
                return false;
            }
        } catch (SQLException e) {
            log.warn("leader {} is not reachable for pg_rewind: {}", leader.memberName(), e.getMessage());
            return false;
        }
        try {
            PgPass.write(settings.pgpass(), PgPass.entriesFor(leader.host(), leader.port(), settings.rewind()));
        } catch (IOException e) {
            throw new PostgresException("could not write pgpass: " + e.getMessage(), e);
        }
        Map<String, Object> ci = new LinkedHashMap<>();
        ci.put("dbname", leader.database());
        ci.put("user", settings.rewind().username());
        ci.put("host", leader.host());
        ci.put("port", leader.port());
        ci.put("target_session_attrs", "read-write");
        List<String> cmd = new ArrayList<>(List.of(binary("pg_rewind").toString()));
        Object restore = settings.recoveryConf().get("restore_command");
        if (restore != null && !restore.toString().isEmpty() && majorVersion() >= 13 && Files.exists(files.postgresqlConf())) {
            cmd.add("--restore-target-wal");
            if (majorVersion() >= 15) {
                cmd.add("--config-file=" + files.postgresqlConf().toAbsolutePath());
            }
        }
        cmd.addAll(List.of("-D", settings.dataDir().toString(), "--source-server", ConnInfo.render(ci)));
        Map<String, String> env = new LinkedHashMap<>(cLocale());
        env.put("PGPASSFILE", settings.pgpass().toAbsolutePath().toString());
        env.put("PGOPTIONS", "-c statement_timeout=0");
        log.info("running pg_rewind from {}", leader.memberName());
        ProcessRunner.Result r = ProcessRunner.run(cmd, env, Optional.empty(), line -> log.info("pg_rewind: {}", line));
        if (r.ok()) {
            log.info("pg_rewind from {} succeeded", leader.memberName());
            lastTarget = null;
            return true;
        }
        log.error("Failed to rewind from {}: pg_rewind exited with code={}", leader.memberName(), r.exitCode());
        return false;
    }

    /** The source must be a primary whose control file shows its current timeline (CHECKPOINT when we may). */
    private boolean prepareRewindSource(Upstream leader) throws SQLException {
        try (Connection c = connect(leader.host(), leader.port(), leader.database(), credentials(settings.rewind()));
             Statement st = c.createStatement()) {
            boolean inRecovery;
            boolean superuser;
            try (ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_is_in_recovery(), "
                    + "(SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)")) {
                rs.next();
                inRecovery = rs.getBoolean(1);
                superuser = rs.getBoolean(2);
            }
            if (inRecovery) {
                log.info("{} is still in recovery, not rewinding yet", leader.memberName());
                return false;
            }
            if (superuser) {
                st.execute("CHECKPOINT");
            }
            return true;
        }
    }

    /** Parameters changed in the files that only a restart applies (PostgreSQL's own pending_restart). */
    public boolean pendingRestart() throws PostgresException {
        return withConnection("reading pending_restart", c -> {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_catalog.pg_settings WHERE pending_restart")) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        });
    }

    // ---------------------------------------------------------------- synchronous replication

    /**
     * Synchronous mode owns synchronous_standby_names from now on ({@code value} empty = none);
     * written at the next {@link #reload()} or start.
     */
    public void manageStandbyNames(Optional<String> value) {
        managedStandbyNames = new ManagedValue(value);
    }

    /** Synchronous mode is off: the user's synchronous_standby_names applies again from the next reload. */
    public void releaseStandbyNames() {
        managedStandbyNames = null;
    }

    public boolean standbyNamesManaged() {
        return managedStandbyNames != null;
    }

    /** What a primary's synchronous replication looks like right now. */
    public record SyncSettings(String standbyNames, String synchronousCommit, long flushLsn) {
    }

    public SyncSettings syncSettings() throws PostgresException {
        return withConnection("reading synchronous replication settings", c -> {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_catalog.current_setting('synchronous_standby_names'),"
                         + " pg_catalog.current_setting('synchronous_commit'),"
                         + " pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_flush_lsn(), '0/0')::bigint")) {
                rs.next();
                return new SyncSettings(rs.getString(1), rs.getString(2), rs.getLong(3));
            }
        });
    }

    /**
     * Returns the current WAL insert position, then writes a tiny transaction (committed without
     * waiting for standbys) so that standbys have something past it to receive even when idle: a
     * standby that flushed up to the mark holds every commit acknowledged before it.
     */
    public long markWalPosition() throws PostgresException {
        return withConnection("marking the WAL position", c -> {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                long mark;
                try (ResultSet rs = st.executeQuery(
                        "SELECT pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), '0/0')::bigint")) {
                    rs.next();
                    mark = rs.getLong(1);
                }
                st.execute("SET LOCAL synchronous_commit TO off");
                st.execute("SELECT pg_catalog.txid_current()");
                c.commit();
                return mark;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    // ---------------------------------------------------------------- replication slots

    /** Physical replication slots on this server: name to "in use by a walsender". */
    public Map<String, Boolean> physicalSlots() throws PostgresException {
        return withConnection("reading replication slots", c -> {
            Map<String, Boolean> slots = new LinkedHashMap<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT slot_name, active FROM pg_catalog.pg_replication_slots"
                         + " WHERE slot_type = 'physical' AND NOT temporary")) {
                while (rs.next()) {
                    slots.put(rs.getString(1), rs.getBoolean(2));
                }
            }
            return slots;
        });
    }

    /** Creates a slot that reserves WAL at once, so a replica that starts later misses nothing. */
    public void createPhysicalSlot(String name) throws PostgresException {
        withConnection("creating replication slot " + name, c -> {
            try (var st = c.prepareStatement("SELECT pg_catalog.pg_create_physical_replication_slot(?, true)"
                    + " WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = ?)")) {
                st.setString(1, name);
                st.setString(2, name);
                st.execute();
            }
            return null;
        });
    }

    public void dropSlot(String name) throws PostgresException {
        withConnection("dropping replication slot " + name, c -> {
            try (var st = c.prepareStatement("SELECT pg_catalog.pg_drop_replication_slot(slot_name)"
                    + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ? AND NOT active")) {
                st.setString(1, name);
                st.execute();
            }
            return null;
        });
    }

    /** Slot reading, creation, advancing and dropping, physical and logical, on this server. */
    public ReplicationSlots replicationSlots() {
        return new ReplicationSlots(this);
    }

    /** For {@link ReplicationSlots}: work on the loop's cached connection. */
    <T> T onSlotConnection(String what, LocalConnection.SqlWork<T> work) throws PostgresException {
        return withConnection(what, work);
    }

    /** For {@link ReplicationSlots}: a fresh superuser connection to {@code database} (logical slots live in one). */
    Connection connectForSlots(String database) throws SQLException {
        return connect(settings.localHost(), settings.port(), database, credentials(settings.superuser()));
    }

    /** {@code pg_wal/<TL>.history} of a timeline, if this data directory has it. */
    public Optional<Path> timelineHistoryFile(long timeline) {
        Path file = settings.dataDir().resolve("pg_wal").resolve(String.format("%08X.history", timeline));
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    // ---------------------------------------------------------------- data directory

    /** After a failed bootstrap: keep the evidence as {@code <data_dir>.failed} for the operator. */
    public void moveDataDirectoryAside() throws PostgresException {
        Path dir = settings.dataDir();
        Path aside = dir.resolveSibling(dir.getFileName() + ".failed");
        try {
            if (Files.exists(aside)) {
                deleteTree(aside);
            }
            if (Files.exists(dir)) {
                Files.move(dir, aside);
                log.info("moved the data directory to {}", aside);
            }
        } catch (IOException e) {
            throw new PostgresException("could not move " + dir + " aside: " + e.getMessage(), e);
        }
    }

    /** Removes the data directory (a symlinked data directory: the link only). */
    public void removeDataDirectory() throws PostgresException {
        Path dir = settings.dataDir();
        log.info("Removing data directory: {}", dir);
        try {
            if (Files.isSymbolicLink(dir) || Files.isRegularFile(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(dir);
            } else if (Files.exists(dir)) {
                deleteTree(dir);
            }
        } catch (IOException e) {
            throw new PostgresException("could not remove the data directory: " + e.getMessage(), e);
        }
    }

    /** Empties the data directory but keeps it (it may be a mount point) with mode 0700. */
    public void emptyDataDirectory() throws PostgresException {
        wipeDataDirectory();
    }

    private void wipeDataDirectory() throws PostgresException {
        Path dir = settings.dataDir();
        try {
            if (Files.exists(dir)) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                    for (Path e : entries) {
                        if (e.getFileName().toString().equals("lost+found")) {
                            continue;
                        }
                        if (Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) {
                            deleteTree(e);
                        } else {
                            Files.delete(e);
                        }
                    }
                }
            } else {
                Files.createDirectories(dir);
            }
            setMode0700(dir);
        } catch (IOException e) {
            throw new PostgresException("could not empty the data directory: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void setMode0700(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static Map<String, String> cLocale() {
        return Map.of("LANG", "C", "LC_ALL", "C");
    }

    /** Process-control wait; not an HA decision. */
    private long deadlineAfter(Duration d) {
        return nanos.getAsLong() + d.toNanos();
    }

    private boolean passed(long deadlineNanos) {
        return nanos.getAsLong() - deadlineNanos >= 0;
    }

    private static void pause(Duration d) throws PostgresException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostgresException("interrupted", e);
        }
    }
}
