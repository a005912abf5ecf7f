package io.jpatroni.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A real single-member etcd on loopback with free ports and a throw-away data directory. */
public final class EtcdServer implements AutoCloseable {

    public static final Path BINARY = Path.of(System.getProperty("jpatroni.etcd", "/usr/bin/etcd"));

    private final Path dataRoot;
    private final int clientPort;
    private final int peerPort;
    private Process process;

    private EtcdServer(Path dataRoot, int clientPort, int peerPort) {
        this.dataRoot = dataRoot;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    public static EtcdServer start() throws IOException, InterruptedException {
        Path root = Files.createTempDirectory("jpatroni-etcd-it");
        int clientPort = FreePorts.next();
        int peerPort = FreePorts.next();
        while (peerPort == clientPort) {
            peerPort = FreePorts.next();
        }
        EtcdServer server = new EtcdServer(root, clientPort, peerPort);
        try {
            server.launch();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Starts etcd again on the same ports and data after {@link #kill()}. */
    public void restart() throws IOException, InterruptedException {
        kill();
        launch();
    }

    private void launch() throws IOException, InterruptedException {
        Path root = dataRoot;
        Files.deleteIfExists(root.resolve("etcd.log"));
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        ProcessBuilder builder = new ProcessBuilder(List.of(BINARY.toString(),
                "--name", "default",
                "--data-dir", root.resolve("data").toString(),
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "default=" + peer,
                "--initial-cluster-state", "new"))
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("etcd.log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
        process = builder.start();
        awaitReady(Duration.ofSeconds(20));
    }

    private void awaitReady(Duration limit) throws IOException, InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException("etcd exited with " + process.exitValue() + ": " + log());
            }
            if (Files.exists(dataRoot.resolve("etcd.log"))
                    && Files.readString(dataRoot.resolve("etcd.log")).contains("ready to serve client requests")
                    && accepts()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IOException("etcd did not become ready within " + limit + ": " + log());
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", clientPort), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }


    public String hostPort() {
        return "127.0.0.1:" + clientPort;
    }

    public String clientUrl() {
        return "http://" + hostPort();
    }

    public String log() throws IOException {
        Path log = dataRoot.resolve("etcd.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** SIGKILL, like a crashed server or a pulled cable: nobody answers any more. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * SIGSTOP (true) or SIGCONT (false): a frozen server keeps its connections open and answers
     * nothing, the hardest case for a client's timeouts (a VM pause, a stuck disk).
     */
    public void freeze(boolean frozen) throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(process.pid())).inheritIO()
                    .start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Runs {@code etcdctl} against this server and returns its standard output. */
    public byte[] etcdctl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/etcdctl", "--endpoints", clientUrl()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("ETCDCTL_API", "3");
        Process ctl = builder.start();
        byte[] out = ctl.getInputStream().readAllBytes();
        if (!ctl.waitFor(20, TimeUnit.SECONDS) || ctl.exitValue() != 0) {
            ctl.destroyForcibly();
            throw new IOException("etcdctl " + String.join(" ", args) + " failed");
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        kill();
        try (Stream<Path> files = Files.walk(dataRoot)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
