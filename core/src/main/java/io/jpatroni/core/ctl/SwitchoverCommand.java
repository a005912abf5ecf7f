package io.jpatroni.core.ctl;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchover [CLUSTER_NAME] [--leader NAME] [--candidate NAME] [--scheduled TIME] [--force]} (patronictl.md §3.3). */
@Command(name = "switchover", description = "Switchover to a replica", sortOptions = false)
final class SwitchoverCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
    String clusterName;

    @Option(names = "--group", paramLabel = "N", description = "Citus group (ignored: Citus is not supported)")
    Integer group;

    @Option(names = {"--leader", "--primary", "--master"}, paramLabel = "NAME",
            description = "The name of the current leader")
    String leader;

    @Option(names = "--candidate", paramLabel = "NAME", description = "The name of the candidate")
    String candidate;

    @Option(names = "--scheduled", paramLabel = "TIME",
            description = "Timestamp of a scheduled switchover in unambiguous format (e.g. ISO 8601)")
    String scheduled;

    @Option(names = "--force", description = "Do not ask for confirmation at any point")
    boolean force;

    private final JpatronictlCommand root;

    SwitchoverCommand(JpatronictlCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() throws Exception {
        return new ManualFailover(root, "switchover").run(clusterName, true, leader, candidate, scheduled, force);
    }
}
