package io.jpatroni.core.rest;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * The metrics of Patroni 4.1.4, in its order, names and types (rest-api.md §5.6), labelled with
 * scope and member name. The HELP texts are our own words.
 */
public final class PrometheusMetrics {

    /** Numeric PostgreSQL states; the numbers are frozen. */
    private static final List<String> STATES = List.of("initializing new cluster", "initdb failed",
            "running custom bootstrap script", "custom bootstrap failed", "creating replica", "running", "starting",
            "starting after custom bootstrap", "start failed", "restarting", "restart failed", "stopping", "stopped",
            "stop failed", "crashed");

    private final StringBuilder out = new StringBuilder(4096);
    private final String labels;

    private PrometheusMetrics(String labels) {
        this.labels = labels;
    }

    public static String render(NodeStatus s, boolean failsafeActive) {
        PrometheusMetrics m = new PrometheusMetrics("{scope=\"" + s.scope() + "\",name=\"" + s.name() + "\"}");
        boolean primary = "primary".equals(s.role());
        Optional<NodeStatus.Xlog> xlog = s.xlog();
        m.metric("patroni_version", "gauge", "Version of Patroni compatibility, each dotted part as two digits.",
                paddedVersion(s.patroniVersion()));
        m.metric("patroni_postgres_running", "gauge", "1 when PostgreSQL is running, else 0.",
                flag("running".equals(s.state())));
        m.metric("patroni_postmaster_start_time", "gauge", "When the postmaster started, in epoch seconds.",
                s.postmasterStartTime().map(PrometheusMetrics::epochSeconds).orElse("0"));
        m.metric("patroni_primary", "gauge", "1 when this node runs the primary of the cluster, else 0.",
                flag(primary));
        m.metric("patroni_xlog_location", "counter", "WAL flush position of the primary in bytes, 0 elsewhere.",
                Long.toString(primary ? xlog.map(x -> x.location().orElse(0)).orElse(0L) : 0));
        m.metric("patroni_standby_leader", "gauge", "1 when this node is the standby leader, else 0.",
                flag("standby_leader".equals(s.role())));
        m.metric("patroni_replica", "gauge", "1 when this node is a replica, else 0.", flag("replica".equals(s.role())));
        m.metric("patroni_sync_standby", "gauge", "1 when this node is a synchronous standby, else 0.",
                flag(s.syncStandby()));
        m.metric("patroni_quorum_standby", "gauge", "1 when this node is a quorum standby, else 0.", "0");
        m.metric("patroni_xlog_received_location", "counter", "Received WAL position in bytes, 0 when not a replica.",
                Long.toString(xlog.map(x -> x.receivedLocation().orElse(0)).orElse(0L)));
        m.metric("patroni_xlog_replayed_location", "counter", "Replayed WAL position in bytes, 0 when not a replica.",
                Long.toString(xlog.map(x -> x.replayedLocation().orElse(0)).orElse(0L)));
        m.metric("patroni_xlog_replayed_timestamp", "gauge",
                "Commit time of the last replayed transaction in epoch seconds, 0 when unknown.",
                xlog.flatMap(NodeStatus.Xlog::replayedTimestamp).map(PrometheusMetrics::epochSeconds).orElse("0"));
        m.metric("patroni_xlog_paused", "gauge", "1 when WAL replay is paused, else 0.",
                flag(xlog.map(NodeStatus.Xlog::paused).orElse(false)));
        if (s.serverVersion().orElse(0) >= 90600) {
            m.metric("patroni_postgres_streaming", "gauge", "1 when the WAL receiver streams from upstream, else 0.",
                    flag(s.replicationState().map("streaming"::equals).orElse(false)));
            m.metric("patroni_postgres_in_archive_recovery", "gauge", "1 when replaying WAL from the archive, else 0.",
                    flag(s.replicationState().map("in archive recovery"::equals).orElse(false)));
        }
        m.metric("patroni_postgres_server_version", "gauge", "PostgreSQL version as an integer, 0 when unknown.",
                Integer.toString(s.serverVersion().orElse(0)));
        m.metric("patroni_cluster_unlocked", "gauge", "1 when no node holds the leader lock or the DCS is unknown.",
                flag(s.clusterUnlocked()));
        m.metric("patroni_failsafe_mode_is_active", "gauge", "1 while DCS failsafe mode keeps the primary running.",
                flag(failsafeActive));
        m.metric("patroni_postgres_timeline", "gauge", "PostgreSQL timeline, 0 when unknown.",
                Long.toString(s.timeline().orElse(0)));
        m.metric("patroni_dcs_last_seen", "gauge", "Last successful contact with the DCS, in epoch seconds.",
                Long.toString(s.dcsLastSeen()));
        m.metric("patroni_pending_restart", "gauge", "1 when PostgreSQL needs a restart to apply its configuration.",
                flag(s.pendingRestart()));
        m.metric("patroni_is_paused", "gauge", "1 when the cluster is in maintenance mode, else 0.", flag(s.pause()));
        m.out.append("# HELP patroni_postgres_state Numeric PostgreSQL state.\n");
        m.out.append("# Values: 0=initdb, 1=initdb_failed, 2=custom_bootstrap, 3=custom_bootstrap_failed, "
                + "4=creating_replica, 5=running, 6=starting, 7=bootstrap_starting, 8=start_failed, 9=restarting, "
                + "10=restart_failed, 11=stopping, 12=stopped, 13=stop_failed, 14=crashed\n");
        m.out.append("# TYPE patroni_postgres_state gauge\n");
        m.out.append("patroni_postgres_state").append(m.labels).append(' ').append(STATES.indexOf(s.state()))
                .append('\n');
        return m.out.toString();
    }

    private void metric(String name, String type, String help, String value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append(labels).append(' ').append(value).append('\n');
    }

    private static String flag(boolean b) {
        return b ? "1" : "0";
    }

    /** {@code 4.1.4} → {@code 040104}: every dotted part's leading digits, zero-padded to two. */
    static String paddedVersion(String version) {
        StringBuilder padded = new StringBuilder();
        for (String part : version.split("\\.")) {
            String digits = part.replaceFirst("^(\\d*).*$", "$1");
            padded.append(digits.length() < 2 ? "0".repeat(2 - digits.length()) + digits : digits);
        }
        return padded.toString();
    }

    /** {@code 2025-01-10 08:01:02.123456+00:00} → {@code 1736496062.123456}, as a Python float prints. */
    static String epochSeconds(String timestamp) {
        try {
            OffsetDateTime t = OffsetDateTime.parse(timestamp.trim().replace(' ', 'T'));
            BigDecimal seconds = BigDecimal.valueOf(t.toEpochSecond()).add(BigDecimal.valueOf(t.getNano(), 9))
                    .stripTrailingZeros();
            String text = seconds.toPlainString();
            return text.contains(".") ? text : text + ".0";
        } catch (DateTimeParseException e) {
            return "0";
        }
    }
}
