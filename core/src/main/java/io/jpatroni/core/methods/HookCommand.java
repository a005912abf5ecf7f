package io.jpatroni.core.methods;

import io.jpatroni.core.loop.ShellWords;
import io.jpatroni.core.postgres.PostgresException;
import io.jpatroni.core.postgres.ProcessRunner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A synchronous hook script ({@code pre_promote}, {@code before_stop}): shell-split, no arguments, bounded. */
public final class HookCommand {

    private static final Logger LOG = LoggerFactory.getLogger(HookCommand.class);

    private HookCommand() {
    }

    /**
     * @return the exit code; -1 when it did not finish within {@code timeout} (it was killed) or could not start
     * @throws InterruptedException when cancelled (the script was killed)
     */
    public static int run(String key, String command, Duration timeout) throws InterruptedException {
        List<String> argv = ShellWords.split(command);
        if (argv.isEmpty()) {
            return 0;
        }
        try {
            ProcessRunner.Result r = ProcessRunner.run(argv, Map.of(), Optional.of(timeout),
                    line -> LOG.info("{}: {}", key, line));
            if (r.exitCode() == -1) {
                LOG.warn("{} script `{}` did not finish within {} s and was killed", key, command, timeout.toSeconds());
            }
            return r.exitCode();
        } catch (PostgresException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException(key + " was cancelled");
            }
            LOG.warn("{} script `{}` could not run: {}", key, command, e.getMessage());
            return -1;
        }
    }
}
