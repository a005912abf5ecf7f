package io.jpatroni.api.replica.support;

import io.jpatroni.api.replica.ReplicaMethod;
import io.jpatroni.api.replica.ReplicaResult;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a backup tool's restore for a {@link ReplicaMethod} or a bootstrap method, so that plugins share one
 * way of doing it: no timeout (a large restore takes hours) but an interrupt kills it and its children. Its output
 * is sampled into the progress log (errors and warnings always, other lines at most once per {@code reportEvery})
 * so a multi-hour restore logs a line an operator can follow without flooding the log with one line per file.
 */
public final class ToolProcess {

    private static final int TAIL_LINES = 8;
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private ToolProcess() {
    }

    /**
     * @param tool        the tool's name, prefixed to every line it logs ({@code pgbackrest})
     * @param installHint what to do when the program cannot be started ({@code install pgBackRest, or ...})
     * @throws InterruptedException when interrupted: the tool and its children are killed first
     */
    public static ReplicaResult run(String tool, String installHint, List<String> argv, Map<String, String> env,
                                    ReplicaMethod.Progress progress, Duration reportEvery) throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            return ReplicaResult.failure("could not run " + argv.get(0) + ": " + e.getMessage()
                    + " (" + installHint + ")");
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> forward(tool, process, progress, reportEvery, tail), tool + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            int exit = process.waitFor();
            reader.join(TimeUnit.SECONDS.toMillis(5));
            if (exit == 0) {
                return ReplicaResult.success();
            }
            synchronized (tail) {
                return ReplicaResult.failure(argv.get(0) + " exited with code " + exit
                        + (tail.isEmpty() ? "" : ": " + String.join(" | ", tail)));
            }
        } catch (InterruptedException e) {
            kill(process);
            throw new InterruptedException(argv.get(0) + " was cancelled and killed");
        }
    }

    private static void forward(String tool, Process process, ReplicaMethod.Progress progress, Duration reportEvery, Deque<String> tail) {
        long every = reportEvery.toNanos();
        long lastReport = System.nanoTime() - every;
        long skipped = 0;
        String last = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
                long now = System.nanoTime();
                boolean important = line.contains("ERROR:") || line.contains("WARN:") || line.contains("command begin")
                        || line.contains("command end");
                if (important || now - lastReport >= every) {
                    progress.report(tool + ": " + line.trim() + (skipped > 0 ? " (" + skipped + " lines since the last one)" : ""));
                    lastReport = now;
                    skipped = 0;
                    last = null;
                } else {
                    skipped++;
                    last = line;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // the process was killed: its pipe closed under us
        }
        if (last != null) {
            progress.report(tool + ": " + last.trim());
        }
    }

    /** SIGTERM to the process and its children, then SIGKILL to whatever is left after a grace period. */
    private static void kill(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException again) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
