package io.jpatroni.core.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jpatroni.core.config.RestAccessConfig;
import io.jpatroni.core.tls.ServerTls;
import io.jpatroni.core.tls.TestCertificates;
import io.jpatroni.testing.FreePorts;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real HAProxy health-checking REST servers over TLS ({@code check-ssl verify required ca-file}),
 * the servers demanding a client certificate (verify_client: required): with HAProxy presenting
 * one, the primary is UP and the replica DOWN on GET /primary; without one, both are DOWN.
 */
class HaproxyTlsCheckIT {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

    @TempDir
    Path tmp;

    @Test
    void haproxyChecksPrimaryOverTlsWithAClientCertificate() throws Exception {
        assertTrue(Files.isExecutable(HAPROXY), "HAProxy is required: apt-get install -y haproxy");
        TestCertificates certs = TestCertificates.create(Files.createDirectories(tmp.resolve("certs")));
        List<RestServer> servers = new ArrayList<>();
        Process haproxy = null;
        Path log = tmp.resolve("haproxy.log");
        try {
            for (FakeContext context : List.of(FakeContext.primary("node1"), FakeContext.replica("node2"))) {
                ServerTls tls = ServerTls.load(certs.path("server.crt"), Optional.of(certs.path("server-pkcs1-aes.key")),
                        Optional.of(TestCertificates.PASSWORD), Optional.of(certs.path("ca.crt")), Optional.empty(),
                        ServerTls.ClientAuth.REQUIRED);
                RestServer server = new RestServer("127.0.0.1", 0, context, Optional.empty(), Optional.empty(),
                        Pacer.REAL, Clock.systemUTC(), Optional.of(tls), RestAccessConfig.OPEN);
                server.start();
                servers.add(server);
            }
            Path socket = tmp.resolve("haproxy.sock");
            String ca = certs.path("ca.crt").toString();
            String crt = certs.path("client-combined.pem").toString();
            StringBuilder cfg = new StringBuilder()
                    .append("global\n    stats socket ").append(socket).append(" level admin\n")
                    .append("defaults\n    mode tcp\n    timeout connect 1s\n    timeout client 5s\n")
                    .append("    timeout server 5s\n    timeout check 2s\n");
            for (String backend : List.of("with_cert", "without_cert")) {
                cfg.append("listen ").append(backend).append("\n    bind 127.0.0.1:").append(FreePorts.next())
                        .append("\n    option httpchk GET /primary\n    http-check expect status 200\n")
                        .append("    default-server inter 200ms fall 2 rise 1\n");
                for (int i = 0; i < servers.size(); i++) {
                    cfg.append("    server node").append(i + 1).append(" 127.0.0.1:").append(FreePorts.next())
                            .append(" check port ").append(servers.get(i).port())
                            .append(" check-ssl verify required ca-file ").append(ca)
                            .append(backend.equals("with_cert") ? " crt " + crt : "").append('\n');
                }
            }
            Path file = tmp.resolve("haproxy.cfg");
            Files.writeString(file, cfg);
            haproxy = new ProcessBuilder(HAPROXY.toString(), "-f", file.toString(), "-db")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();

            Map<String, String> expected = new TreeMap<>(Map.of("with_cert/node1", "UP", "with_cert/node2", "DOWN",
                    "without_cert/node1", "DOWN", "without_cert/node2", "DOWN"));
            Map<String, String> seen = awaitSettled(haproxy, socket, expected, log);
            assertEquals(expected, seen, cfg + "\n" + Files.readString(log));
        } finally {
            if (haproxy != null) {
                haproxy.destroy();
                if (!haproxy.waitFor(5, TimeUnit.SECONDS)) {
                    haproxy.destroyForcibly().waitFor();
                }
            }
            servers.forEach(RestServer::stop);
        }
    }

    private static Map<String, String> awaitSettled(Process haproxy, Path socket, Map<String, String> expected,
                                                    Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, String> last = Map.of();
        int stable = 0;
        while (System.nanoTime() < deadline) {
            if (!haproxy.isAlive()) {
                fail("haproxy exited with " + haproxy.exitValue() + ":\n" + Files.readString(log));
            }
            if (Files.exists(socket)) {
                Map<String, String> reading = states(socket);
                stable = reading.equals(last) ? stable + 1 : 0;
                last = reading;
                if (last.equals(expected) && stable >= 5) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        return last;
    }

    /** {@code backend/server} → UP/DOWN (other states as HAProxy writes them). */
    private static Map<String, String> states(Path socket) throws IOException {
        String csv;
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("show stat\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            StringBuilder out = new StringBuilder();
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                out.append(StandardCharsets.UTF_8.decode(buffer));
                buffer.clear();
            }
            csv = out.toString();
        }
        Map<String, String> states = new TreeMap<>();
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            return states;
        }
        List<String> header = List.of(lines.get(0).substring(2).split(",", -1));
        int px = header.indexOf("pxname");
        int sv = header.indexOf("svname");
        int status = header.indexOf("status");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f[sv].startsWith("node")) {
                states.put(f[px] + "/" + f[sv], f[status]);
            }
        }
        return states;
    }
}
