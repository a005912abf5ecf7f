package io.jpatroni.core.loop;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.config.DynamicConfig;
import io.jpatroni.core.config.PatroniConfig;
import io.jpatroni.core.postgres.ControlData;
import io.jpatroni.core.postgres.PostgresException;
import io.jpatroni.core.postgres.PostgresNode;
import io.jpatroni.core.postgres.StopMode;
import io.jpatroni.core.postgres.Upstream;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bringing this node up as a replica: cloning, starting as a standby, repointing at a new leader,
 * and rejoining after being a primary (crash recovery, pg_rewind, or a fresh clone when the
 * timeline diverged and rewinding is impossible) — ha-loop.md §4, §5, §10, §13.
 */
final class ReplicaRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaRecovery.class);

    /** pg_controldata states of a data directory that was last a primary. */
    private static final Set<String> PRIMARY_STATES = Set.of("in production", "shut down", "in crash recovery",
            "shutting down");
    /** States that need crash recovery before pg_rewind accepts the data directory. */
    private static final Set<String> UNCLEAN_STATES = Set.of("in production", "in crash recovery", "shutting down");

    private final PatroniConfig config;
    private final PostgresNode pg;
    private final NodeState state;
    private final Supplier<DynamicConfig> dynamic;

    private final Callbacks callbacks;
    private final ReplicaCreation creation;

    ReplicaRecovery(PatroniConfig config, PostgresNode pg, NodeState state, Supplier<DynamicConfig> dynamic,
                    Callbacks callbacks, ReplicaCreation creation) {
        this.callbacks = callbacks;
        this.creation = creation;
        this.config = config;
        this.pg = pg;
        this.state = state;
        this.dynamic = dynamic;
    }

    /** Creates this node's data directory from {@code source}, then starts following the leader. */
    void cloneFrom(ClusterView cluster, String source) throws PostgresException, InterruptedException {
        Upstream from = ActionExecutor.upstreamOf(cluster, source)
                .orElseThrow(() -> new PostgresException("member " + source + " publishes no conn_url"));
        state.pgState = "creating replica";
        if (!creation.create(Optional.of(from))) {
            state.pgState = "stopped";
            pg.removeDataDirectory();
            throw new PostgresException("failed to bootstrap from " + source + ": every replica method failed ("
                    + String.join(", ", creation.methodNames()) + "); will retry");
        }
        state.role = "replica";
        Optional<Upstream> leader = cluster.leaderName().flatMap(l -> ActionExecutor.upstreamOf(cluster, l));
        startStandby(leader.isPresent() ? leader : Optional.of(from));
    }

    /**
     * No leader and no member to copy from, but a method marked no_leader can restore from a backup (ha-loop.md
     * §3.1 item 3): the copy starts as a standby without primary_conninfo, replaying what recovery_conf fetches.
     */
    void cloneWithoutLeader(ClusterView cluster) throws PostgresException, InterruptedException {
        state.pgState = "creating replica";
        if (!creation.create(Optional.empty())) {
            state.pgState = "stopped";
            pg.removeDataDirectory();
            throw new PostgresException("failed to bootstrap (without leader): every no_leader replica method failed;"
                    + " will retry");
        }
        state.role = "replica";
        startStandby(cluster.leaderName().flatMap(l -> ActionExecutor.upstreamOf(cluster, l)));
    }

    /** Starts PostgreSQL as a standby of {@code upstream} (none: read-only without streaming). */
    void startStandby(Optional<Upstream> upstream) throws PostgresException {
        boolean wasPrimary = "primary".equals(state.role) || "demoted".equals(state.role);
        if ("primary".equals(state.role)) {
            state.role = "demoted"; // no longer primary from here on, whatever happens to this start
        }
        state.rewindCheckPending = true;
        state.pgState = "starting";
        boolean up = pg.start(upstream, true, Duration.ofSeconds(config.postgresql().pgCtlTimeout()));
        state.upstream = upstream;
        state.pgState = up ? "running" : "starting";
        state.firstContact = false;
        if (up) {
            // A former primary coming back as a replica changed role; anyone else just started.
            callbacks.fire(wasPrimary && upstream.isPresent() ? "on_role_change" : "on_start", "replica");
        }
    }

    /**
     * A running replica keeps following the current leader: repoint primary_conninfo when the
     * leader moved. A demoted primary first goes through {@link #rejoin}, because its timeline may
     * have diverged from the new leader's.
     */
    /** What following needs from the executor: nothing more, or a {@link #rejoin} in the background. */
    enum FollowOutcome { DONE, REJOIN }

    FollowOutcome follow(ClusterView cluster, Optional<String> leader) throws PostgresException {
        if (leader.isEmpty()) {
            return FollowOutcome.DONE;
        }
        Optional<Upstream> target = ActionExecutor.upstreamOf(cluster, leader.get());
        if (target.isEmpty()) {
            return FollowOutcome.DONE;
        }
        if ("demoted".equals(state.role) || "primary".equals(state.role)) {
            // Rejoin only once the leader runs as primary: a rejoin that can only wait would end at
            // once and wake the loop straight into the next one (a hot loop, simulator seed 3127).
            boolean leaderReady = cluster.member(leader.get())
                    .map(m -> m.isPrimaryRole() && !m.checkpointAfterPromotePending()).orElse(false);
            return leaderReady ? FollowOutcome.REJOIN : FollowOutcome.DONE;
        }
        long leaderTimeline = cluster.member(leader.get()).map(m -> m.timeline().orElse(0)).orElse(0L);
        String against = leader.get() + "@" + leaderTimeline;
        if (leaderTimeline > localTimeline() || !against.equals(state.rewindCheckedAgainst)) {
            // A new leader or a new leader timeline may not share my history, even with the same
            // timeline number (simulator seed 70952: a replica on a colliding timeline never streamed).
            state.rewindCheckPending = true;
        }
        if (state.rewindCheckPending) {
            // A replica may hold WAL past the new leader's fork point (it followed an older leader, or
            // received more than the one that won): it would never stream again without a rewind.
            Optional<Boolean> diverged = pg.rewindNeeded(target.get());
            if (diverged.orElse(false) && !against.equals(state.rewindFailedAgainst)) {
                LOG.info("my timeline diverged from {}'s: rejoining", leader.get());
                return FollowOutcome.REJOIN;
            }
            if (diverged.isPresent()) {
                state.rewindCheckPending = false;
                state.rewindCheckedAgainst = against;
            }
        }
        if (state.upstream.map(u -> sameServer(u, target.get())).orElse(false)) {
            return FollowOutcome.DONE;
        }
        LOG.info("changing primary_conninfo and reloading: following {} at {}", leader.get(), key(target.get()));
        pg.follow(target.get());
        state.upstream = target;
        state.role = "replica";
        state.rewindCheckPending = true;
        return FollowOutcome.DONE;
    }

    /** Brings a stopped (or demoted) node back as a replica of {@code leader}. */
    void rejoin(ClusterView cluster, Optional<String> leader) throws PostgresException, InterruptedException {
        if (leader.isEmpty()) {
            if (!pg.isRunning()) {
                startStandby(Optional.empty());
            }
            if (!"demoted".equals(state.role)) {
                state.role = "replica";
            }
            return;
        }
        Optional<MemberInfo> leaderMember = cluster.member(leader.get());
        if (leaderMember.isEmpty() || !leaderMember.get().isPrimaryRole()
                || leaderMember.get().checkpointAfterPromotePending() || leaderMember.get().connUrl().isEmpty()) {
            LOG.info("waiting for leader {} to run as primary before rejoining", leader.get());
            return;
        }
        Upstream upstream = Upstream.fromConnUrl(leader.get(), leaderMember.get().connUrl());
        if (pg.isRunning()) {
            pg.stop(StopMode.FAST, Optional.empty(), () -> { });
        }
        Optional<ControlData> control = pg.controlData();
        String clusterState = control.map(ControlData::clusterState).orElse("");
        boolean wasPrimary = PRIMARY_STATES.contains(clusterState);
        if (wasPrimary && UNCLEAN_STATES.contains(clusterState)) {
            LOG.info("doing crash recovery in a single user mode");
            state.pgState = "crash recovery";
            pg.crashRecoverySingleUser();
        }
        Optional<Boolean> diverged = pg.rewindNeeded(upstream);
        if (diverged.orElse(wasPrimary)) {
            String against = leader.get() + "@" + leaderMember.get().timeline().orElse(0);
            if (against.equals(state.rewindFailedAgainst)) {
                LOG.warn("not rewinding from {} again (it failed): starting as a replica that cannot stream until"
                        + " it is reinitialized", leader.get());
            } else if (!rewindOrReclone(upstream)) {
                // Patroni's default: the data stays; PostgreSQL starts and cannot stream until an operator reinits
                state.rewindFailedAgainst = against;
            }
        }
        startStandby(Optional.of(upstream));
        state.role = "replica";
    }

    /**
     * ha-loop.md §13.3: rewind when usable; the data directory is removed and re-created only when the operator
     * allowed it (remove_data_directory_on_rewind_failure / _on_diverged_timelines). Otherwise the data is left
     * alone and the node stays stopped: the operator decides (reinit) — a copy wiped by mistake cannot come back.
     *
     * @return true when the data directory now follows the leader's timeline (rewound or re-created)
     */
    private boolean rewindOrReclone(Upstream leader) throws PostgresException, InterruptedException {
        var pgConfig = config.postgresql();
        boolean rewound = false;
        boolean mayRemove;
        if (useRewind() && pg.canRewind()) {
            LOG.info("running pg_rewind from {}", leader.memberName());
            state.pgState = "running pg_rewind";
            rewound = pg.rewind(leader);
            if (rewound) {
                return true;
            }
            LOG.warn("pg_rewind from {} failed", leader.memberName());
            mayRemove = pgConfig.removeDataDirectoryOnRewindFailure() || pgConfig.removeDataDirectoryOnDivergedTimelines();
            if (!mayRemove) {
                LOG.error("Failed to rewind from {}: leaving the data directory alone (set "
                        + "postgresql.remove_data_directory_on_rewind_failure to re-create it automatically, or run "
                        + "jpatronictl reinit)", leader.memberName());
            }
        } else {
            mayRemove = pgConfig.removeDataDirectoryOnDivergedTimelines();
            if (!mayRemove) {
                LOG.error("timeline diverged from {} and pg_rewind is not usable (use_pg_rewind off, or neither "
                        + "wal_log_hints nor data checksums): leaving the data directory alone (set "
                        + "postgresql.remove_data_directory_on_diverged_timelines to re-create it automatically, or "
                        + "run jpatronictl reinit)", leader.memberName());
            }
        }
        if (!mayRemove) {
            state.pgState = "stopped";
            return false;
        }
        LOG.warn("reinitializing: removing the data directory and creating a fresh replica from {}",
                leader.memberName());
        pg.removeDataDirectory();
        state.pgState = "creating replica";
        if (!creation.create(Optional.of(leader))) {
            state.pgState = "stopped";
            pg.removeDataDirectory();
            throw new PostgresException("failed to create a fresh replica from " + leader.memberName());
        }
        return true;
    }

    private boolean useRewind() {
        return config.postgresql().usePgRewind().or(() -> dynamic.get().usePgRewind()).orElse(false);
    }

    /** My timeline, or a very large one while PostgreSQL does not answer (no check triggered by it). */
    private long localTimeline() {
        try {
            return pg.query().timeline();
        } catch (PostgresException e) {
            return Long.MAX_VALUE;
        }
    }

    private static boolean sameServer(Upstream a, Upstream b) {
        return a.host().equals(b.host()) && a.port() == b.port();
    }

    private static String key(Upstream upstream) {
        return upstream.host() + ":" + upstream.port();
    }
}
