package io.jpatroni.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The strict rules a dynamic configuration must pass before anyone writes it (PATCH/PUT /config) or
 * bootstraps a cluster with it ({@code bootstrap.dcs}, also under {@code --validate-config}).
 *
 * <p>The node itself stays lenient with what it finds in the DCS, as Patroni is ({@link DynamicConfig#fromMap}):
 * another tool may have written anything there. Here nothing is repaired silently: a value the node
 * would clamp, ignore or misread is refused with the key, the value and what to write instead. All
 * arithmetic is on {@code long}: {@code retry_timeout: 1500000000} once wrapped {@code 2 × retry_timeout}
 * negative and passed the timing rule, which disabled demotion.
 */
public final class DynamicConfigRules {

    /**
     * Upper bound for the timing keys and timeouts, in seconds (about 11.5 days). Patroni has none; without one,
     * milliseconds derived from these values overflow 32-bit arithmetic in drivers, and a lease that long
     * is an outage, not a setting.
     */
    public static final long MAX_SECONDS = 1_000_000L;

    static final String NOT_IMPLEMENTED = "is not implemented by jpatroni yet";

    private final List<ConfigProblem> problems = new ArrayList<>();

    private DynamicConfigRules() {
    }

    /** Every error in {@code raw}, with paths relative to the dynamic configuration's root. */
    public static List<ConfigProblem> check(Map<String, Object> raw) {
        DynamicConfigRules r = new DynamicConfigRules();
        r.checkAll(raw == null ? Map.of() : raw);
        return List.copyOf(r.problems);
    }

    private void checkAll(Map<String, Object> m) {
        seconds(m, "ttl", 30, DynamicConfig.MIN_TTL);
        seconds(m, "loop_wait", 10, DynamicConfig.MIN_LOOP_WAIT);
        seconds(m, "retry_timeout", 10, DynamicConfig.MIN_RETRY_TIMEOUT);
        // loop_wait + 2 × retry_timeout > ttl is repaired by the node with a warning, as Patroni does
        // (DynamicConfig.fromMap, in long arithmetic); only values it cannot use or would clamp are refused here
        integer(m, "maximum_lag_on_failover", 0, Long.MAX_VALUE, null);
        integer(m, "maximum_lag_on_syncnode", -1, Long.MAX_VALUE, null);
        for (String k : List.of("primary_start_timeout", "primary_stop_timeout", "master_start_timeout",
                "master_stop_timeout")) {
            integer(m, k, 0, MAX_SECONDS, null);
        }
        integer(m, "synchronous_node_count", 1, Integer.MAX_VALUE, null);
        integer(m, "max_timelines_history", 0, Integer.MAX_VALUE, null);
        integer(m, "member_slots_ttl", 0, Long.MAX_VALUE / 1_000_000L, "s");
        for (String k : List.of("synchronous_mode_strict", "check_timeline", "pause")) {
            bool(m, k);
        }
        synchronousMode(m.get("synchronous_mode"));
        if (bool(m, "failsafe_mode")) {
            error("failsafe_mode", m.get("failsafe_mode"), NOT_IMPLEMENTED + ": remove it or set it to false");
        }
        standbyCluster(m);
        for (String k : List.of("slots", "permanent_slots", "permanent_replication_slots")) {
            if (m.get(k) != null && !(m.get(k) instanceof Map<?, ?>)) {
                error(k, m.get(k), "is not a dictionary of slot name → {type: physical|logical, ...}");
            }
        }
        if (m.get("ignore_slots") != null && !(m.get("ignore_slots") instanceof List<?>)) {
            error("ignore_slots", m.get("ignore_slots"), "is not a list of {name, type, database, plugin}");
        }
        postgresql(m.get("postgresql"));
    }

    private void synchronousMode(Object v) {
        if (v == null) {
            return;
        }
        if (v instanceof String s && s.toLowerCase(Locale.ROOT).equals("quorum")) {
            error("synchronous_mode", v, NOT_IMPLEMENTED + " (quorum commit): use synchronous_mode: true for"
                    + " classic synchronous replication, or false");
        } else if (v instanceof Map<?, ?> || v instanceof List<?> || ValueParsers.boolish(v).isEmpty()) {
            error("synchronous_mode", v, "is not a boolean (write true or false)");
        }
    }

    private void standbyCluster(Map<String, Object> m) {
        Object v = m.get("standby_cluster");
        if (v == null) {
            return;
        }
        if (!(v instanceof Map<?, ?> sc)) {
            error("standby_cluster", v, "is not a dictionary");
            return;
        }
        if (sc.values().stream().anyMatch(ValueParsers::truthy)) {
            error("standby_cluster", v, NOT_IMPLEMENTED + ": remove the standby_cluster section (a jpatroni"
                    + " cluster always runs its own primary)");
        }
    }

    @SuppressWarnings("unchecked")
    private void postgresql(Object v) {
        if (v == null) {
            return;
        }
        if (!(v instanceof Map<?, ?>)) {
            error("postgresql", v, "is not a dictionary");
            return;
        }
        Map<String, Object> pg = (Map<String, Object>) v;
        for (String k : List.of("use_slots", "use_pg_rewind")) {
            Object b = pg.get(k);
            if (b != null && ValueParsers.boolish(b).isEmpty()) {
                error("postgresql." + k, b, "is not a boolean (write true or false, without quotes)");
            }
        }
        Object params = pg.get("parameters");
        if (params != null && !(params instanceof Map<?, ?>)) {
            error("postgresql.parameters", params, "is not a dictionary of parameter name → value");
        } else if (params != null) {
            problems.addAll(parameters((Map<String, Object>) params, "postgresql.parameters"));
        }
        Object hba = pg.get("pg_hba");
        if (hba != null) {
            problems.addAll(lines(hba, "postgresql.pg_hba"));
        }
    }

    /** postgresql.conf safety for a parameters map (dynamic or local): names, scalar values, single lines. */
    public static List<ConfigProblem> parameters(Map<String, Object> params, String path) {
        List<ConfigProblem> out = new ArrayList<>();
        params.forEach((name, value) -> {
            String p = path + "." + name;
            if (!ConfText.isParameterName(name)) {
                out.add(ConfigProblem.error(path, Problems.render(path, name), "is not a valid PostgreSQL parameter"
                        + " name (letters, digits, '_' and '.', not starting with a digit or '.'); remove it"));
            } else if (value instanceof Map<?, ?> || value instanceof List<?>) {
                out.add(ConfigProblem.error(p, Problems.render(p, value), "is not a single value (write a string or"
                        + " a number)"));
            } else if (value != null) {
                ConfText.lineBreakProblem(ValueParsers.pythonStr(value)).ifPresent(why -> out.add(ConfigProblem.error(p,
                        Problems.render(p, value), why + ": a parameter value must be a single line")));
            }
        });
        return out;
    }

    /** pg_hba / pg_ident: a list of single-line strings. */
    public static List<ConfigProblem> lines(Object v, String path) {
        List<ConfigProblem> out = new ArrayList<>();
        if (!(v instanceof List<?> l)) {
            out.add(ConfigProblem.error(path, Problems.render(path, v), "is not a list of lines"));
            return out;
        }
        for (int i = 0; i < l.size(); i++) {
            Object line = l.get(i);
            String p = path + "." + i;
            if (line == null || line instanceof Map<?, ?> || line instanceof List<?>) {
                out.add(ConfigProblem.error(p, Problems.render(p, line), "is not a string"));
            } else {
                ConfText.lineBreakProblem(ValueParsers.pythonStr(line)).ifPresent(why -> out.add(
                        ConfigProblem.error(p, Problems.render(p, line), why + ": write one list item per line")));
            }
        }
        return out;
    }

    /** A timing key: Python int conversion (as the node applies it), minimum and maximum. */
    private void seconds(Map<String, Object> m, String key, long dflt, long min) {
        if (!m.containsKey(key)) {
            return;
        }
        Object v = m.get(key);
        OptionalLong n = v instanceof Boolean ? OptionalLong.empty() : ValueParsers.pythonInt(v);
        if (n.isEmpty()) {
            error(key, v, "is not an integer number of seconds (write e.g. " + key + ": " + dflt + ")");
            return;
        }
        range(key, v, n.getAsLong(), min, MAX_SECONDS);
    }

    private void integer(Map<String, Object> m, String key, long min, long max, String unit) {
        Object v = m.get(key);
        if (v == null) {
            return;
        }
        OptionalLong n = v instanceof Boolean ? OptionalLong.empty() : ValueParsers.parseInt(v, unit);
        if (n.isEmpty()) {
            error(key, v, "is not an integer" + (unit == null ? "" : " (seconds, or a time such as 30min)"));
            return;
        }
        range(key, v, n.getAsLong(), min, max);
    }

    private void range(String key, Object v, long n, long min, long max) {
        if (n < min) {
            error(key, v, "is below the minimum " + min);
        } else if (n > max) {
            error(key, v, "is above the maximum " + max);
        }
    }

    /** A bool-ish key; errors when set to something else. True only for a valid true. */
    private boolean bool(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return false;
        }
        if (v instanceof Map<?, ?> || v instanceof List<?> || ValueParsers.boolish(v).isEmpty()) {
            error(key, v, "is not a boolean (write true or false)");
            return false;
        }
        return ValueParsers.boolish(v).get();
    }

    private void error(String path, Object value, String reason) {
        problems.add(ConfigProblem.error(path, Problems.render(path, value), reason));
    }
}
