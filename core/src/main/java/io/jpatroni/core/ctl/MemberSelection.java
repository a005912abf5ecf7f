package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which members restart, reload, reinit and flush act on (patronictl.md §2.2): the role filter,
 * the names given, the member table, a prompt for reinit and the confirmation.
 */
final class MemberSelection {

    private MemberSelection() {
    }

    /**
     * @param roleLabel how the role is named in "No … among provided members" ({@code 'any'}, or {@code replica} for reinit)
     * @param confirm   ask "Are you sure you want to &lt;action&gt; members …?" unless forced
     */
    static List<MemberInfo> select(JpatronictlCommand root, ClusterView view, String clusterName, List<String> names,
                                   String role, String roleLabel, boolean force, String action, boolean confirm) {
        Set<String> candidates = Members.withRole(view, role).stream().map(MemberInfo::name)
                .collect(Collectors.toCollection(TreeSet::new));
        if (candidates.isEmpty() && names.isEmpty()) {
            throw new CtlException(clusterName + " cluster doesn't have any members");
        }
        root.printMembers(view, clusterName, OutputFormat.PRETTY);
        Set<String> chosen = new TreeSet<>();
        if (!names.isEmpty()) {
            names.stream().filter(candidates::contains).forEach(chosen::add);
            if (chosen.isEmpty()) {
                throw new CtlException("No " + roleLabel + " among provided members");
            }
        } else if (!"reinitialize".equals(action)) {
            chosen.addAll(candidates);
        }
        if (chosen.isEmpty() && !force) {
            chosen.add(root.console().prompt("Which member do you want to " + action + " ["
                    + String.join(", ", candidates) + "]?", Optional.of("")));
        }
        for (String name : chosen) {
            if (!candidates.contains(name)) {
                throw new CtlException(name + " is not a member of cluster");
            }
        }
        List<MemberInfo> members = view.members().stream().filter(m -> chosen.contains(m.name())).toList();
        if (confirm) {
            confirm(root, members, force, action);
        }
        return members;
    }

    static void confirm(JpatronictlCommand root, List<MemberInfo> members, boolean force, String action) {
        if (!force && !root.console().confirm("Are you sure you want to " + action + " members "
                + names(members) + "?")) {
            throw new CtlException("Aborted " + action);
        }
    }

    static String names(List<MemberInfo> members) {
        return members.stream().map(MemberInfo::name).collect(Collectors.joining(", "));
    }
}
