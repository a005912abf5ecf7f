package io.jpatroni.core.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.Json;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.plugins.CoreVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code version [CLUSTER_NAME] [MEMBER_NAMES]...}: this tool's version and each member's (patronictl.md §3.16). */
@Command(name = "version", description = "Output version of jpatronictl command or a running Patroni process",
        sortOptions = false)
final class VersionCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CLUSTER_NAME", arity = "0..1")
    String clusterName;

    @Parameters(index = "1..*", paramLabel = "MEMBER_NAMES")
    List<String> memberNames = new ArrayList<>();

    @Option(names = "--group", paramLabel = "N", description = "Citus group (ignored: Citus is not supported)")
    Integer group;

    private final JpatronictlCommand root;

    VersionCommand(JpatronictlCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() throws Exception {
        root.out.println("patronictl version " + CoreVersion.current());
        if (clusterName == null || clusterName.isEmpty()) {
            return 0;
        }
        root.out.println();
        ClusterView view = root.read(clusterName);
        MemberApi api = root.members();
        for (MemberInfo m : view.members()) {
            if (m.apiUrl().isEmpty() || !memberNames.isEmpty() && !memberNames.contains(m.name())) {
                continue;
            }
            try {
                JsonNode status = Json.parse(api.call(m.apiUrl(), "GET", "patroni", Optional.empty()).body());
                String version = status.path("patroni").path("version").asText("None");
                long pg = status.path("server_version").asLong(0);
                root.out.println(m.name() + ": Patroni " + version + (pg > 0 ? " PostgreSQL " + pgVersion(pg) : ""));
            } catch (java.io.IOException e) {
                root.out.println(m.name() + ": failed to get version: " + e.getMessage());
            }
        }
        return 0;
    }

    /** {@code 160004} → {@code 16.4}; {@code 90624} → {@code 9.6.24}. */
    static String pgVersion(long v) {
        return v >= 100000 ? v / 10000 + "." + v % 10000 : v / 10000 + "." + v % 10000 / 100 + "." + v % 100;
    }
}
