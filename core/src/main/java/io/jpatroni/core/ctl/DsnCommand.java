package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dsn [CLUSTER_NAME] [-r ROLE | -m NAME]}: {@code host=… port=…} of a member (patronictl.md §3.14). */
@Command(name = "dsn", description = "Generate a dsn for the provided member, defaults to a dsn of the leader",
        sortOptions = false)
final class DsnCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
    String clusterName;

    @Option(names = "--group", paramLabel = "N", description = "Citus group (ignored: Citus is not supported)")
    Integer group;

    @Option(names = {"-r", "--role"}, paramLabel = "ROLE", converter = Members.RoleConverter.class,
            description = "Give a dsn of any member with this role")
    String role;

    @Option(names = {"-m", "--member"}, paramLabel = "NAME", description = "Generate a dsn for this member")
    String member;

    private final JpatronictlCommand root;

    DsnCommand(JpatronictlCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() throws Exception {
        ClusterView view = root.read(root.clusterName(clusterName));
        MemberInfo m = anyMember(view, role, member)
                .orElseThrow(() -> new CtlException("Can not find a suitable member"));
        root.out.println("host=" + m.host().map(DsnCommand::unbracket).orElse("") + " port="
                + (m.port().isPresent() ? m.port().getAsLong() : 5432));
        return 0;
    }

    /** The first member with the role (the leader by default) or the named one. */
    static Optional<MemberInfo> anyMember(ClusterView view, String role, String member) {
        if (role != null && member != null) {
            throw new CtlException("--role and --member are mutually exclusive options");
        }
        String wanted = role == null && member == null ? "leader" : role == null ? "any" : role;
        return Members.withRole(view, wanted).stream().filter(m -> member == null || m.name().equals(member))
                .findFirst();
    }

    static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
