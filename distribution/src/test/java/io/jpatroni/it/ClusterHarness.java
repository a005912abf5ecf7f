package io.jpatroni.it;

import io.jpatroni.testing.EtcdServer;
import io.jpatroni.testing.FreePorts;
import io.jpatroni.testing.Fixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A real cluster for end-to-end tests: one DCS server (etcd, or ZooKeeper) and N jpatroni daemons
 * (the packaged {@code bin/jpatroni}) managing PostgreSQL 15 on loopback ports. Each node's
 * patroni.yml is one of the project's example configs (distribution/src/conf/examples) with the
 * scope, loopback addresses, free ports and temporary directories substituted.
 */
final class ClusterHarness implements AutoCloseable {

    static final Path DIST = Path.of(System.getProperty("jpatroni.dist", "target/jpatroni")).toAbsolutePath();
    static final String SUPERUSER = "postgres";
    /** The cluster name every node gets, whatever the example's: the tests address the cluster by it. */
    static final String SCOPE = "otus";

    /** Which DCS the cluster runs on, and the example config that selects it. */
    enum DcsKind {
        /** Debian's etcd binary; the etcd example (etcd3: section, a rewind user). */
        ETCD("patroni-etcd.yml"),
        /** ZooKeeper 3.9 inside the test JVM (Curator's TestingServer); the ZooKeeper example (synchronous mode). */
        ZOOKEEPER("patroni-zookeeper-sync.yml");

        final String example;

        DcsKind(String example) {
            this.example = example;
        }
    }

    /** The DCS server the daemons talk to. */
    interface DcsServer extends AutoCloseable {
        String hostPort();

        /** The server dies: nobody answers any more. */
        void kill() throws Exception;

        @Override
        void close() throws Exception;
    }

    /** The cluster most recently created, for {@link DumpLogsOnFailure}: one cluster test runs at a time. */
    static volatile ClusterHarness latest;

    final DcsKind kind;
    /** The etcd server when {@link #kind} is ETCD, else null. */
    final EtcdServer etcd;
    final DcsServer dcs;
    final Path root;
    private final String superuserPassword;
    final List<Node> nodes = new ArrayList<>();
    final int ttl;
    final int loopWait;
    private final boolean usePgRewind;
    /** Keys put into bootstrap.dcs over the example's (the cluster's first dynamic configuration). */
    private final Map<String, Object> dynamicOverrides;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One member: its ports, directories and daemon process. */
    final class Node {
        final String name;
        final int pgPort;
        final int restPort;
        final Path dir;
        final Path config;
        /** Extra environment for the daemon (e.g. JPATRONI_JAVA_OPTS), set before {@link #start()}. */
        final Map<String, String> environment = new java.util.HashMap<>();
        Process daemon;

        Node(String name, int pgPort, int restPort, Path dir, Path config) {
            this.name = name;
            this.pgPort = pgPort;
            this.restPort = restPort;
            this.dir = dir;
            this.config = config;
        }

        Path dataDir() {
            return dir.resolve("data");
        }

        Path log() {
            return dir.resolve("jpatroni.log");
        }

        /** What the callback scripts received, one invocation per line: "action role scope". */
        List<String> callbacks() throws IOException {
            Path file = dir.resolve("callbacks.log");
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        }

        void start() throws IOException {
            ProcessBuilder builder = new ProcessBuilder(DIST.resolve("bin/jpatroni").toString(), config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
            builder.environment().keySet().removeIf(k -> k.startsWith("PATRONI_"));
            builder.environment().putAll(environment);
            daemon = builder.start();
        }

        /** SIGKILL the daemon and the postmaster: a machine that died. */
        void killHard() throws IOException, InterruptedException {
            if (daemon != null) {
                daemon.destroyForcibly();
                daemon.waitFor(10, TimeUnit.SECONDS);
            }
            postmasterPid().ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            waitForPostmasterExit(Duration.ofSeconds(10));
        }

        /** SIGTERM the daemon and wait for it to exit: a clean shutdown. */
        void stop() throws InterruptedException {
            if (daemon != null && daemon.isAlive()) {
                daemon.destroy();
                if (!daemon.waitFor(60, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly();
                }
            }
        }

        Optional<Long> postmasterPid() throws IOException {
            Path pid = dataDir().resolve("postmaster.pid");
            if (!Files.exists(pid)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pid);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        }

        private void waitForPostmasterExit(Duration limit) throws IOException, InterruptedException {
            long end = System.nanoTime() + limit.toNanos();
            Optional<Long> pid = postmasterPid();
            while (pid.isPresent() && ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false)
                    && System.nanoTime() < end) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }

        /** Replicas streaming from this node, as its pg_stat_replication says. */
        int streamingReplicas() throws SQLException {
            return count("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'");
        }

        /** In recovery with a walreceiver that streams; false when PostgreSQL does not answer. */
        boolean isStreamingReplica() {
            try {
                return count("SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming' AND pg_is_in_recovery()") == 1;
            } catch (SQLException e) {
                return false;
            }
        }

        /** Whether row {@code id} of table {@code t} is visible here; false when PostgreSQL does not answer. */
        boolean hasRow(int id) {
            try {
                return count("SELECT count(*) FROM t WHERE id = " + id) == 1;
            } catch (SQLException e) {
                return false;
            }
        }

        int count(String sql) throws SQLException {
            try (Connection c = connect(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getInt(1);
            }
        }

        void execute(String sql) throws SQLException {
            try (Connection c = connect(); var st = c.createStatement()) {
                st.execute(sql);
            }
        }

        Connection connect() throws SQLException {
            return connect(Duration.ofSeconds(5));
        }

        /** @param socketTimeout how long a statement may wait for an answer; zero = for ever */
        Connection connect(Duration socketTimeout) throws SQLException {
            Properties props = new Properties();
            props.setProperty("user", SUPERUSER);
            props.setProperty("password", superuserPassword);
            props.setProperty("connectTimeout", "2");
            props.setProperty("socketTimeout", String.valueOf(socketTimeout.toSeconds()));
            return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", props);
        }

        int rest(String method, String path) {
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                        .timeout(Duration.ofSeconds(2)).method(method, HttpRequest.BodyPublishers.noBody()).build();
                return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        String restBody(String path) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    ClusterHarness(int size, int ttl, int loopWait) throws IOException, InterruptedException {
        this(size, ttl, loopWait, true);
    }

    /** @param usePgRewind false: a returning primary whose timeline diverged must be cloned afresh */
    ClusterHarness(int size, int ttl, int loopWait, boolean usePgRewind) throws IOException, InterruptedException {
        this(DcsKind.ETCD, size, ttl, loopWait, usePgRewind);
    }

    ClusterHarness(DcsKind kind, int size, int ttl, int loopWait) throws IOException, InterruptedException {
        this(kind, size, ttl, loopWait, true);
    }

    ClusterHarness(DcsKind kind, int size, int ttl, int loopWait, boolean usePgRewind)
            throws IOException, InterruptedException {
        this(kind, size, ttl, loopWait, usePgRewind, Map.of());
    }

    /** @param dynamicOverrides merged into bootstrap.dcs (nested maps key by key), e.g. synchronous_mode */
    @SuppressWarnings("unchecked")
    ClusterHarness(DcsKind kind, int size, int ttl, int loopWait, boolean usePgRewind,
                   Map<String, Object> dynamicOverrides) throws IOException, InterruptedException {
        this.kind = kind;
        this.dynamicOverrides = Map.copyOf(dynamicOverrides);
        latest = this;
        this.usePgRewind = usePgRewind;
        this.ttl = ttl;
        this.loopWait = loopWait;
        Map<String, Object> example = new Yaml().load(Files.readString(Fixtures.example(kind.example)));
        Map<String, Object> auth = (Map<String, Object>) ((Map<String, Object>) example.get("postgresql")).get("authentication");
        this.superuserPassword = String.valueOf(((Map<String, Object>) auth.get("superuser")).get("password"));
        if (kind == DcsKind.ETCD) {
            EtcdServer server = EtcdServer.start();
            this.etcd = server;
            this.dcs = new DcsServer() {
                @Override
                public String hostPort() {
                    return server.hostPort();
                }

                @Override
                public void kill() throws Exception {
                    server.kill();
                }

                @Override
                public void close() throws Exception {
                    server.close();
                }
            };
        } else {
            this.etcd = null;
            this.dcs = ZooKeeperTestServer.start();
        }
        this.root = Files.createTempDirectory("jpatroni-cluster-it");
        for (int i = 1; i <= size; i++) {
            String name = "node" + i;
            Path dir = Files.createDirectories(root.resolve(name));
            int pgPort = FreePorts.next();
            int restPort = FreePorts.next();
            Path config = dir.resolve("patroni.yml");
            Files.writeString(config, kind == DcsKind.ETCD ? nodeConfig(name, pgPort, restPort, dir)
                    : zooKeeperNodeConfig(name, pgPort, restPort, dir));
            nodes.add(new Node(name, pgPort, restPort, dir, config));
        }
    }

    /** The etcd example (etcd3: section, rewind user, slots, scram pg_hba) adapted to this machine. */
    @SuppressWarnings("unchecked")
    private String nodeConfig(String name, int pgPort, int restPort, Path dir) throws IOException {
        Map<String, Object> yml = new Yaml().load(Files.readString(Fixtures.example(kind.example)));
        yml.put("scope", SCOPE);
        yml.put("name", name);
        Map<String, Object> restapi = (Map<String, Object>) yml.get("restapi");
        restapi.put("listen", "127.0.0.1:" + restPort);
        restapi.put("connect_address", "127.0.0.1:" + restPort);
        ((Map<String, Object>) yml.get("etcd3")).put("hosts", List.of(dcs.hostPort()));
        Map<String, Object> dcs = (Map<String, Object>) ((Map<String, Object>) yml.get("bootstrap")).get("dcs");
        dcs.put("ttl", ttl);
        dcs.put("loop_wait", loopWait);
        dcs.put("retry_timeout", Math.max(3, (ttl - loopWait) / 2 - 1));
        ((Map<String, Object>) dcs.get("postgresql")).put("use_pg_rewind", usePgRewind);
        mergeInto(dcs, dynamicOverrides);
        // The example has no watchdog section (= automatic): where this user could write /dev/watchdog, the
        // tests' kill -9 of a leader would reset the machine. WatchdogIT sets its own section.
        yml.putIfAbsent("watchdog", new LinkedHashMap<>(Map.of("mode", "off")));
        Map<String, Object> pg = (Map<String, Object>) yml.get("postgresql");
        pg.put("listen", "127.0.0.1:" + pgPort);
        pg.put("connect_address", "127.0.0.1:" + pgPort);
        pg.put("data_dir", dir.resolve("data").toString());
        pg.put("bin_dir", "/usr/lib/postgresql/15/bin");
        pg.put("pgpass", dir.resolve("pgpass").toString());
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("unix_socket_directories", dir.toString());
        pg.put("parameters", parameters);
        // Every callback appends its arguments to callbacks.log: the tests read what operators' scripts would see.
        Path script = dir.resolve("callback.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$@\" >> " + dir.resolve("callbacks.log") + "\n");
        script.toFile().setExecutable(true, false);
        Map<String, Object> callbacks = new LinkedHashMap<>();
        for (String event : List.of("on_start", "on_stop", "on_restart", "on_reload", "on_role_change")) {
            callbacks.put(event, script.toString());
        }
        pg.put("callbacks", callbacks);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(yml);
    }

    /**
     * The ZooKeeper example (zookeeper: section, synchronous mode, WAL archive, rewind, slots)
     * adapted to this machine: loopback addresses, free ports, directories under the test's root.
     */
    @SuppressWarnings("unchecked")
    private String zooKeeperNodeConfig(String name, int pgPort, int restPort, Path dir) throws IOException {
        Map<String, Object> yml = new Yaml().load(Files.readString(Fixtures.example(kind.example)));
        Path archive = Files.createDirectories(root.resolve("wal_archive")); // shared by every member
        yml.put("scope", SCOPE);
        yml.put("name", name);
        Map<String, Object> restapi = (Map<String, Object>) yml.get("restapi");
        restapi.put("listen", "127.0.0.1:" + restPort);
        restapi.put("connect_address", "127.0.0.1:" + restPort);
        ((Map<String, Object>) yml.get("zookeeper")).put("hosts", List.of(dcs.hostPort()));
        Map<String, Object> dcsConfig = (Map<String, Object>) ((Map<String, Object>) yml.get("bootstrap")).get("dcs");
        dcsConfig.put("ttl", ttl);
        dcsConfig.put("loop_wait", loopWait);
        dcsConfig.put("retry_timeout", Math.max(3, (ttl - loopWait) / 2 - 1));
        mergeInto(dcsConfig, dynamicOverrides);
        Map<String, Object> dcsPostgres = (Map<String, Object>) dcsConfig.get("postgresql");
        dcsPostgres.put("use_pg_rewind", usePgRewind);
        Map<String, Object> dcsParameters = (Map<String, Object>) dcsPostgres.get("parameters");
        dcsParameters.put("archive_command", "test ! -f " + archive + "/%f && cp %p " + archive + "/%f");
        yml.put("recovery_conf", new LinkedHashMap<>(Map.of("restore_command", "cp " + archive + "/%f %p")));
        Map<String, Object> pg = (Map<String, Object>) yml.get("postgresql");
        pg.put("listen", "127.0.0.1:" + pgPort);
        pg.put("connect_address", "127.0.0.1:" + pgPort);
        pg.put("data_dir", dir.resolve("data").toString());
        pg.put("bin_dir", "/usr/lib/postgresql/15/bin");
        pg.put("pgpass", dir.resolve("pgpass").toString());
        ((Map<String, Object>) pg.get("parameters")).put("unix_socket_directories", dir.toString());
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(yml);
    }

    /** Puts {@code overrides} into {@code target}; where both hold a map, merges them key by key. */
    @SuppressWarnings("unchecked")
    private static void mergeInto(Map<String, Object> target, Map<String, Object> overrides) {
        overrides.forEach((key, value) -> {
            if (value instanceof Map<?, ?> inner && target.get(key) instanceof Map<?, ?> existing) {
                Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) existing);
                mergeInto(merged, (Map<String, Object>) inner);
                target.put(key, merged);
            } else {
                target.put(key, value);
            }
        });
    }

    /** Rewrites {@code node}'s patroni.yml before it starts: method sections, hooks, local settings. */
    @SuppressWarnings("unchecked")
    void editConfig(Node node, java.util.function.Consumer<Map<String, Object>> edit) throws IOException {
        Map<String, Object> yml = new Yaml().load(Files.readString(node.config));
        edit.accept(yml);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(node.config, new Yaml(options).dump(yml));
    }

    /** A shell script in {@code node}'s directory, executable by the daemon. */
    Path script(Node node, String name, String body) throws IOException {
        Path script = node.dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body);
        script.toFile().setExecutable(true, false);
        return script;
    }

    void startAll() throws IOException {
        for (Node node : nodes) {
            node.start();
        }
    }

    Node node(String name) {
        return nodes.stream().filter(n -> n.name.equals(name)).findFirst().orElseThrow();
    }

    /** The node whose PostgreSQL accepts a write right now, if exactly one does. */
    Optional<Node> writablePrimary() {
        List<Node> writable = new ArrayList<>();
        for (Node node : nodes) {
            if (acceptsWrites(node)) {
                writable.add(node);
            }
        }
        if (writable.size() > 1) {
            throw new AssertionError("split brain: " + writable + " all accept writes");
        }
        return writable.stream().findFirst();
    }

    /** What a jpatronictl run printed. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    /** Runs the packaged {@code jpatronictl -c <node1's config> args...} with {@code input} on stdin. */
    Result ctl(String input, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(DIST.resolve("bin/jpatronictl").toString(),
                "-c", nodes.get(0).config.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().write(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("jpatronictl " + String.join(" ", args) + " hung");
        }
        return new Result(p.exitValue(), new String(out, java.nio.charset.StandardCharsets.UTF_8),
                new String(err, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Waits until a replica of {@code leader} answers GET /sync with 200 (synchronous mode), and returns it. */
    Node awaitSynchronousStandby(Node leader, Duration limit) throws Exception {
        java.util.concurrent.atomic.AtomicReference<Node> found = new java.util.concurrent.atomic.AtomicReference<>();
        await("a synchronous standby of " + leader, limit, () -> {
            for (Node n : nodes) {
                if (n != leader && n.rest("GET", "/sync") == 200) {
                    found.set(n);
                    return true;
                }
            }
            return false;
        });
        return found.get();
    }

    static boolean acceptsWrites(Node node) {
        try (Connection c = node.connect(); var st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS probe (id int primary key, at timestamptz)");
            st.execute("INSERT INTO probe VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET at = now()");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Polls {@code check} every 200 ms until it holds or {@code limit} passes; returns how long it took. */
    static Duration await(String what, Duration limit, Check check) throws Exception {
        long start = System.nanoTime();
        long end = start + limit.toNanos();
        Exception last = null;
        while (System.nanoTime() < end) {
            try {
                if (check.holds()) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
            } catch (Exception e) {
                last = e;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what
                + (last == null ? "" : " (last error: " + last + ")"));
    }

    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    String logs() throws IOException {
        StringBuilder out = new StringBuilder();
        for (Node node : nodes) {
            out.append("\n===== ").append(node.name).append(" =====\n");
            if (Files.exists(node.log())) {
                List<String> lines = Files.readAllLines(node.log());
                lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(l -> out.append(l).append('\n'));
            }
        }
        return out.toString();
    }

    @Override
    public void close() throws Exception {
        for (Node node : nodes) {
            try {
                node.killHard();
            } catch (Exception e) {
                // keep cleaning the others
            }
        }
        dcs.close();
        if (!Boolean.getBoolean("jpatroni.keepTestData")) {
            try (var files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
