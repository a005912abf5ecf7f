package io.jpatroni.core.rest;

import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.ha.PeerStatus;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the REST API's write endpoints (rest-api.md §6, §7) may do to this node and to the cluster.
 * Implemented by the daemon over its DCS client, its HA loop and its PostgreSQL; every method is
 * safe to call from REST worker threads. Blocking methods say so.
 */
public interface NodeOperations {

    /** A fresh read of the whole cluster from the DCS (PATCH /config, switchover polling). */
    ClusterView readCluster() throws DcsException;

    /** Writes the {@code config} key; with a version, only if it still has that version (CAS). */
    boolean writeConfig(String json, OptionalLong version);

    /** Writes the {@code failover} key; with a version, only if it still has that version (CAS). */
    boolean writeFailover(String json, OptionalLong version);

    /** Wakes the HA loop so it acts at once (after a config write or a switchover request). */
    void wakeLoop();

    /** {@code loop_wait} in force. */
    int loopWait();

    /** The peers' {@code GET /patroni} answers, in parallel, 2 s each (switchover feasibility). */
    List<PeerStatus> peerStatuses(List<MemberInfo> members);

    /** Schedules a re-read of patroni.yml, as SIGHUP does (POST /reload). */
    void requestReload();

    /** Filters of a restart (rest-api.md §7.2); empty = no filter. */
    record RestartRequest(Optional<String> role, Optional<String> postgresVersion, Optional<Duration> timeout,
                          boolean onlyIfPendingRestart) {
    }

    /** How a restart went: {@code ok} and Patroni's message ("restarted successfully", "restart failed", ...). */
    record Outcome(boolean ok, String message) {
    }

    /** Restarts PostgreSQL now and waits for the result (blocking). */
    Outcome restart(RestartRequest request);

    /** Stores a scheduled restart; false if one is already scheduled. */
    boolean scheduleRestart(OffsetDateTime at, RestartRequest request);

    /** Deletes the scheduled restart; false if none was scheduled. */
    boolean cancelScheduledRestart();

    /** The scheduled restart as published in /patroni ({@code schedule} plus the filters), if any. */
    Optional<Map<String, Object>> scheduledRestart();

    /** Starts re-creating this replica from the leader (asynchronous); Patroni's refusal messages otherwise. */
    Outcome reinitialize(boolean force, boolean fromLeader);

    /** The cluster is paused (maintenance mode). */
    boolean paused();
}
