package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.config.ValueParsers;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import picocli.CommandLine;

/** What the commands ask about members and the dynamic configuration of one snapshot. */
final class Members {

    /** The {@code -r/--role} choices (patronictl.md §2.1); {@code master} is 3.x's name of {@code primary}. */
    static final List<String> ROLES = List.of("leader", "primary", "standby-leader", "replica", "standby", "any",
            "master");

    private Members() {
    }

    static boolean isLeader(ClusterView view, MemberInfo member) {
        return view.leaderName().map(member.name()::equals).orElse(false);
    }

    /** Members having {@code role}, in the snapshot's order. */
    static List<MemberInfo> withRole(ClusterView view, String role) {
        return view.members().stream().filter(m -> hasRole(view, m, role)).toList();
    }

    static boolean hasRole(ClusterView view, MemberInfo m, String role) {
        boolean leader = isLeader(view, m);
        boolean standbyLeader = leader && ("standby_leader".equals(m.role()) || standbyCluster(view.config()));
        switch (role) {
            case "leader":
                return leader;
            case "primary", "master":
                return leader && !standbyLeader;
            case "standby-leader":
                return standbyLeader;
            case "replica", "standby":
                return !leader;
            default:
                return true;
        }
    }

    /** Excluded from failover: {@code nofailover} truthy, or {@code failover_priority} ≤ 0 when nofailover is unset. */
    static boolean nofailover(MemberInfo m) {
        Object tag = m.tags().get("nofailover");
        if (tag != null) {
            return MemberInfo.truthy(tag);
        }
        Object priority = m.tags().get("failover_priority");
        if (priority != null) {
            OptionalLong p = ValueParsers.pythonInt(priority);
            return p.isPresent() && p.getAsLong() <= 0;
        }
        return false;
    }

    static boolean paused(ClusterView view) {
        return ValueParsers.boolish(view.config().get("pause")).orElse(MemberInfo.truthy(view.config().get("pause")));
    }

    static boolean standbyCluster(Map<String, Object> config) {
        return config.get("standby_cluster") instanceof Map<?, ?> sc
                && (MemberInfo.truthy(sc.get("host")) || MemberInfo.truthy(sc.get("port"))
                || MemberInfo.truthy(sc.get("restore_command")));
    }

    /** Synchronous mode on (and not quorum), as the failover confirmation needs it. */
    static boolean synchronousMode(ClusterView view) {
        Object sync = view.config().get("synchronous_mode");
        return !standbyCluster(view.config()) && (ValueParsers.boolish(sync).orElse(false) || "quorum".equals(sync));
    }

    /** {@code loop_wait} of the dynamic configuration, 10 when unset. */
    static int loopWait(ClusterView view) {
        OptionalLong value = ValueParsers.parseInt(view.config().get("loop_wait"), "s");
        return value.isPresent() && value.getAsLong() > 0 ? (int) value.getAsLong() : 10;
    }

    /** {@code -r ROLE} values, checked like click's Choice (a bad one is a usage error). */
    static final class RoleConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String role = value.toLowerCase(Locale.ROOT);
            if (!ROLES.contains(role)) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not one of 'leader', 'primary', "
                        + "'standby-leader', 'replica', 'standby', 'any'.");
            }
            return role;
        }
    }

    /** {@code -f FMT} for the commands other than list. */
    static final class FormatConverter implements CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            try {
                return OutputFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
