package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code query [CLUSTER_NAME] [-c SQL | -f FILE] [-r ROLE | -m NAME] [-U USER] [--password] [-d DB]
 * [--format FMT] [--delimiter D] [-W | -w SECONDS]} (patronictl.md §3.13): SQL on a member, chosen
 * from the DCS, straight over the PostgreSQL protocol.
 */
@Command(name = "query", description = "Query a Patroni PostgreSQL member", sortOptions = false)
final class QueryCommand implements Callable<Integer> {

    private static final Set<String> IN_RECOVERY = Set.of("replica", "standby", "standby-leader");

    @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
    String clusterName;

    @Option(names = "--group", paramLabel = "N", description = "Citus group (ignored: Citus is not supported)")
    Integer group;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Execute the SQL commands from this file")
    Path file;

    @Option(names = {"-c", "--command"}, paramLabel = "SQL", description = "The SQL commands to execute")
    String command;

    @Option(names = {"-r", "--role"}, paramLabel = "ROLE", converter = Members.RoleConverter.class,
            description = "The role of the query")
    String role;

    @Option(names = {"-m", "--member"}, paramLabel = "NAME", description = "Query a specific member")
    String member;

    @Option(names = {"-U", "--username"}, paramLabel = "USER", description = "database user name")
    String username;

    @Option(names = "--password", description = "force password prompt")
    boolean password;

    @Option(names = {"-d", "--dbname"}, paramLabel = "DB", description = "database name to connect to")
    String dbname;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "tsv", description = "Output format (tsv, json, yaml, pretty)")
    String format;

    @Option(names = "--delimiter", paramLabel = "D", defaultValue = "\t", description = "Column delimiter for tsv")
    String delimiter;

    @Option(names = "-W", description = "Auto update the screen every 2 seconds")
    boolean watchContinuous;

    @Option(names = {"-w", "--watch"}, paramLabel = "SECONDS", description = "Auto update the screen every X seconds")
    Double watchSeconds;

    private final JpatronictlCommand root;

    QueryCommand(JpatronictlCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() throws Exception {
        String sql;
        if (file != null) {
            if (command != null) {
                throw new CtlException("--file and --command are mutually exclusive options");
            }
            sql = Files.readString(file, StandardCharsets.UTF_8);
        } else if (command == null) {
            throw new CtlException("You need to specify either --command or --file");
        } else {
            sql = command;
        }
        Optional<String> secret = password ? Optional.of(root.console().password("Password")) : Optional.empty();
        String name = root.clusterName(clusterName);
        ClusterView view = root.read(name);
        double interval = watchSeconds != null ? watchSeconds : watchContinuous ? 2 : 0;
        while (true) {
            once(view, sql, secret);
            root.out.flush();
            if (interval <= 0) {
                return 0;
            }
            try {
                root.sleeper.sleep(Duration.ofNanos((long) (interval * 1e9)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
    }

    private void once(ClusterView view, String sql, Optional<String> secret) {
        Optional<MemberInfo> target = DsnCommand.anyMember(view, role, member);
        String failure;
        if (target.isPresent()) {
            MemberInfo m = target.get();
            Optional<Boolean> inRecovery = role == null || role.equals("any") || role.equals("leader")
                    ? Optional.empty() : Optional.of(IN_RECOVERY.contains(role));
            SqlRunner.Target where = new SqlRunner.Target(m.host().map(DsnCommand::unbracket).orElse("localhost"),
                    m.port().isPresent() ? (int) m.port().getAsLong() : 5432, Optional.ofNullable(username), secret,
                    Optional.ofNullable(dbname), inRecovery);
            try {
                Optional<SqlRunner.Result> result = root.sql().run(where, sql);
                if (result.isPresent()) {
                    print(result.get().columns(), result.get().rows());
                    return;
                }
            } catch (SqlRunner.Failure e) {
                print(List.of(), List.of(List.of(root.timestamp0(), "ERROR, SQLSTATE: " + e.getMessage())));
                return;
            }
        }
        if (member != null) {
            failure = "No connection to member " + member + " is available";
        } else if (role != null) {
            failure = "No connection to role '" + role + "' is available";
        } else {
            failure = "No connection is available";
        }
        print(List.of(), List.of(List.of(root.timestamp0(), failure)));
    }

    private void print(List<String> columns, List<List<Object>> rows) {
        OutputFormat fmt;
        try {
            fmt = OutputFormat.parse(format);
        } catch (IllegalArgumentException e) {
            return; // patronictl prints nothing for a format it does not know
        }
        root.out.print(TableOutput.render(columns, rows, Set.of(), fmt, delimiter));
    }
}
