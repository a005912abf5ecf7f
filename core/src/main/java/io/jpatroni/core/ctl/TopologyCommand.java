package io.jpatroni.core.ctl;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code topology [CLUSTER_NAME]... [-W | -w SECONDS]}: {@code list} drawn as a replication tree (patronictl.md §3.2). */
@Command(name = "topology", description = "Prints ASCII topology for given cluster", sortOptions = false)
final class TopologyCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..*")
    List<String> clusterNames = new ArrayList<>();

    @Option(names = "--group", paramLabel = "N", description = "Citus group (ignored: Citus is not supported)")
    Integer group;

    @Option(names = "-W", description = "Auto update the screen every 2 seconds")
    boolean watchContinuous;

    @Option(names = {"-w", "--watch"}, paramLabel = "SECONDS", description = "Auto update the screen every X seconds")
    Double watchSeconds;

    private final JpatronictlCommand root;

    TopologyCommand(JpatronictlCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() throws Exception {
        ListCommand list = new ListCommand(root);
        list.clusterNames = clusterNames;
        list.watchContinuous = watchContinuous;
        list.watchSeconds = watchSeconds;
        list.format = OutputFormat.PRETTY;
        list.topology = true;
        return list.call();
    }
}
