package io.jpatroni.core.ctl;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jpatronictl [-c CONFIG] COMMAND ...}: the command-line client (patronictl.md §1). Errors
 * are printed as {@code Error: <message>} on stderr with exit status 1; usage errors exit with 2.
 */
@Command(name = "jpatronictl", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Command-line interface for interacting with a jpatroni/Patroni cluster.")
public final class JpatronictlCommand implements Runnable {

    /** How watch mode waits between rounds; tests replace it. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    @Option(names = {"-c", "--config-file"}, paramLabel = "CONFIG",
            description = "Configuration file (default: $PATRONICTL_CONFIG_FILE)")
    Path configFile;

    private final ClusterSourceFactory sources;
    final PrintWriter out;
    final PrintWriter err;
    final Sleeper sleeper;
    final Clock clock;
    final boolean clearScreen;
    private ClusterSource opened;

    public JpatronictlCommand(ClusterSourceFactory sources, PrintWriter out, PrintWriter err, Sleeper sleeper,
                              Clock clock, boolean clearScreen) {
        this.sources = sources;
        this.out = out;
        this.err = err;
        this.sleeper = sleeper;
        this.clock = clock;
        this.clearScreen = clearScreen;
    }

    /** For the real process: stdout/stderr, wall clock, screen cleared between watch rounds on a terminal. */
    public JpatronictlCommand(ClusterSourceFactory sources) {
        this(sources, new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                d -> Thread.sleep(d.toMillis()), Clock.systemDefaultZone(), System.console() != null);
    }

    /** Parses and runs {@code args}; returns the exit status. */
    public int execute(String... args) {
        CommandLine cli = new CommandLine(this);
        cli.addSubcommand("list", new ListCommand(this));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            err.println("Error: " + message);
            err.flush();
            return 1;
        });
        cli.setParameterExceptionHandler((e, args1) -> {
            CommandLine failed = e.getCommandLine();
            failed.usage(err);
            err.println("Error: " + e.getMessage());
            err.flush();
            return 2;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(out);
    }

    /** The configured source, opened on first use. */
    ClusterSource source() throws Exception {
        if (opened == null) {
            Optional<Path> path = Optional.ofNullable(configFile);
            if (path.isEmpty()) {
                String env = System.getenv("PATRONICTL_CONFIG_FILE");
                if (env != null && !env.isEmpty()) {
                    path = Optional.of(Path.of(env));
                }
            }
            opened = sources.open(path);
        }
        return opened;
    }
}
