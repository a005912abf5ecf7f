package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reload CLUSTER_NAME [MEMBER_NAMES]... [-r ROLE] [--force]} (patronictl.md §3.6): {@code POST /reload}. */
@Command(name = "reload", description = "Reload cluster member configuration", sortOptions = false)
final class ReloadCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CLUSTER_NAME")
    String clusterName;

    @Parameters(index = "1..*", paramLabel = "MEMBER_NAMES")
    List<String> memberNames = new ArrayList<>();

    @Option(names = "--group", paramLabel = "N", description = "Citus group (ignored: Citus is not supported)")
    Integer group;

    @Option(names = {"-r", "--role"}, paramLabel = "ROLE", converter = Members.RoleConverter.class,
            description = "Reload only members with this role (default: any)")
    String role;

    @Option(names = "--force", description = "Do not ask for confirmation at any point")
    boolean force;

    private final JpatronictlCommand root;

    ReloadCommand(JpatronictlCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() throws Exception {
        ClusterView view = root.read(clusterName);
        String chosenRole = role == null ? "any" : role;
        List<MemberInfo> members = MemberSelection.select(root, view, clusterName, memberNames, chosenRole,
                "'" + chosenRole + "'", force, "reload", true);
        MemberApi api = root.members();
        for (MemberInfo member : members) {
            try {
                MemberApi.Response r = api.call(member.apiUrl(), "POST", "reload", Optional.empty());
                if (r.status() == 200) {
                    root.out.println("No changes to apply on member " + member.name());
                } else if (r.status() == 202) {
                    root.out.println("Reload request received for member " + member.name()
                            + " and will be processed within " + Members.loopWait(view) + " seconds");
                } else {
                    root.out.println("Failed: reload for member " + member.name() + ", status code=" + r.status()
                            + ", (" + r.body() + ")");
                }
            } catch (java.io.IOException e) {
                root.out.println("Failed: reload for member " + member.name() + ", " + e.getMessage());
            }
        }
        return 0;
    }
}
