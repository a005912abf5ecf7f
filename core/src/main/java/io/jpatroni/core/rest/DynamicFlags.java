package io.jpatroni.core.rest;

import io.jpatroni.core.cluster.MemberInfo;
import java.util.Locale;
import java.util.Map;

/** The few switches of the dynamic configuration the read-only endpoints need, read leniently (dcs.md §2.3). */
record DynamicFlags(boolean paused, boolean standbyCluster, boolean synchronousMode, boolean quorumCommit,
                    boolean failsafeMode) {

    static DynamicFlags of(Map<String, Object> config) {
        boolean standby = config.get("standby_cluster") instanceof Map<?, ?> sc
                && (MemberInfo.truthy(sc.get("host")) || MemberInfo.truthy(sc.get("port"))
                || MemberInfo.truthy(sc.get("restore_command")));
        Object sync = config.get("synchronous_mode");
        boolean quorum = "quorum".equals(sync);
        return new DynamicFlags(bool(config.get("pause")), standby, (bool(sync) || quorum) && !standby, quorum,
                bool(config.get("failsafe_mode")));
    }

    /** JSON booleans, numbers, or strings such as {@code on}/{@code true}/{@code yes}/{@code 1}. */
    static boolean bool(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "on":
                case "true":
                case "yes":
                case "1":
                    return true;
                default:
                    return false;
            }
        }
        return false;
    }
}
