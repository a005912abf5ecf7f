package io.jpatroni.core.methods;

import io.jpatroni.api.replica.ReplicaMethod;
import io.jpatroni.api.replica.ReplicaResult;
import io.jpatroni.core.postgres.PostgresException;
import io.jpatroni.core.postgres.ProcessRunner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs a method's or hook's command: its output goes to the log line by line; an interrupt kills it. */
final class MethodProcess {

    private MethodProcess() {
    }

    /**
     * @param timeout empty for restores, which take as long as the data needs (they are cancelled by interrupt)
     */
    static ReplicaResult run(List<String> argv, Map<String, String> env, Optional<Duration> timeout,
                             ReplicaMethod.Progress progress) throws InterruptedException {
        ProcessRunner.Result r;
        try {
            r = ProcessRunner.run(argv, env, timeout, progress::report);
        } catch (PostgresException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException(argv.get(0) + " was cancelled");
            }
            return ReplicaResult.failure(e.getMessage());
        }
        if (r.ok()) {
            return ReplicaResult.success();
        }
        return ReplicaResult.failure(r.exitCode() == -1 && timeout.isPresent()
                ? argv.get(0) + " did not finish within " + timeout.get().toSeconds() + " s and was killed"
                : argv.get(0) + " exited with code " + r.exitCode());
    }
}
