package io.jpatroni.core.rest;

import io.jpatroni.core.cluster.ClusterView;
import java.util.Optional;

/**
 * What the REST handlers read. Implemented by the daemon over the state the HA loop publishes;
 * no method blocks on the loop (a status query against PostgreSQL is allowed).
 */
public interface RestContext {

    /** The current node-status document. */
    NodeStatus status();

    /** This node holds the leader key and refreshed it less than ttl seconds ago. */
    boolean holdsLeaderLock();

    /** The last DCS read succeeded. */
    boolean clusterKnown();

    /** Dynamic config has a standby_cluster section with host, port or restore_command. */
    boolean standbyCluster();

    /** The last WAL position the leader published in the DCS ({@code status.optime}); 0 when unknown. */
    long leaderOptime();

    /** {@code maximum_lag_on_failover} from the dynamic configuration. */
    long maximumLagOnFailover();

    /** The HA loop is alive: its next run is not overdue by more than ttl (primary) or 2*ttl (others). */
    boolean loopAlive();

    /** The latest DCS snapshot the loop read, if any. */
    Optional<ClusterView> cluster();

    /** Cluster name. */
    String scope();

    /** DCS failsafe mode currently keeps the primary alive (readiness answers 200 without a DCS). */
    default boolean failsafeModeIsActive() {
        return false;
    }

    /** The scheduled restart shown as {@code scheduled_restart} in the status document (rest-api.md §3), if any. */
    default Optional<java.util.Map<String, Object>> scheduledRestart() {
        return Optional.empty();
    }
}
