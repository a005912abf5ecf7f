package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code show-config [CLUSTER_NAME]}: the dynamic configuration as sorted block YAML (patronictl.md §3.10). */
@Command(name = "show-config", description = "Show cluster configuration", sortOptions = false)
final class ShowConfigCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
    String clusterName;

    @Option(names = "--group", paramLabel = "N", description = "Citus group (ignored: Citus is not supported)")
    Integer group;

    private final JpatronictlCommand root;

    ShowConfigCommand(JpatronictlCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() throws Exception {
        ClusterView view = root.read(root.clusterName(clusterName));
        if (view.raw().config().isPresent()) {
            root.out.println(YamlText.block(view.config()));
        }
        return 0;
    }
}
