package io.jpatroni.core.postgres;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The server parameters PostgreSQL is started with (spec ha-loop §21.3): Patroni-controlled parameters come
 * only from dynamic configuration, are validated (invalid → warning and default) and go on the postmaster's
 * command line; everything else is merged dynamic-then-local.
 */
public final class ServerParameters {
    private static final long SEGMENT_MB = 16;

    /** A controlled parameter: default, validation/normalisation (null result = invalid). */
    private record Controlled(Object defaultValue, Function<Object, Object> normalise) {
    }

    private static final Map<String, Controlled> CONTROLLED = new LinkedHashMap<>();

    static {
        CONTROLLED.put("hot_standby", new Controlled("on", v -> "on".equals(bool(v)) ? "on" : null));
        CONTROLLED.put("wal_level", new Controlled("replica", ServerParameters::walLevel));
        CONTROLLED.put("max_connections", new Controlled(100, v -> atLeast(v, 25)));
        CONTROLLED.put("max_wal_senders", new Controlled(10, v -> atLeast(v, 3)));
        CONTROLLED.put("max_prepared_transactions", new Controlled(0, v -> atLeast(v, 0)));
        CONTROLLED.put("max_locks_per_transaction", new Controlled(64, v -> atLeast(v, 32)));
        CONTROLLED.put("max_replication_slots", new Controlled(10, v -> atLeast(v, 4)));
        CONTROLLED.put("max_worker_processes", new Controlled(8, v -> atLeast(v, 2)));
        CONTROLLED.put("track_commit_timestamp", new Controlled("off", ServerParameters::bool));
        CONTROLLED.put("wal_log_hints", new Controlled("on", ServerParameters::bool));
    }

    /** Never taken from parameters at all: listen/port come from postgresql.listen, cluster_name from scope. */
    private static final Set<String> FROM_ELSEWHERE = Set.of("listen_addresses", "port", "cluster_name");

    /** Parameters that belong to the recovery block, never to the main list. */
    public static final Set<String> RECOVERY_PARAMETERS = Set.of("archive_cleanup_command", "pause_at_recovery_target",
            "primary_conninfo", "primary_slot_name", "promote_trigger_file", "recovery_end_command",
            "recovery_min_apply_delay", "recovery_target", "recovery_target_action", "recovery_target_inclusive",
            "recovery_target_lsn", "recovery_target_name", "recovery_target_time", "recovery_target_timeline",
            "recovery_target_xid", "restore_command", "standby_mode", "trigger_file");

    private ServerParameters() {
    }

    /** Whether Patroni controls the parameter (only dynamic configuration may set it). */
    public static boolean isControlled(String name) {
        return CONTROLLED.containsKey(name) || FROM_ELSEWHERE.contains(name)
                || name.equals("wal_keep_segments") || name.equals("wal_keep_size");
    }

    /**
     * @param majorVersion PostgreSQL major version (15); a server_version_num (150004) is accepted too
     * @param warnings     receives one line per value that was dropped or replaced
     * @return parameter name → value (controlled ones normalised: ints as Integer, booleans as "on"/"off")
     */
    public static Map<String, Object> effective(Map<String, Object> dynamic, Map<String, Object> local, String scope,
                                                String listenAddresses, int port, int majorVersion,
                                                List<String> warnings) {
        int major = majorVersion >= 1000 ? majorVersion / 10000 : majorVersion;
        Map<String, Object> dyn = dynamic == null ? Map.of() : dynamic;
        Map<String, Object> loc = local == null ? Map.of() : local;
        Map<String, Object> out = new TreeMap<>();

        for (Map.Entry<String, Object> e : dyn.entrySet()) {
            if (!isControlled(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Object> e : loc.entrySet()) {
            if (isControlled(e.getKey())) {
                warnings.add("local value of " + e.getKey() + " is ignored: it can only be set in the dynamic configuration");
            } else {
                out.put(e.getKey(), e.getValue());
            }
        }
        for (String name : FROM_ELSEWHERE) {
            if (dyn.containsKey(name)) {
                warnings.add(name + " from postgresql.parameters is ignored");
            }
        }
        for (Map.Entry<String, Controlled> e : CONTROLLED.entrySet()) {
            String name = e.getKey();
            Controlled c = e.getValue();
            Object value = c.defaultValue();
            if (dyn.containsKey(name)) {
                Object normalised = dyn.get(name) == null ? null : c.normalise().apply(dyn.get(name));
                if (normalised == null) {
                    warnings.add("invalid value " + dyn.get(name) + " for " + name + ", using " + c.defaultValue());
                } else {
                    value = normalised;
                }
            }
            out.put(name, value);
        }
        walKeep(dyn, major, out, warnings);

        for (String name : new ArrayList<>(out.keySet())) {
            if (RECOVERY_PARAMETERS.contains(name)) {
                warnings.add(name + " is a recovery parameter and is not written to the main parameter list");
                out.remove(name);
            }
        }
        out.put("listen_addresses", listenAddresses);
        out.put("port", port);
        out.put("cluster_name", scope);
        return out;
    }

    /** wal_keep_segments (< 13) and wal_keep_size (≥ 13) are one setting: 1 segment = 16MB; the version's own name wins. */
    private static void walKeep(Map<String, Object> dyn, int major, Map<String, Object> out, List<String> warnings) {
        String own = major >= 13 ? "wal_keep_size" : "wal_keep_segments";
        String other = major >= 13 ? "wal_keep_segments" : "wal_keep_size";
        String name = dyn.containsKey(own) ? own : dyn.containsKey(other) ? other : null;
        Long mb = null;
        if (name != null) {
            Object raw = dyn.get(name);
            if (name.equals("wal_keep_size")) {
                mb = raw == null ? null : sizeMb(raw);
                mb = mb == null || mb < SEGMENT_MB ? null : mb;
            } else {
                Long seg = raw == null ? null : integer(raw);
                mb = seg == null || seg < 1 ? null : seg * SEGMENT_MB;
            }
            if (mb == null) {
                warnings.add("invalid value " + raw + " for " + name + ", using the default");
            }
        }
        long effectiveMb = mb == null ? 8 * SEGMENT_MB : mb;
        if (major >= 13) {
            out.put("wal_keep_size", effectiveMb + "MB");
        } else {
            out.put("wal_keep_segments", (int) Math.max(1, effectiveMb / SEGMENT_MB));
        }
    }

    /** Postmaster options for the controlled parameters (wal_keep_* excluded): {@code --name=value}. */
    public static List<String> commandLineOptions(Map<String, Object> effective) {
        List<String> out = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of("listen_addresses", "port", "cluster_name"));
        names.addAll(CONTROLLED.keySet());
        names.sort(String::compareTo);
        for (String name : names) {
            if (effective.containsKey(name) && effective.get(name) != null) {
                out.add("--" + name + "=" + render(effective.get(name)));
            }
        }
        return out;
    }

    /** Text form of a parameter value as written to postgresql.conf (booleans as on/off). */
    public static String render(Object value) {
        if (value instanceof Boolean b) {
            return b ? "on" : "off";
        }
        return String.valueOf(value);
    }

    static String bool(Object v) {
        if (v instanceof Boolean b) {
            return b ? "on" : "off";
        }
        if (v instanceof Number n) {
            return n.longValue() != 0 ? "on" : "off";
        }
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "on", "true", "yes", "y", "1", "t" -> "on";
            case "off", "false", "no", "n", "0", "f" -> "off";
            default -> null;
        };
    }

    private static Object walLevel(Object v) {
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "hot_standby", "replica", "archive" -> "replica";
            case "logical" -> "logical";
            default -> null;
        };
    }

    private static Object atLeast(Object v, long min) {
        Long l = integer(v);
        return l == null || l < min || l > Integer.MAX_VALUE ? null : (Object) l.intValue();
    }

    static Long integer(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return ((Number) v).longValue();
        }
        if (v instanceof Boolean) {
            return null;
        }
        try {
            return Long.parseLong(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A size in megabytes; plain numbers are MB (wal_keep_size's unit). Units kB, MB, GB, TB. */
    static Long sizeMb(Object v) {
        Long plain = integer(v);
        if (plain != null) {
            return plain;
        }
        String s = String.valueOf(v).trim();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(kB|MB|GB|TB)").matcher(s);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "kB" -> n / 1024;
            case "MB" -> n;
            case "GB" -> n * 1024;
            default -> n * 1024 * 1024;
        };
    }
}
