package io.jpatroni.core.ctl;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code failover [CLUSTER_NAME] [--candidate NAME] [--force]} (patronictl.md §3.4). A leader given
 * with 3.x's {@code --leader}/{@code --primary}/{@code --master} makes it a switchover sent to
 * {@code /failover}, as patronictl 3.0.2 did.
 */
@Command(name = "failover", description = "Failover to a replica", sortOptions = false)
final class FailoverCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
    String clusterName;

    @Option(names = "--group", paramLabel = "N", description = "Citus group (ignored: Citus is not supported)")
    Integer group;

    @Option(names = {"--leader", "--primary", "--master"}, paramLabel = "NAME", hidden = true)
    String leader;

    @Option(names = "--candidate", paramLabel = "NAME", description = "The name of the candidate")
    String candidate;

    @Option(names = "--force", description = "Do not ask for confirmation at any point")
    boolean force;

    private final JpatronictlCommand root;

    FailoverCommand(JpatronictlCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() throws Exception {
        return new ManualFailover(root, "failover").run(clusterName, leader != null, leader, candidate, "now", force);
    }
}
