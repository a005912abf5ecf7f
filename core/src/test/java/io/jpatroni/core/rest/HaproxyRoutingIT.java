package io.jpatroni.core.rest;

import io.jpatroni.testing.FreePorts;
import io.jpatroni.testing.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real HAProxy in front of three REST servers, with the project's example HAProxy configurations
 * (distribution/src/conf/examples/*.cfg) and, when present, the users' own (shared
 * fixtures/seed-haproxy/*.cfg) moved to loopback: node1 is the primary holding the lock, node2
 * and node3 are streaming replicas. HAProxy must mark exactly the servers it would mark in front
 * of Patroni (rest-api.md §4.4).
 *
 * <p>Rewrites per fixture: the i-th {@code server} line of each section points at node(i)'s
 * REST port for its check and at an unused loopback port for traffic; {@code bind *:N} becomes a
 * free loopback port; {@code log /dev/log}, {@code user} and {@code group} lines are dropped (no
 * syslog socket, no privileges here); a {@code stats socket} is added to {@code global} so the
 * test can read {@code show stat}; and {@code inter 3s} becomes {@code inter 200ms} so the checks
 * settle within a second or two instead of ten.
 */
class HaproxyRoutingIT {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final Pattern SERVER = Pattern.compile("^(\\s*server\\s+\\S+\\s+)(\\S+)(.*)$");
    private static final Pattern BIND = Pattern.compile("^(\\s*bind\\s+)\\*:(\\d+)(.*)$");
    private static final Pattern HTTPCHK = Pattern.compile("^\\s*option\\s+httpchk\\s*(.*)$");
    private static final Pattern SECTION = Pattern.compile("^(global|defaults|listen|frontend|backend)\\b\\s*(\\S*).*$");
    private static final Duration SETTLE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    static Stream<Arguments> fixtures() {
        List<Path> own = Fixtures.examples(".cfg");
        assertEquals(List.of("haproxy-primary-replicas.cfg", "haproxy-read-only.cfg"),
                own.stream().map(p -> p.getFileName().toString()).filter(n -> n.startsWith("haproxy-")).toList(),
                "the project's HAProxy examples in " + Fixtures.examples());
        List<Path> all = new ArrayList<>(own);
        all.addAll(Fixtures.sharedHaproxy());
        List<Arguments> cases = new ArrayList<>();
        for (Path cfg : all) {
            String label = cfg.getParent().getFileName() + "/" + cfg.getFileName();
            cases.add(Arguments.of(label, cfg, false));
            cases.add(Arguments.of(label, cfg, true));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, node3 noloadbalance={2}")
    @MethodSource("fixtures")
    void haproxyMarksTheServersPatroniWouldHaveItMark(String fixture, Path source, boolean node3NoLoadBalance)
            throws Exception {
        assertTrue(Files.isExecutable(HAPROXY), "HAProxy is required: apt-get install -y haproxy");
        List<FakeContext> contexts = List.of(FakeContext.primary("node1"), FakeContext.replica("node2"),
                node3NoLoadBalance ? FakeContext.replica("node3", Map.of("noloadbalance", true))
                        : FakeContext.replica("node3"));
        List<RestServer> servers = new ArrayList<>();
        Process haproxy = null;
        Path log = tmp.resolve("haproxy.log");
        try {
            for (FakeContext context : contexts) {
                RestServer server = new RestServer("127.0.0.1", 0, context, Optional.empty());
                server.start();
                servers.add(server);
            }
            List<Integer> restPorts = servers.stream().map(RestServer::port).toList();
            Path socket = tmp.resolve("haproxy.sock");
            LoopbackConfig config = rewrite(Files.readAllLines(source),
                    restPorts, socket);
            Path cfg = tmp.resolve(source.getFileName());
            Files.writeString(cfg, config.text());

            haproxy = new ProcessBuilder(HAPROXY.toString(), "-f", cfg.toString(), "-db")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();

            Map<String, Set<String>> expected = new TreeMap<>();
            config.checks().forEach((section, check) -> expected.put(section,
                    expectedUp(check, config.servers().get(section), node3NoLoadBalance)));
            assertTrue(!expected.isEmpty(), "fixture has no checked backend: " + fixture);

            Map<String, Set<String>> up = awaitSettled(haproxy, socket, config.servers(), expected, log);
            assertEquals(expected, up, fixture + " with config\n" + config.text());
        } finally {
            if (haproxy != null) {
                haproxy.descendants().forEach(ProcessHandle::destroyForcibly);
                haproxy.destroy();
                if (!haproxy.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    haproxy.destroyForcibly().waitFor();
                }
            }
            servers.forEach(RestServer::stop);
        }
    }

    /** Which servers of a section are UP in front of Patroni, from the section's check request. */
    private static Set<String> expectedUp(String check, List<String> serverNames, boolean node3NoLoadBalance) {
        String path = check.isBlank() ? "/" : check.trim().split("\\s+")[1];
        Set<Integer> nodes;
        switch (path) {
            case "/":
            case "/master":
            case "/primary":
                nodes = Set.of(1);
                break;
            case "/replica":
                nodes = node3NoLoadBalance ? Set.of(2) : Set.of(2, 3);
                break;
            case "/read-only":
                nodes = node3NoLoadBalance ? Set.of(1, 2) : Set.of(1, 2, 3);
                break;
            case "/patroni":
                nodes = Set.of(1, 2, 3);
                break;
            default:
                throw new AssertionError("no expectation for health check '" + check + "'");
        }
        Set<String> up = new TreeSet<>();
        for (int i = 0; i < serverNames.size(); i++) {
            if (nodes.contains(i + 1)) {
                up.add(serverNames.get(i));
            }
        }
        return up;
    }

    /**
     * Polls {@code show stat} until every checked server has left its initial state and the UP
     * sets equal the expectation for a few consecutive check rounds; returns the last reading.
     */
    private static Map<String, Set<String>> awaitSettled(Process haproxy, Path socket,
                                                         Map<String, List<String>> servers,
                                                         Map<String, Set<String>> expected, Path log)
            throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Map<String, Set<String>> last = Map.of();
        int stable = 0;
        while (System.nanoTime() < deadline) {
            if (!haproxy.isAlive()) {
                fail("haproxy exited with " + haproxy.exitValue() + ":\n" + Files.readString(log));
            }
            if (Files.exists(socket)) {
                Optional<Map<String, Set<String>>> reading = readUp(socket, servers);
                if (reading.isPresent()) {
                    stable = reading.get().equals(last) ? stable + 1 : 0;
                    last = reading.get();
                    if (last.equals(expected) && stable >= 5) {
                        return last;
                    }
                }
            }
            Thread.sleep(200);
        }
        return last;
    }

    /** UP servers per section, or empty while some server is still in a transitional or initial state. */
    private static Optional<Map<String, Set<String>>> readUp(Path socket, Map<String, List<String>> servers)
            throws IOException {
        String csv = adminCommand(socket, "show stat\n");
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            return Optional.empty();
        }
        List<String> header = List.of(lines.get(0).substring(2).split(",", -1));
        int px = header.indexOf("pxname");
        int sv = header.indexOf("svname");
        int status = header.indexOf("status");
        int checkStatus = header.indexOf("check_status");
        Map<String, Set<String>> up = new TreeMap<>();
        servers.keySet().forEach(s -> up.put(s, new TreeSet<>()));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (!servers.containsKey(f[px]) || !servers.get(f[px]).contains(f[sv])) {
                continue;
            }
            String state = f[status];
            if (f[checkStatus].startsWith("INI") || !(state.equals("UP") || state.equals("DOWN"))) {
                return Optional.empty();
            }
            if (state.equals("UP")) {
                up.get(f[px]).add(f[sv]);
            }
        }
        return Optional.of(up);
    }

    private static String adminCommand(Path socket, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(command.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            StringBuilder out = new StringBuilder();
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                out.append(StandardCharsets.UTF_8.decode(buffer));
                buffer.clear();
            }
            return out.toString();
        }
    }

    /** The rewritten configuration, the server names per checked section and each section's httpchk arguments. */
    record LoopbackConfig(String text, Map<String, List<String>> servers, Map<String, String> checks) {
    }

    static LoopbackConfig rewrite(List<String> lines, List<Integer> restPorts, Path socket) throws IOException {
        StringBuilder out = new StringBuilder();
        Map<String, List<String>> servers = new LinkedHashMap<>();
        Map<String, String> checks = new LinkedHashMap<>();
        String section = "";
        String name = "";
        for (String line : lines) {
            String trimmed = line.trim();
            Matcher sectionLine = SECTION.matcher(line);
            if (sectionLine.matches()) {
                section = sectionLine.group(1);
                name = sectionLine.group(2);
                out.append(line).append('\n');
                if (section.equals("global")) {
                    out.append("    stats socket ").append(socket).append(" level admin\n");
                }
                continue;
            }
            if (trimmed.startsWith("log /dev/log") || trimmed.startsWith("user ") || trimmed.startsWith("group ")) {
                continue;
            }
            Matcher bind = BIND.matcher(line);
            if (bind.matches()) {
                out.append(bind.group(1)).append("127.0.0.1:").append(FreePorts.next()).append(bind.group(3)).append('\n');
                continue;
            }
            Matcher check = HTTPCHK.matcher(line);
            if (check.matches()) {
                checks.put(name, check.group(1));
            }
            Matcher server = SERVER.matcher(line);
            if (server.matches()) {
                List<String> names = servers.computeIfAbsent(name, k -> new ArrayList<>());
                String serverName = server.group(1).trim().split("\\s+")[1];
                int node = names.size();
                names.add(serverName);
                if (node >= restPorts.size()) {
                    throw new AssertionError("fixture has more servers than nodes in " + name);
                }
                String rest = server.group(3).replace("check port 8008", "check port " + restPorts.get(node));
                out.append(server.group(1)).append("127.0.0.1:").append(FreePorts.next()).append(rest).append('\n');
                continue;
            }
            out.append(line.replace("inter 3s", "inter 200ms")).append('\n');
        }
        servers.keySet().retainAll(checks.keySet());
        return new LoopbackConfig(out.toString(), servers, checks);
    }

}
