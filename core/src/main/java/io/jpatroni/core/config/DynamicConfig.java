package io.jpatroni.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import io.jpatroni.api.dcs.DcsTiming;

/**
 * The cluster-wide configuration (DCS {@code config} key, or {@code bootstrap.dcs} before the cluster
 * exists), typed. Timing values are already clamped to their minimums and repaired so that
 * {@code loop_wait + 2 × retry_timeout ≤ ttl} (timing.md §1.1). {@code raw} is the map as stored.
 */
public record DynamicConfig(int ttl, int loopWait, int retryTimeout, long maximumLagOnFailover,
                            boolean synchronousMode, boolean synchronousModeStrict, int synchronousNodeCount,
                            boolean checkTimeline, boolean pause, int primaryStartTimeout, int primaryStopTimeout,
                            boolean failsafeMode, Optional<Boolean> usePgRewind, boolean useSlots,
                            Map<String, Object> postgresqlParameters, List<String> pgHba, Map<String, Object> raw) {

    public static final int MIN_TTL = 20;
    public static final int MIN_LOOP_WAIT = 1;
    public static final int MIN_RETRY_TIMEOUT = 3;

    public DynamicConfig {
        postgresqlParameters = Frozen.map(postgresqlParameters);
        pgHba = List.copyOf(pgHba);
        raw = Frozen.map(raw);
    }

    public static DynamicConfig defaults() {
        try {
            return fromMap(Map.of(), new ArrayList<>());
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a dynamic configuration the lenient way Patroni does. {@code ttl}, {@code loop_wait} and
     * {@code retry_timeout} must convert with integer conversion, else the whole configuration is rejected
     * (the caller keeps the previous one). Other values that do not parse fall back to their defaults.
     * Adjustments are appended to {@code warnings}.
     */
    public static DynamicConfig fromMap(Map<String, Object> raw, List<String> warnings) throws ConfigException {
        Map<String, Object> m = raw == null ? Map.of() : raw;
        List<ConfigProblem> errors = new ArrayList<>();
        long ttl = timingSeconds(m, "ttl", 30, errors);
        long loopWait = timingSeconds(m, "loop_wait", 10, errors);
        long retryTimeout = timingSeconds(m, "retry_timeout", 10, errors);
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        // long arithmetic throughout: 2 × retry_timeout must not wrap (retry_timeout 1500000000 once did,
        // passed the rule below with a negative sum and left the leader unable to demote in time)
        if (ttl < MIN_TTL) {
            warnings.add("ttl=" + ttl + " is below the minimum " + MIN_TTL + "; using " + MIN_TTL);
            ttl = MIN_TTL;
        }
        if (loopWait < MIN_LOOP_WAIT) {
            warnings.add("loop_wait=" + loopWait + " is below the minimum " + MIN_LOOP_WAIT + "; using " + MIN_LOOP_WAIT);
            loopWait = MIN_LOOP_WAIT;
        }
        if (retryTimeout < MIN_RETRY_TIMEOUT) {
            warnings.add("retry_timeout=" + retryTimeout + " is below the minimum " + MIN_RETRY_TIMEOUT + "; using "
                    + MIN_RETRY_TIMEOUT);
            retryTimeout = MIN_RETRY_TIMEOUT;
        }
        if (1 + 2 * retryTimeout > ttl) {
            long newRetry = (ttl - 1) / 2;
            warnings.add("loop_wait + 2*retry_timeout must be <= ttl (" + loopWait + " + 2*" + retryTimeout + " > " + ttl
                    + "); using loop_wait=1 and retry_timeout=" + newRetry);
            loopWait = 1;
            retryTimeout = newRetry;
        } else if (loopWait + 2 * retryTimeout > ttl) {
            long newLoop = ttl - 2 * retryTimeout;
            warnings.add("loop_wait + 2*retry_timeout must be <= ttl (" + loopWait + " + 2*" + retryTimeout + " > " + ttl
                    + "); using loop_wait=" + newLoop);
            loopWait = newLoop;
        }

        long maxLag = lenientInt(m, "maximum_lag_on_failover", 1_048_576L, warnings);
        Object sync = m.get("synchronous_mode");
        boolean synchronousMode = isQuorum(sync) || ValueParsers.boolish(sync).orElse(false);
        boolean strict = ValueParsers.boolish(m.get("synchronous_mode_strict")).orElse(false);
        int syncCount = (int) Math.max(0, Math.min(Integer.MAX_VALUE, lenientInt(m, "synchronous_node_count", 1, warnings)));
        boolean checkTimeline = ValueParsers.boolish(m.get("check_timeline")).orElse(false);
        boolean pause = ValueParsers.boolish(m.get("pause")).orElse(false);
        int startTimeout = seconds(lenientInt(m, m.containsKey("primary_start_timeout") || !m.containsKey("master_start_timeout")
                ? "primary_start_timeout" : "master_start_timeout", 300, warnings));
        int stopTimeout = seconds(lenientInt(m, m.containsKey("primary_stop_timeout") || !m.containsKey("master_stop_timeout")
                ? "primary_stop_timeout" : "master_stop_timeout", 0, warnings));
        boolean failsafe = ValueParsers.boolish(m.get("failsafe_mode")).orElse(false);

        Map<String, Object> pg = map(m.get("postgresql"));
        Optional<Boolean> usePgRewind = pg.containsKey("use_pg_rewind")
                ? Optional.of(ValueParsers.truthy(pg.get("use_pg_rewind"))) : Optional.empty();
        boolean useSlots = !pg.containsKey("use_slots") || ValueParsers.boolish(pg.get("use_slots")).orElse(false);
        Map<String, Object> parameters = map(pg.get("parameters"));
        List<String> pgHba = new ArrayList<>();
        if (pg.get("pg_hba") instanceof List<?> l) {
            for (Object o : l) {
                if (o != null) {
                    pgHba.add(ValueParsers.pythonStr(o));
                }
            }
        }
        // each is now within [1, MAX_SECONDS]: the narrowing is exact
        return new DynamicConfig((int) ttl, (int) loopWait, (int) retryTimeout, maxLag, synchronousMode, strict, syncCount, checkTimeline,
                pause, startTimeout, stopTimeout, failsafe, usePgRewind, useSlots, parameters, pgHba, m);
    }

    private static boolean isQuorum(Object v) {
        return v instanceof String s && s.toLowerCase(Locale.ROOT).equals("quorum");
    }

    private static long timingSeconds(Map<String, Object> m, String key, long dflt, List<ConfigProblem> errors) {
        if (!m.containsKey(key)) {
            return dflt;
        }
        Object v = m.get(key);
        OptionalLong n = ValueParsers.pythonInt(v);
        if (n.isEmpty()) {
            errors.add(ConfigProblem.error(key, ValueParsers.describe(v), "is not an integer number of seconds"));
            return dflt;
        }
        if (n.getAsLong() > DynamicConfigRules.MAX_SECONDS) {
            errors.add(ConfigProblem.error(key, ValueParsers.describe(v), "is above the maximum "
                    + DynamicConfigRules.MAX_SECONDS + " seconds"));
            return dflt;
        }
        return n.getAsLong();
    }

    /** A timeout in seconds as an int: negative values count as 0, huge ones are capped. */
    private static int seconds(long value) {
        return (int) Math.max(0, Math.min(DynamicConfigRules.MAX_SECONDS, value));
    }

    /**
     * The strict rules for writing this configuration (PATCH/PUT /config, bootstrap.dcs): every error, with
     * paths relative to the configuration's root. Empty when it may be written.
     */
    public static List<ConfigProblem> check(Map<String, Object> raw) {
        return DynamicConfigRules.check(raw);
    }

    private static long lenientInt(Map<String, Object> m, String key, long dflt, List<String> warnings) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        OptionalLong n = ValueParsers.parseInt(v, null);
        if (n.isEmpty()) {
            warnings.add(key + " " + ValueParsers.describe(v) + " is not an integer; using the default " + dflt);
            return dflt;
        }
        return n.getAsLong();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object v) {
        return v instanceof Map<?, ?> ? (Map<String, Object>) v : Map.of();
    }

    public DcsTiming timing() {
        return new DcsTiming(ttl, loopWait, retryTimeout);
    }

    /** {@code synchronous_mode: quorum} [4.x]. */
    public boolean quorumCommitMode() {
        return isQuorum(raw.get("synchronous_mode"));
    }

    /**
     * The primary manages synchronous_standby_names and the {@code sync} key: synchronous_mode on,
     * strict or quorum (quorum is run as on), never in a standby cluster.
     */
    public boolean managesSynchronousReplication() {
        return synchronousMode && !isStandbyCluster();
    }

    /** How many synchronous standbys to keep: synchronous_node_count, at least 1. */
    public int effectiveSyncNodeCount() {
        return Math.max(1, synchronousNodeCount);
    }

    /** {@code maximum_lag_on_syncnode}, −1 (off) by default. */
    public long maximumLagOnSyncnode() {
        return ValueParsers.parseInt(raw.get("maximum_lag_on_syncnode"), null).orElse(-1);
    }

    /** {@code max_timelines_history}, 0 = unlimited. */
    public int maxTimelinesHistory() {
        long n = ValueParsers.parseInt(raw.get("max_timelines_history"), null).orElse(0);
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, n));
    }

    /** {@code member_slots_ttl} in seconds (time units accepted), 1800 by default. */
    public long memberSlotsTtl() {
        return ValueParsers.parseInt(raw.get("member_slots_ttl"), "s").orElse(1800);
    }

    /** The {@code standby_cluster} section reduced to the keys Patroni honours; empty map when absent. */
    public Map<String, Object> standbyCluster() {
        Map<String, Object> out = new LinkedHashMap<>();
        map(raw.get("standby_cluster")).forEach((k, v) -> {
            if (STANDBY_KEYS.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    static final List<String> STANDBY_KEYS = List.of("host", "port", "primary_slot_name", "create_replica_methods",
            "restore_command", "archive_cleanup_command", "recovery_min_apply_delay");

    /** A standby cluster is configured when one of host, port, restore_command is non-empty. */
    public boolean isStandbyCluster() {
        Map<String, Object> sc = standbyCluster();
        return ValueParsers.truthy(sc.get("host")) || ValueParsers.truthy(sc.get("port"))
                || ValueParsers.truthy(sc.get("restore_command"));
    }

    /** Permanent slots ({@code slots}, or its aliases {@code permanent_slots}, {@code permanent_replication_slots}). */
    public Map<String, Object> slots() {
        for (String key : List.of("slots", "permanent_slots", "permanent_replication_slots")) {
            if (raw.get(key) instanceof Map<?, ?>) {
                return map(raw.get(key));
            }
        }
        return Map.of();
    }

    /** {@code ignore_slots} entries (maps), empty when absent. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> ignoreSlots() {
        List<Map<String, Object>> out = new ArrayList<>();
        if (raw.get("ignore_slots") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> mm) {
                    out.add((Map<String, Object>) mm);
                }
            }
        }
        return out;
    }
}
