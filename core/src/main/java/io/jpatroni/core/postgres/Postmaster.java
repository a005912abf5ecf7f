package io.jpatroni.core.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The postmaster of a data directory as the operating system sees it: postmaster.pid, liveness, children, signals. */
final class Postmaster {
    /** Process titles of the postmaster's children that are not client sessions (they cannot acknowledge commits). */
    private static final Pattern AUXILIARY = Pattern.compile(
            "(checkpointer|background writer|walwriter|wal writer|autovacuum launcher|autovacuum worker|archiver"
                    + "|logger|stats collector|startup|walreceiver|wal receiver|walsender|wal sender"
                    + "|logical replication launcher|logical replication worker|logical replication parallel"
                    + "|logical replication apply|logical replication tablesync|walsummarizer|bgworker:|io worker).*");

    /** Parsed postmaster.pid. */
    record PidFile(long pid, long startEpochSeconds, String status) {
    }

    private Postmaster() {
    }

    static Optional<PidFile> readPidFile(Path dataDir) {
        Path f = dataDir.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            long start = lines.size() > 2 ? parseLong(lines.get(2)) : 0;
            String status = lines.size() > 7 ? lines.get(7).trim() : "";
            return pid > 0 ? Optional.of(new PidFile(pid, start, status)) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The live postgres process named by postmaster.pid, if it really is that postmaster. */
    static Optional<ProcessHandle> live(Path dataDir) {
        return readPidFile(dataDir).flatMap(pf -> ProcessHandle.of(pf.pid())
                .filter(ProcessHandle::isAlive)
                .filter(Postmaster::isPostgres)
                .filter(h -> startedAt(h, pf.startEpochSeconds())));
    }

    private static boolean isPostgres(ProcessHandle h) {
        try {
            String comm = Files.readString(Path.of("/proc", Long.toString(h.pid()), "comm")).trim();
            return comm.equals("postgres") || comm.equals("postmaster");
        } catch (IOException e) {
            // no /proc (not Linux): fall back to the executable path when visible
            return h.info().command().map(c -> c.endsWith("/postgres") || c.endsWith("/postmaster")).orElse(true);
        }
    }

    /** Guards against a recycled pid: the process must have started when postmaster.pid says. */
    private static boolean startedAt(ProcessHandle h, long epochSeconds) {
        if (epochSeconds <= 0) {
            return true;
        }
        Optional<Instant> start = h.info().startInstant();
        return start.map(s -> Math.abs(s.getEpochSecond() - epochSeconds) <= 3).orElse(true);
    }

    static String title(ProcessHandle h) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** A child is a client backend unless its process title names an auxiliary process. */
    static boolean isClientBackend(String title, String clusterName) {
        String t = title;
        if (t.startsWith("postgres: ")) {
            t = t.substring("postgres: ".length());
        } else {
            return false; // not a retitled child (e.g. just forked): not a session yet
        }
        if (clusterName != null && !clusterName.isEmpty() && t.startsWith(clusterName + ": ")) {
            t = t.substring(clusterName.length() + 2);
        }
        return !AUXILIARY.matcher(t).matches();
    }

    static boolean hasClientBackends(ProcessHandle postmaster, String clusterName) {
        return postmaster.children().anyMatch(c -> c.isAlive() && isClientBackend(title(c), clusterName));
    }

    static void signal(long pid, String signal) throws PostgresException {
        ProcessRunner.Result r = ProcessRunner.run(List.of("kill", "-s", signal, Long.toString(pid)), Map.of(),
                Optional.of(Duration.ofSeconds(10)), line -> { });
        if (!r.ok() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            throw new PostgresException("could not send SIG" + signal + " to " + pid + ": " + r.output().trim());
        }
    }

    /** SIGKILL to the postmaster and every descendant (collected first: they are re-parented once it dies). */
    static void killTree(ProcessHandle postmaster) {
        List<ProcessHandle> descendants = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
