package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jpatronictl [-c CONFIG] COMMAND ...}: the command-line client (patronictl.md §1). Errors
 * are printed as {@code Error: <message>} on stderr with exit status 1; usage errors exit with 2;
 * end of input at a prompt prints {@code Aborted!} and exits with 1.
 */
@Command(name = "jpatronictl", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Command-line interface for interacting with a jpatroni/Patroni cluster.")
public final class JpatronictlCommand implements Runnable {

    /** How watch mode and polling wait between rounds; tests replace it. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Option(names = {"-c", "--config-file"}, paramLabel = "CONFIG",
            description = "Configuration file (default: $PATRONICTL_CONFIG_FILE)")
    Path configFile;

    @Option(names = {"-k", "--insecure"}, description = "Allow connections to SSL sites without certs")
    boolean insecure;

    private final ClusterSourceFactory sources;
    final PrintWriter out;
    final PrintWriter err;
    final Sleeper sleeper;
    final Clock clock;
    final boolean clearScreen;
    private BufferedReader in;
    private boolean terminal;
    private Optional<MemberApi> memberApi = Optional.empty();
    private EditConfigCommand.Editor editor = EditConfigCommand.Editor.EXTERNAL;
    private SqlRunner sql = new JdbcSqlRunner();
    private ClusterSource opened;

    public JpatronictlCommand(ClusterSourceFactory sources, PrintWriter out, PrintWriter err, Sleeper sleeper,
                              Clock clock, boolean clearScreen) {
        this.sources = sources;
        this.out = out;
        this.err = err;
        this.sleeper = sleeper;
        this.clock = clock;
        this.clearScreen = clearScreen;
        this.in = new BufferedReader(new StringReader(""));
    }

    /** For the real process: stdin/stdout/stderr, wall clock, screen cleared between watch rounds on a terminal. */
    public JpatronictlCommand(ClusterSourceFactory sources) {
        this(sources, new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                d -> Thread.sleep(d.toMillis()), Clock.systemDefaultZone(), System.console() != null);
        this.in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        this.terminal = System.console() != null;
    }

    /** Where prompts read their answers (stdin by default). */
    public JpatronictlCommand withInput(Reader input) {
        this.in = input instanceof BufferedReader b ? b : new BufferedReader(input);
        return this;
    }

    /** REST calls to members through {@code api} instead of the one the cluster source provides. */
    public JpatronictlCommand withMemberApi(MemberApi api) {
        this.memberApi = Optional.of(api);
        return this;
    }

    /** How {@code edit-config} lets the user edit the YAML text (the external {@code $EDITOR} by default). */
    public JpatronictlCommand withEditor(EditConfigCommand.Editor editor) {
        this.editor = editor;
        return this;
    }

    /** How {@code query} runs SQL (JDBC by default). */
    public JpatronictlCommand withSql(SqlRunner runner) {
        this.sql = runner;
        return this;
    }

    /** Parses and runs {@code args}; returns the exit status. */
    public int execute(String... args) {
        CommandLine cli = new CommandLine(this);
        cli.addSubcommand("list", new ListCommand(this));
        cli.addSubcommand("topology", new TopologyCommand(this));
        cli.addSubcommand("switchover", new SwitchoverCommand(this));
        cli.addSubcommand("failover", new FailoverCommand(this));
        cli.addSubcommand("pause", new PauseCommand(this, true));
        cli.addSubcommand("resume", new PauseCommand(this, false));
        cli.addSubcommand("show-config", new ShowConfigCommand(this));
        cli.addSubcommand("edit-config", new EditConfigCommand(this));
        cli.addSubcommand("restart", new RestartCommand(this));
        cli.addSubcommand("reload", new ReloadCommand(this));
        cli.addSubcommand("reinit", new ReinitCommand(this));
        cli.addSubcommand("flush", new FlushCommand(this));
        cli.addSubcommand("history", new HistoryCommand(this));
        cli.addSubcommand("remove", new RemoveCommand(this));
        cli.addSubcommand("dsn", new DsnCommand(this));
        cli.addSubcommand("query", new QueryCommand(this));
        cli.addSubcommand("version", new VersionCommand(this));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            out.flush();
            if (e instanceof CtlAbort) {
                err.println("Aborted!");
            } else {
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                err.println("Error: " + message);
            }
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

    /** The source as an admin, for commands that write to the DCS. */
    ClusterAdmin admin() throws Exception {
        if (source() instanceof ClusterAdmin admin) {
            return admin;
        }
        throw new CtlException("this configuration does not allow changes to the cluster");
    }

    MemberApi members() throws Exception {
        if (memberApi.isPresent()) {
            return memberApi.get();
        }
        return admin().memberApi(insecure);
    }

    /** The cluster named on the command line, else {@code scope} from the configuration. */
    String clusterName(String given) throws Exception {
        if (given != null && !given.isEmpty()) {
            return given;
        }
        String scope = source().defaultScope();
        if (scope == null || scope.isEmpty()) {
            throw new CtlException("Cluster name is not specified and the configuration has no scope");
        }
        return scope;
    }

    ClusterView read(String clusterName) throws Exception {
        return source().read(clusterName);
    }

    Console console() {
        return new Console(in, out, terminal);
    }

    /** Everything left on standard input ({@code --apply -}). */
    String readAllInput() throws java.io.IOException {
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            text.append(buffer, 0, n);
        }
        return text.toString();
    }

    EditConfigCommand.Editor editor() {
        return editor;
    }

    SqlRunner sql() {
        return sql;
    }

    /** Local time with five fractional digits, the prefix of switchover results (patronictl.md §2.3). */
    String timestamp5() {
        String micros = LocalDateTime.now(clock).format(MICROS);
        return micros.substring(0, micros.length() - 1);
    }

    /** Local time to the second, as {@code query} failures and {@code list -t} print it. */
    String timestamp0() {
        return LocalDateTime.now(clock).format(SECONDS);
    }

    /** The member table as {@code list} prints it. */
    void printMembers(ClusterView view, String clusterName, OutputFormat format) {
        out.print(MemberTable.render(view, clusterName, false, format));
        out.flush();
    }
}
