package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code history [CLUSTER_NAME] [-f FMT]}: the timeline history from the DCS (patronictl.md §3.11). */
@Command(name = "history", description = "Show the history of failovers/switchovers", sortOptions = false)
final class HistoryCommand implements Callable<Integer> {

    private static final List<String> COLUMNS = List.of("TL", "LSN", "Reason", "Timestamp", "New Leader");

    @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
    String clusterName;

    @Option(names = "--group", paramLabel = "N", description = "Citus group (ignored: Citus is not supported)")
    Integer group;

    @Option(names = {"-f", "--format"}, paramLabel = "FMT", defaultValue = "pretty",
            converter = Members.FormatConverter.class, description = "Output format (pretty, tsv, json, yaml)")
    OutputFormat format;

    private final JpatronictlCommand root;

    HistoryCommand(JpatronictlCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() throws Exception {
        ClusterView view = root.read(root.clusterName(clusterName));
        List<List<Object>> rows = new ArrayList<>();
        for (List<Object> line : view.history().orElse(List.of())) {
            List<Object> row = new ArrayList<>(line.subList(0, Math.min(line.size(), COLUMNS.size())));
            while (row.size() < COLUMNS.size()) {
                row.add("");
            }
            rows.add(row);
        }
        root.out.print(TableOutput.render(COLUMNS, rows, Set.of("TL", "LSN"), format, "\t"));
        return 0;
    }
}
