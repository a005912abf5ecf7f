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

    ReplicaRecovery(PatroniConfig config, PostgresNode pg, NodeState state, Supplier<DynamicConfig> dynamic,
                    Callbacks callbacks) {
        this.callbacks = callbacks;
        this.config = config;
        this.pg = pg;
        this.state = state;
        this.dynamic = dynamic;
    }

    /** Creates this node's data directory from {@code source}, then starts following the leader. */
    void cloneFrom(ClusterView cluster, String source) throws PostgresException {
        Upstream from = ActionExecutor.upstreamOf(cluster, source)
                .orElseThrow(() -> new PostgresException("member " + source + " publishes no conn_url"));
        state.pgState = "creating replica";
        LOG.info("creating a replica from {} ({}:{}) with pg_basebackup", source, from.host(), from.port());
        if (!pg.basebackup(from, config.postgresql().basebackupArgs())) {
            state.pgState = "stopped";
            throw new PostgresException("failed to bootstrap from " + source + ": pg_basebackup failed; will retry");
        }
        state.role = "replica";
        Optional<Upstream> leader = cluster.leaderName().flatMap(l -> ActionExecutor.upstreamOf(cluster, l));
        startStandby(leader.isPresent() ? leader : Optional.of(from));
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
            if (diverged.orElse(false)) {
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
    void rejoin(ClusterView cluster, Optional<String> leader) throws PostgresException {
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
            rewindOrReclone(upstream);
        }
        startStandby(Optional.of(upstream));
        state.role = "replica";
    }

    private void rewindOrReclone(Upstream leader) throws PostgresException {
        boolean rewound = false;
        if (useRewind() && pg.canRewind()) {
            LOG.info("running pg_rewind from {}", leader.memberName());
            state.pgState = "running pg_rewind";
            rewound = pg.rewind(leader);
            if (!rewound) {
                LOG.warn("pg_rewind from {} failed", leader.memberName());
            }
        } else {
            LOG.warn("timeline diverged from {} and pg_rewind is not usable (use_pg_rewind off, or neither "
                    + "wal_log_hints nor data checksums)", leader.memberName());
        }
        if (!rewound) {
            LOG.warn("reinitializing: removing the data directory and creating a fresh replica from {}",
                    leader.memberName());
            pg.removeDataDirectory();
            state.pgState = "creating replica";
            if (!pg.basebackup(leader, config.postgresql().basebackupArgs())) {
                state.pgState = "stopped";
                throw new PostgresException("failed to create a fresh replica from " + leader.memberName());
            }
        }
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
