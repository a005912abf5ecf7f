package io.jpatroni.core.postgres;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs PostgreSQL's command-line tools as short-lived children and collects their output. */
public final class ProcessRunner {
    /** Exit code and the combined stdout/stderr (bounded). */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private static final int MAX_OUTPUT = 64 * 1024;

    private ProcessRunner() {
    }

    /** The daemon's environment without what must not leak into PostgreSQL's processes (§22.7). */
    static Map<String, String> childEnvironment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("PATRONI_") || k.startsWith("KUBERNETES_") || k.equals("NOTIFY_SOCKET"));
        String arena = env.remove("PG_MALLOC_ARENA_MAX");
        if (arena != null) {
            env.put("MALLOC_ARENA_MAX", arena);
        }
        return env;
    }

    /** Short tools (version checks, --help): a hung one is killed after this instead of holding its caller. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    static Result run(List<String> command, Map<String, String> extraEnv) throws PostgresException {
        return run(command, extraEnv, Optional.of(DEFAULT_TIMEOUT), line -> { });
    }

    /**
     * Runs with stdin from /dev/null and stderr merged into stdout; every output line (split on \n or \r, so
     * progress reports arrive as they are printed) goes to {@code lineSink}. On timeout the child is killed
     * and the exit code is -1.
     */
    public static Result run(List<String> command, Map<String, String> extraEnv, Optional<Duration> timeout,
                      Consumer<String> lineSink) throws PostgresException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(childEnvironment());
        pb.environment().putAll(extraEnv);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new PostgresException("could not run " + command.get(0) + ": " + e.getMessage(), e);
        }
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> readLines(p.getInputStream(), line -> {
            synchronized (out) {
                if (out.length() < MAX_OUTPUT) {
                    out.append(line).append('\n');
                }
            }
            lineSink.accept(line);
        }), "output-" + new File(command.get(0)).getName());
        reader.setDaemon(true);
        reader.start();
        try {
            boolean finished;
            if (timeout.isPresent()) {
                finished = p.waitFor(timeout.get().toMillis(), TimeUnit.MILLISECONDS);
            } else {
                p.waitFor();
                finished = true;
            }
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            reader.join(2000);
            synchronized (out) {
                return new Result(finished ? p.exitValue() : -1, out.toString());
            }
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new PostgresException("interrupted while running " + command.get(0), e);
        }
    }

    private static void readLines(InputStream in, Consumer<String> sink) {
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = r.read()) >= 0) {
                if (c == '\n' || c == '\r') {
                    if (line.length() > 0) {
                        sink.accept(line.toString());
                        line.setLength(0);
                    }
                } else {
                    line.append((char) c);
                }
            }
            if (line.length() > 0) {
                sink.accept(line.toString());
            }
        } catch (IOException ignored) {
            // the child closed its output; nothing more to read
        }
    }
}
