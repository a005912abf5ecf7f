package io.jpatroni.core.postgres;

import java.util.LinkedHashMap;
import java.util.Map;

/** The key/value output of {@code pg_controldata} (LANG=C), with typed accessors for what the HA loop uses. */
public record ControlData(Map<String, String> raw) {
    public static final String SHUT_DOWN = "shut down";
    public static final String SHUT_DOWN_IN_RECOVERY = "shut down in recovery";
    public static final String IN_PRODUCTION = "in production";
    public static final String IN_CRASH_RECOVERY = "in crash recovery";
    public static final String IN_ARCHIVE_RECOVERY = "in archive recovery";
    public static final String SHUTTING_DOWN = "shutting down";

    public ControlData {
        raw = Map.copyOf(raw);
    }

    /** Parses {@code Name:   value} lines; lines without a colon are ignored. */
    public static ControlData parse(String output) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            m.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        return new ControlData(m);
    }

    public String get(String key) {
        return raw.getOrDefault(key, "");
    }

    public String systemIdentifier() {
        return get("Database system identifier");
    }

    public String clusterState() {
        return get("Database cluster state");
    }

    public long checkpointTimeline() {
        return parseLong(get("Latest checkpoint's TimeLineID"));
    }

    public long checkpointLocation() {
        return parseLsn(get("Latest checkpoint location"));
    }

    /** Start of the latest checkpoint's redo (used to find the checkpoint record with pg_waldump). */
    public long checkpointRedoLocation() {
        return parseLsn(get("Latest checkpoint's REDO location"));
    }

    public long minRecoveryEndLocation() {
        return parseLsn(get("Minimum recovery ending location"));
    }

    public long minRecoveryEndTimeline() {
        return parseLong(get("Min recovery ending loc's timeline"));
    }

    public boolean walLogHints() {
        return "on".equals(get("wal_log_hints setting"));
    }

    public int dataChecksumVersion() {
        return (int) parseLong(get("Data page checksum version"));
    }

    /** A postmaster was running (or crashed) without a clean shutdown: crash recovery is needed first. */
    public boolean uncleanShutdown() {
        String s = clusterState();
        return IN_PRODUCTION.equals(s) || IN_CRASH_RECOVERY.equals(s) || SHUTTING_DOWN.equals(s);
    }

    /** Control data value of a parameter recorded in pg_control, e.g. "max_connections setting". */
    public long setting(String name) {
        return parseLong(get(name + " setting"));
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long parseLsn(String s) {
        try {
            return Lsn.parse(s);
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }
}
