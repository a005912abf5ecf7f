package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flush CLUSTER_NAME [MEMBER_NAMES]... {restart|switchover} [-r ROLE] [--force]}
 * (patronictl.md §3.15): discards scheduled restarts or a scheduled switchover.
 */
@Command(name = "flush", description = "Discard scheduled events", sortOptions = false)
final class FlushCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(FlushCommand.class);

    @Parameters(index = "0", paramLabel = "CLUSTER_NAME")
    String clusterName;

    /** Member names, then the target ({@code restart} or {@code switchover}) last. */
    @Parameters(index = "1..*", paramLabel = "[MEMBER_NAMES]... {restart|switchover}", arity = "1..*")
    List<String> rest = new ArrayList<>();

    @Option(names = "--group", paramLabel = "N", description = "Citus group (ignored: Citus is not supported)")
    Integer group;

    @Option(names = {"-r", "--role"}, paramLabel = "ROLE", converter = Members.RoleConverter.class,
            description = "Flush only members with this role (default: any)")
    String role;

    @Option(names = "--force", description = "Do not ask for confirmation at any point")
    boolean force;

    private final JpatronictlCommand root;

    FlushCommand(JpatronictlCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() throws Exception {
        String target = rest.get(rest.size() - 1);
        List<String> names = rest.subList(0, rest.size() - 1);
        if (!target.equals("restart") && !target.equals("switchover")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "Invalid value for '{restart|switchover}': '" + target + "' is not one of 'restart', 'switchover'.");
        }
        ClusterView view = root.read(clusterName);
        MemberApi api = root.members();
        if (target.equals("restart")) {
            String chosenRole = role == null ? "any" : role;
            for (MemberInfo member : MemberSelection.select(root, view, clusterName, names, chosenRole,
                    "'" + chosenRole + "'", force, "flush", true)) {
                if (member.data().get("scheduled_restart") == null) {
                    root.out.println("No scheduled restart for member " + member.name());
                    continue;
                }
                try {
                    MemberApi.Response r = api.call(member.apiUrl(), "DELETE", "restart", Optional.empty());
                    root.out.println(r.status() >= 400
                            ? "Failed: flush scheduled restart for member " + member.name() + ", status code="
                            + r.status() + ", (" + r.body() + ")"
                            : "Success: flush scheduled restart for member " + member.name());
                } catch (IOException e) {
                    root.out.println("Failed: flush scheduled restart for member " + member.name() + ", "
                            + e.getMessage());
                }
            }
            return 0;
        }
        if (view.failover().flatMap(ClusterView.FailoverRequest::scheduledAt).isEmpty()) {
            root.out.println("No pending scheduled switchover");
            return 0;
        }
        List<MemberInfo> order = new ArrayList<>();
        view.leaderMember().ifPresent(order::add);
        view.members().stream().filter(m -> !Members.isLeader(view, m)).forEach(order::add);
        for (MemberInfo member : order) {
            try {
                MemberApi.Response r = api.call(member.apiUrl(), "DELETE", "switchover", Optional.empty());
                if (r.status() == 200) {
                    root.out.println("Success: scheduled switchover deleted");
                    return 0;
                }
                if (r.status() == 404) {
                    root.out.println("Failed: no switchover is scheduled");
                    return 0;
                }
                root.out.println("Failed: member=" + member.name() + ", status_code=" + r.status() + ", ("
                        + r.body() + ")");
            } catch (IOException e) {
                LOG.warn("Member {} is not accessible: {}", member.name(), e.toString());
            }
        }
        root.out.println(root.timestamp5() + " Could not find any accessible member of cluster " + clusterName);
        root.admin().writeFailover(clusterName, "{}", OptionalLong.of(view.failover().get().version()));
        return 0;
    }
}
