package io.jpatroni.testing.consul;

import io.jpatroni.testing.FreePorts;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code consul agent -dev} (single server, in-memory state) on free loopback ports, for
 * running the same tests against Consul itself when a {@code consul} binary is installed. The
 * binary is {@code -Djpatroni.consul=<path>} or the first {@code consul} on the PATH.
 *
 * <p>The agent is started with {@code session_ttl_min = "1s"} so that tests can use short ttls,
 * DNS and gRPC disabled, and all other ports probed free.
 */
public final class ConsulAgentProcess implements ConsulServerHandle {

    private final Path binary;
    private final Path workDir;
    private final int httpPort;
    private final List<Integer> otherPorts;
    private Process process;

    private ConsulAgentProcess(Path binary, Path workDir, int httpPort, List<Integer> otherPorts) {
        this.binary = binary;
        this.workDir = workDir;
        this.httpPort = httpPort;
        this.otherPorts = otherPorts;
    }

    /** The consul binary to use, if any. */
    public static Optional<Path> binary() {
        String configured = System.getProperty("jpatroni.consul");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "consul");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static boolean available() {
        return binary().isPresent();
    }

    public static ConsulAgentProcess launch() throws IOException, InterruptedException {
        Path bin = binary().orElseThrow(() -> new IOException("no consul binary (PATH or -Djpatroni.consul)"));
        Path dir = Files.createTempDirectory("jpatroni-consul-agent");
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ports.add(FreePorts.next());
        }
        ConsulAgentProcess agent = new ConsulAgentProcess(bin, dir, FreePorts.next(), ports);
        try {
            agent.run();
        } catch (IOException | RuntimeException | InterruptedException e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    private void run() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "agent", "-dev",
                "-node=jpatroni-test", "-bind=127.0.0.1", "-client=127.0.0.1", "-advertise=127.0.0.1",
                "-http-port=" + httpPort, "-dns-port=-1", "-grpc-port=-1",
                "-serf-lan-port=" + otherPorts.get(0), "-serf-wan-port=" + otherPorts.get(1),
                "-server-port=" + otherPorts.get(2),
                "-hcl=session_ttl_min = \"1s\""));
        if (supportsFlag("-grpc-tls-port")) {
            command.add("-grpc-tls-port=-1"); // Consul >= 1.14 opens it by default in -dev mode
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("consul.log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("CONSUL_"));
        process = builder.start();
        awaitLeader(Duration.ofSeconds(30));
    }

    private boolean supportsFlag(String flag) throws IOException, InterruptedException {
        Process help = new ProcessBuilder(binary.toString(), "agent", "-h").redirectErrorStream(true).start();
        String text = new String(help.getInputStream().readAllBytes());
        help.waitFor(10, TimeUnit.SECONDS);
        return text.contains(flag);
    }

    private void awaitLeader(Duration limit) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException("consul exited with " + process.exitValue() + ": " + log());
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://" + hostPort() + "/v1/status/leader")).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().length() > 2) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IOException("consul did not elect itself within " + limit + ": " + log());
    }

    private String log() {
        try {
            String text = Files.readString(workDir.resolve("consul.log"));
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public String hostPort() {
        return "127.0.0.1:" + httpPort;
    }

    @Override
    public void stop() {
        end(false);
    }

    @Override
    public void kill() {
        end(true);
    }

    private void end(boolean forcibly) {
        Process p = process;
        if (p == null) {
            return;
        }
        p.descendants().forEach(forcibly ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
        if (forcibly) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        process = null;
    }

    @Override
    public void start() throws IOException, InterruptedException {
        if (process == null) {
            run();
        }
    }

    @Override
    public String describe() {
        return "consul agent -dev (" + binary + ") at " + hostPort();
    }

    @Override
    public void close() {
        kill();
        try (var files = Files.walk(workDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
