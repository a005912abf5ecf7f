package io.jpatroni.core.loop;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.Leader;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.Json;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.config.DynamicConfig;
import io.jpatroni.core.config.PatroniConfig;
import io.jpatroni.core.ha.Decision;
import io.jpatroni.core.ha.DemoteMode;
import io.jpatroni.core.ha.HaAction;
import io.jpatroni.core.ha.LocalNode.BootstrapPhase;
import io.jpatroni.core.methods.HookCommand;
import io.jpatroni.core.methods.MethodCatalog;
import io.jpatroni.core.postgres.PostgresException;
import io.jpatroni.core.postgres.PostgresNode;
import io.jpatroni.core.postgres.StopMode;
import io.jpatroni.core.postgres.Upstream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a {@link Decision}: DCS writes and short PostgreSQL operations in the loop thread,
 * long ones on the {@link AsyncRunner}. Branching actions are resolved here by the DCS's answer.
 */
final class ActionExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(ActionExecutor.class);

    private final PatroniConfig config;
    private final Dcs dcs;
    private final PostgresNode pg;
    private final NodeState state;
    private final AsyncRunner async;
    private final Supplier<DynamicConfig> dynamic;
    private final LongSupplier nanoClock;
    private final PrimaryUpkeep upkeep;
    private final ReplicaRecovery recovery;

    private final Callbacks callbacks;
    private final Sleeper sleeper;
    private final SynchronousReplication sync;
    private final ReplicaSlots replicaSlots;
    private final LeaseGuard leaseGuard;
    private final CustomBootstrap customBootstrap;
    private final WatchdogControl watchdog;

    ActionExecutor(PatroniConfig config, Dcs dcs, PostgresNode pg, NodeState state, AsyncRunner async,
                   Supplier<DynamicConfig> dynamic, LongSupplier nanoClock, ReplicaRecovery recovery,
                   Callbacks callbacks, Sleeper sleeper, BackgroundWrites writes, LeaseGuard leaseGuard,
                   WatchdogControl watchdog, MethodCatalog methods) {
        this.watchdog = watchdog;
        this.customBootstrap = new CustomBootstrap(config, pg, methods, sleeper);
        this.sleeper = sleeper;
        this.leaseGuard = leaseGuard;
        this.config = config;
        this.dcs = dcs;
        this.pg = pg;
        this.state = state;
        this.async = async;
        this.dynamic = dynamic;
        this.nanoClock = nanoClock;
        this.upkeep = new PrimaryUpkeep(config.name(), dcs, pg, nanoClock, writes);
        this.recovery = recovery;
        this.callbacks = callbacks;
        this.sync = new SynchronousReplication(config.name(), dcs, pg, sleeper);
        this.replicaSlots = new ReplicaSlots(config.name(), pg);
    }

    /** Every snapshot read, leader or not, tells which members exist (for their replication slots). */
    void observe(ClusterView cluster) {
        upkeep.observe(cluster);
        sync.observe(cluster, dynamic.get());
    }

    /** Executes the decision and returns the status message of the branch that was taken. */
    String execute(Decision decision, ClusterView cluster) throws DcsException, PostgresException {
        String message = decision.message();
        for (HaAction action : decision.actions()) {
            Decision next = perform(action, cluster);
            if (next != null) {
                message = execute(next, cluster);
            }
        }
        return message;
    }

    /** Performs one action; returns the continuation to run for branching actions, else null. */
    private Decision perform(HaAction action, ClusterView cluster) throws DcsException, PostgresException {
        if (action instanceof HaAction.TryAcquireLock race) {
            if (prePromoteBackoff()) {
                LOG.info("backoff: skip leader race after pre_promote script failure and releasing the lock voluntarily");
                return race.ifLost();
            }
            if (snapshotOutdated(cluster)) {
                LOG.info("the cluster changed since this iteration read it: not racing on an old snapshot");
                return race.ifLost();
            }
            if (watchdogUnusable()) {
                return race.ifLost();
            }
            long sentAt = nanoClock.getAsLong();
            boolean won = dcs.attemptToAcquireLeader();
            setLeaderFlag(won, sentAt);
            LOG.info(won ? "acquired the leader lock" : "could not acquire the leader lock");
            if (won && !watchdog.activate()) {
                LOG.error("Not promoting self because watchdog could not be activated: releasing the leader lock");
                releaseLock(cluster);
                return race.ifLost();
            }
            return won ? race.ifWon() : race.ifLost();
        }
        if (action instanceof HaAction.RenewLock renew) {
            long sentAt = nanoClock.getAsLong();
            boolean held = dcs.updateLeader(cluster.leader().orElseThrow());
            setLeaderFlag(held, sentAt);
            if (held) {
                watchdog.keepalive();
                if (!watchdog.activate()) {
                    LOG.error("Demoting self because watchdog could not be activated: releasing the leader lock");
                    releaseLock(cluster);
                    return renew.ifLost();
                }
                upkeep.publishStatus();
            }
            return held ? renew.ifHeld() : renew.ifLost();
        }
        if (action instanceof HaAction.TryInitialize race) {
            if (watchdogUnusable()) {
                return race.ifLost();
            }
            return dcs.initialize(true, "") ? race.ifWon() : race.ifLost();
        }
        if (action instanceof HaAction.ReleaseLock) {
            releaseLock(cluster);
        } else if (action instanceof HaAction.WriteInitialize write) {
            dcs.initialize(cluster.initialize().isEmpty(), write.sysid());
        } else if (action instanceof HaAction.ClearFailover clear) {
            boolean cleared = dcs.setFailoverValue("{}", clear.version());
            if (!cleared && clear.version().isEmpty()) {
                // An unconditional write failed: the DCS is in trouble. Stop here rather than promote
                // on a lock this node may no longer hold when the DCS answers again (ha-loop.md §8.1).
                throw new DcsException("could not clear the failover key after taking the lock");
            }
        } else if (action instanceof HaAction.Bootstrap) {
            startAsync("bootstrap", this::bootstrap);
        } else if (action instanceof HaAction.CompleteBootstrap) {
            completeBootstrap(cluster);
        } else if (action instanceof HaAction.CancelBootstrap) {
            cancelBootstrap();
        } else if (action instanceof HaAction.CloneFrom clone) {
            startAsync("bootstrap from " + clone.member(), () -> recovery.cloneFrom(cluster, clone.member()));
        } else if (action instanceof HaAction.CloneWithoutLeader) {
            startAsync("bootstrap without leader", () -> recovery.cloneWithoutLeader(cluster));
        } else if (action instanceof HaAction.StartPrimaryInPlace) {
            startAsync("starting primary after failure", this::startPrimaryInPlace);
        } else if (action instanceof HaAction.StartReadOnly) {
            startAsync("start", () -> recovery.startStandby(Optional.empty()));
        } else if (action instanceof HaAction.Promote) {
            startAsync("promote", () -> promote(cluster));
        } else if (action instanceof HaAction.Demote demote) {
            demote(demote.mode(), cluster);
        } else if (action instanceof HaAction.Follow follow) {
            if (recovery.follow(cluster, follow.leader()) == ReplicaRecovery.FollowOutcome.REJOIN) {
                startAsync("rejoin", () -> recovery.rejoin(cluster, follow.leader()));
            }
            replicaSlots.maintain(cluster, dynamic.get());
        } else if (action instanceof HaAction.Rejoin rejoin) {
            startAsync("rejoin", () -> recovery.rejoin(cluster, rejoin.leader()));
        } else if (action instanceof HaAction.MaintainPrimary) {
            upkeep.maintain(cluster, dynamic.get());
            try {
                sync.manage(cluster, dynamic.get(), pg.query());
            } catch (PostgresException e) {
                LOG.warn("could not manage synchronous replication: {}", e.getMessage());
            }
        } else if (action instanceof HaAction.ExitDaemon exit) {
            throw new FatalDaemonError(exit.reason());
        } else {
            throw new IllegalStateException("no executor for " + action);
        }
        return null;
    }

    /** Patroni's "not healthy" watchdog: required but unusable keeps this node out of every race. */
    private boolean watchdogUnusable() {
        Optional<String> reason = watchdog.requiredButUnusable();
        reason.ifPresent(r -> LOG.warn("Watchdog device is not usable, not taking the leader lock"
                + " (watchdog.mode is required): {}", r));
        return reason.isPresent();
    }

    /**
     * Right before taking a free lock: did a leader come (and maybe go) since the snapshot was read?
     * A node paused in between would otherwise promote behind a newer leader's position (the
     * simulator's seed 59796).
     */
    private boolean snapshotOutdated(ClusterView cluster) throws DcsException {
        ClusterView now = ClusterView.decode(dcs.getCluster());
        return now.leader().isPresent() || now.statusOptime() != cluster.statusOptime();
    }

    /** @param sentAt when the request that took or renewed the lock was sent: the lease runs from no earlier */
    private void setLeaderFlag(boolean held, long sentAt) {
        DynamicConfig d = dynamic.get();
        state.setLeaderFlag(held, nanoClock.getAsLong(), Duration.ofSeconds(d.ttl()).toNanos());
        if (held) {
            leaseGuard.arm(sentAt, LeaseGuard.timeout(d.ttl(), d.loopWait(), config.watchdog().safetyMargin()));
        } else {
            leaseGuard.disarm();
        }
    }

    private void startAsync(String name, AsyncRunner.Task task) {
        if (!async.start(name, task)) {
            LOG.warn("not starting {}: {} is still running", name, async.running().orElse("another action"));
        }
    }

    /**
     * After a fast stop (SIGTERM): the last position is the shutdown checkpoint in pg_control, which
     * the running-server query behind {@link #releaseLock} can no longer read (ha-loop.md §23).
     */
    void releaseLockAfterStop(ClusterView cluster) {
        pg.controlData().ifPresent(c -> upkeep.publishOptime(c.checkpointLocation()));
        deleteLeaderKey(cluster);
    }

    void releaseLock(ClusterView cluster) {
        upkeep.publishOptime();
        deleteLeaderKey(cluster);
    }

    private void deleteLeaderKey(ClusterView cluster) {
        watchdog.disable();
        cluster.leader().ifPresent(dcs::deleteLeader);
        state.setLeaderFlag(false, nanoClock.getAsLong(), 0);
        leaseGuard.disarm();
        LOG.info("Leader key released");
    }

    private void startPrimaryInPlace() throws PostgresException {
        state.pgState = "starting";
        sync.beforePrimaryStart(dynamic.get());
        boolean up = pg.start(Optional.empty(), false, Duration.ofSeconds(dynamic.get().primaryStartTimeout()));
        state.pgState = up ? "running" : "start failed";
        if (up) {
            callbacks.fire("on_start", state.role);
        }
    }

    private void bootstrap() throws PostgresException, InterruptedException {
        state.bootstrap = BootstrapPhase.RUNNING;
        var bootstrap = config.bootstrap().orElseThrow();
        try {
            if (bootstrap.isInitdb()) {
                state.pgState = "initializing new cluster";
                pg.initdb(bootstrap.initdbArgs());
            } else {
                state.pgState = "running custom bootstrap script";
                if (!customBootstrap.createDataDirectory(bootstrap)) {
                    state.pgState = "custom bootstrap failed";
                    state.bootstrap = BootstrapPhase.FAILED;
                    return;
                }
            }
            if (config.postgresql().pgHba().isEmpty() && !bootstrap.pgHba().isEmpty()) {
                pg.appendToPgHba(bootstrap.pgHba());
            }
            state.pgState = bootstrap.isInitdb() ? "starting" : "starting after custom bootstrap";
            sync.beforePrimaryStart(dynamic.get());
            Duration startTimeout = Duration.ofSeconds(config.postgresql().pgCtlTimeout());
            boolean up = bootstrap.isInitdb() ? pg.start(Optional.empty(), false, startTimeout)
                    : customBootstrap.start(bootstrap, startTimeout);
            if (!up) {
                state.pgState = "start failed";
                state.bootstrap = BootstrapPhase.FAILED;
                return;
            }
            if (!bootstrap.isInitdb() && !customBootstrap.awaitEndOfRecovery(bootstrap)) {
                state.pgState = "start failed";
                state.bootstrap = BootstrapPhase.FAILED;
                return;
            }
            state.pgState = "running";
            state.role = "primary";
            if (!bootstrap.users().isEmpty()) {
                LOG.warn("bootstrap.users is deprecated (Patroni 4 ignores it): create roles in post_bootstrap instead; "
                        + "creating {} user(s) as Patroni 3 did", bootstrap.users().size());
            }
            pg.createRoles(bootstrap.users().stream()
                    .map(u -> new io.jpatroni.core.postgres.BootstrapRole(u.name(), u.password(), u.options()))
                    .toList());
            if (bootstrap.postBootstrap().isPresent()) {
                PostBootstrap.run(bootstrap.postBootstrap().get(), config);
            }
            state.sysid = pg.controlData().map(c -> c.systemIdentifier());
            state.bootstrap = BootstrapPhase.SUCCEEDED;
        } catch (PostgresException | RuntimeException e) {
            state.bootstrap = BootstrapPhase.FAILED;
            throw e;
        }
    }

    private void completeBootstrap(ClusterView cluster) {
        String sysid = state.sysid.or(() -> pg.controlData().map(c -> c.systemIdentifier())).orElseThrow();
        dcs.initialize(cluster.initialize().isEmpty(), sysid);
        dcs.setConfigValue(Json.write(config.bootstrap().map(b -> b.dcs()).orElse(Map.of())),
                java.util.OptionalLong.empty());
        if (!watchdog.activate()) {
            LOG.error("Cancelling bootstrap because watchdog activation failed");
            cancelBootstrap();
        }
        long sentAt = nanoClock.getAsLong();
        boolean taken = dcs.takeLeader();
        setLeaderFlag(taken, sentAt);
        state.bootstrap = BootstrapPhase.NONE;
        state.firstContact = false;
        LOG.info("initialized a new cluster with system identifier {}", sysid);
        callbacks.fire("on_start", state.role);
    }

    private void cancelBootstrap() {
        dcs.cancelInitialization();
        try {
            pg.stop(StopMode.IMMEDIATE, Optional.of(Duration.ofSeconds(dynamic.get().retryTimeout())), () -> { });
            pg.moveDataDirectoryAside();
        } catch (PostgresException e) {
            LOG.error("could not clean up after the failed bootstrap: {}", e.getMessage());
        }
        throw new FatalDaemonError("bootstrap failed: the data directory was moved to "
                + config.postgresql().dataDir() + ".failed and the initialize key removed; fix the cause and restart");
    }

    private void promote(ClusterView cluster) throws PostgresException, InterruptedException {
        if (!leaseStillHeld()) {
            return;
        }
        if (!sync.beforePromote(cluster, dynamic.get())) {
            LOG.info("Postponing promotion because synchronous replication state was updated by somebody else");
            return;
        }
        if (!leaseStillHeld()) {
            return;
        }
        if (!prePromote() || !leaseStillHeld()) {
            return;
        }
        Duration wait = Duration.ofSeconds(Math.max(dynamic.get().loopWait(), 10));
        if (!pg.promote(wait)) {
            throw new PostgresException("pg_ctl promote did not finish within " + wait.toSeconds() + " s");
        }
        state.role = "primary";
        state.upstream = Optional.empty();
        callbacks.fire("on_role_change", "primary");
        // A checkpoint right away puts the new timeline into pg_control, which pg_rewind on the old
        // primary reads from this node.
        pg.checkpoint();
        state.firstContact = false;
        LOG.info("promoted: now running as primary");
    }

    /**
     * postgresql.pre_promote, a fencing script: a non-zero exit aborts the promotion and gives the lock back, and
     * this node stays out of the race for ttl so another member can take over (ha-loop.md §8.5). Bounded by ttl: a
     * longer fence outlives the lease it protects.
     */
    private boolean prePromote() throws InterruptedException {
        Optional<String> command = config.postgresql().prePromote();
        if (command.isEmpty()) {
            return true;
        }
        int exit = HookCommand.run("pre_promote", command.get(), Duration.ofSeconds(dynamic.get().ttl()));
        LOG.info("pre_promote script `{}` exited with {}", command.get(), exit);
        if (exit == 0) {
            return true;
        }
        LOG.warn("Releasing the leader key voluntarily because the pre-promote script failed");
        state.prePromoteFailedAtNanos = nanoClock.getAsLong();
        state.prePromoteFailed = true;
        try {
            ClusterView now = ClusterView.decode(dcs.getCluster());
            if (now.leaderName().map(config.name()::equals).orElse(false)) {
                deleteLeaderKey(now);
            } else {
                state.setLeaderFlag(false, nanoClock.getAsLong(), 0);
                leaseGuard.disarm();
            }
        } catch (DcsException e) {
            // the lock runs out by itself within ttl; PostgreSQL was not promoted, so nothing else to undo
            LOG.warn("could not release the leader key after the failed pre_promote: {}", e.getMessage());
            state.setLeaderFlag(false, nanoClock.getAsLong(), 0);
            leaseGuard.disarm();
        }
        LOG.info("Promotion cancelled because the pre-promote script failed");
        return false;
    }

    private boolean prePromoteBackoff() {
        return state.prePromoteFailed
                && nanoClock.getAsLong() - state.prePromoteFailedAtNanos < Duration.ofSeconds(dynamic.get().ttl()).toNanos();
    }

    /**
     * Winning the race, clearing the request and claiming the sync key take DCS round trips, and the
     * process may have been frozen meanwhile: never promote on a lease that may have run out
     * (simulator seeds 24981, 51180, 69824 promoted after another node had taken the lock).
     */
    private boolean leaseStillHeld() {
        if (state.leaderFlagValid(nanoClock.getAsLong())) {
            return true;
        }
        LOG.warn("not promoting: the leader lock may have expired since it was taken");
        return false;
    }

    private void demote(DemoteMode mode, ClusterView cluster) throws PostgresException {
        if (mode == DemoteMode.GRACEFUL) {
            startAsync("demote", () -> demoteGracefully(cluster));
            return;
        }
        StopMode stop = mode == DemoteMode.OFFLINE ? StopMode.FAST : StopMode.IMMEDIATE;
        state.pgState = "stopping";
        // Fencing: the lock is lost or about to expire, so the stop is bounded — after half of
        // retry_timeout immediate, 5 s later SIGKILL of the postmaster (timing.md §5.2 step 3).
        // The watchdog is closed once no client is left: if the stop hangs it stays armed and resets the machine.
        pg.stop(stop, Optional.of(demotionStopTimeout()), watchdog::disable);
        state.pgState = "stopped";
        state.role = "demoted";
        sync.onDemote(dynamic.get());
        callbacks.fire("on_stop", "demoted");
        state.firstContact = false;
        switch (mode) {
            case OFFLINE -> recovery.startStandby(Optional.empty());
            case IMMEDIATE -> {
                releaseLock(cluster);
                startAsync("rejoin", () -> recovery.rejoin(cluster, otherLeader(cluster)));
            }
            case IMMEDIATE_NOLOCK -> startAsync("rejoin", () -> recovery.rejoin(cluster, otherLeader(cluster)));
        }
    }

    /**
     * A planned hand-over: a checkpoint first so the shutdown is quick, a fast stop (the shutdown
     * checkpoint reaches the replicas), then the lock is released with that checkpoint as the last
     * position, so the candidate can see it is not behind. The next iteration rejoins the new leader;
     * no rewind is needed because nothing was written after what the replicas received.
     */
    private void demoteGracefully(ClusterView cluster) throws PostgresException, InterruptedException {
        try {
            pg.checkpoint();
        } catch (PostgresException e) {
            LOG.warn("checkpoint before the switchover failed, stopping anyway: {}", e.getMessage());
        }
        state.pgState = "stopping";
        pg.stop(StopMode.FAST, Optional.empty(), watchdog::disable);
        state.pgState = "stopped";
        state.role = "demoted";
        sync.onDemote(dynamic.get());
        state.firstContact = false;
        callbacks.fire("on_stop", "demoted");
        releaseLockAfterStop(cluster);
        followTheNewLeader();
    }

    private Duration demotionStopTimeout() {
        return Duration.ofSeconds(Math.max(2L, dynamic.get().retryTimeout() / 2L));
    }

    /**
     * Waits a little for the candidate to take the lock and promote, then starts following it
     * directly (one start, no restart later); if nobody takes over in time, starts read-only and
     * lets the next iterations decide — the old leader may well win the lock back.
     */
    private void followTheNewLeader() throws PostgresException, InterruptedException {
        long deadline = nanoClock.getAsLong() + Duration.ofSeconds(2L * dynamic.get().loopWait() + 5).toNanos();
        while (nanoClock.getAsLong() - deadline < 0) {
            try {
                ClusterView now = ClusterView.decode(dcs.getCluster());
                Optional<String> leader = otherLeader(now);
                if (leader.isPresent() && now.member(leader.get()).map(MemberInfo::isPrimaryRole).orElse(false)) {
                    recovery.rejoin(now, leader);
                    return;
                }
            } catch (DcsException e) {
                LOG.warn("while waiting for the new leader: {}", e.getMessage());
            }
            sleeper.sleep(Duration.ofMillis(200));
        }
        LOG.warn("no new leader after the switchover; starting read-only");
        recovery.startStandby(Optional.empty());
    }

    private Optional<String> otherLeader(ClusterView cluster) {
        return cluster.leaderName().filter(l -> !l.equals(config.name()));
    }

    /** Thrown to stop the daemon (exit 1) after logging why. */
    static final class FatalDaemonError extends RuntimeException {
        FatalDaemonError(String message) {
            super(message);
        }
    }

    static Optional<Upstream> upstreamOf(ClusterView cluster, String member) {
        return cluster.member(member).map(MemberInfo::connUrl).filter(u -> !u.isEmpty())
                .map(url -> Upstream.fromConnUrl(member, url));
    }
}
