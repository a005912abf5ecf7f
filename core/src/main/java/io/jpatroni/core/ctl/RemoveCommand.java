package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code remove CLUSTER_NAME [-f FMT]}: deletes the cluster's keys after three prompts (patronictl.md §3.12). */
@Command(name = "remove", description = "Remove cluster from DCS", sortOptions = false)
final class RemoveCommand implements Callable<Integer> {

    private static final String AWARE = "Yes I am aware";

    @Parameters(index = "0", paramLabel = "CLUSTER_NAME")
    String clusterName;

    @Option(names = "--group", paramLabel = "N", description = "Citus group (ignored: Citus is not supported)")
    Integer group;

    @Option(names = {"-f", "--format"}, paramLabel = "FMT", defaultValue = "pretty",
            converter = Members.FormatConverter.class, description = "Output format (pretty, tsv, json, yaml)")
    OutputFormat format;

    private final JpatronictlCommand root;

    RemoveCommand(JpatronictlCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() throws Exception {
        ClusterAdmin admin = root.admin();
        ClusterView view = root.read(clusterName);
        root.printMembers(view, clusterName, format);
        Console console = root.console();
        if (!clusterName.equals(console.prompt("Please confirm the cluster name to remove"))) {
            throw new CtlException("Cluster names specified do not match");
        }
        if (!AWARE.equals(console.prompt("You are about to remove all information in DCS for " + clusterName
                + ", please type: \"" + AWARE + "\""))) {
            throw new CtlException("You did not exactly type \"" + AWARE + "\"");
        }
        if (view.leaderName().filter(l -> !l.isEmpty()).isPresent() && !view.leaderName().get().equals(
                console.prompt("This cluster currently is healthy. Please specify the leader name to continue"))) {
            throw new CtlException("You did not specify the current leader of the cluster");
        }
        admin.deleteCluster(clusterName);
        return 0;
    }
}
