package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code list [CLUSTER_NAME]... [-e] [-t] [-f FMT] [-W | -w SECONDS]} (patronictl.md §3.1). */
@Command(name = "list", description = "List the Patroni members for a given Patroni cluster", sortOptions = false)
final class ListCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ListCommand.class);
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final String CLEAR = "\033[2J\033[1;1H";

    @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..*")
    List<String> clusterNames = new ArrayList<>();

    @Option(names = {"-e", "--extended"}, description = "Show some extra information")
    boolean extended;

    @Option(names = {"-t", "--timestamp"}, description = "Print timestamp")
    boolean timestamp;

    @Option(names = {"-f", "--format"}, paramLabel = "FMT", defaultValue = "pretty",
            converter = FormatConverter.class, description = "Output format (pretty, tsv, json, yaml)")
    OutputFormat format;

    @Option(names = "-W", description = "Auto update the screen every 2 seconds")
    boolean watchContinuous;

    @Option(names = {"-w", "--watch"}, paramLabel = "SECONDS", description = "Auto update the screen every X seconds")
    Double watchSeconds;

    /** Render as {@code topology} instead of the chosen format. */
    boolean topology;

    private final JpatronictlCommand root;

    ListCommand(JpatronictlCommand root) {
        this.root = root;
    }

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            try {
                return OutputFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        ClusterSource source = root.source();
        List<String> names = clusterNames;
        if (names.isEmpty()) {
            String scope = source.defaultScope();
            if (scope == null || scope.isEmpty()) {
                LOG.warn("Listing members: No cluster names were provided");
                return 0;
            }
            names = List.of(scope);
        }
        double interval = watchSeconds != null ? watchSeconds : watchContinuous ? 2 : 0;
        boolean watch = interval > 0;
        Duration period = Duration.ofNanos((long) (interval * 1e9));
        if (watch) {
            clear();
        }
        while (true) {
            Instant started = root.clock.instant();
            round(source, names);
            if (!watch) {
                return 0;
            }
            Duration elapsed = Duration.between(started, root.clock.instant());
            try {
                Duration left = period.minus(elapsed);
                root.sleeper.sleep(left.isNegative() ? Duration.ZERO : left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
            clear();
        }
    }

    private void round(ClusterSource source, List<String> names) throws Exception {
        if (timestamp) {
            root.out.println(LocalDateTime.now(root.clock).format(TIMESTAMP));
        }
        for (String name : names) {
            ClusterView view = source.read(name);
            root.out.print(topology ? MemberTable.renderTopology(view, name)
                    : MemberTable.render(view, name, extended, format));
        }
        root.out.flush();
    }

    private void clear() {
        if (root.clearScreen) {
            root.out.print(CLEAR);
            root.out.flush();
        }
    }
}
