package io.jpatroni.core.loop;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.Json;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.config.DynamicConfig;
import io.jpatroni.core.config.PatroniConfig;
import io.jpatroni.core.ha.Decision;
import io.jpatroni.core.ha.HaDecider;
import io.jpatroni.core.ha.HaInput;
import io.jpatroni.core.ha.HaSettings;
import io.jpatroni.core.ha.LocalNode;
import io.jpatroni.core.ha.PeerStatus;
import io.jpatroni.core.postgres.LocalState;
import io.jpatroni.core.postgres.PostgresException;
import io.jpatroni.core.postgres.PostgresNode;
import io.jpatroni.core.postgres.StopMode;
import io.jpatroni.core.rest.RestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HA loop: every loop_wait (or at once when woken) observe, decide, execute, publish
 * (ha-loop.md §1, §2). Runs on one thread; REST threads read what it publishes.
 */
public final class HaLoop {

    private static final Logger LOG = LoggerFactory.getLogger(HaLoop.class);

    private final PatroniConfig config;
    private final Dcs dcs;
    private final PostgresNode pg;
    private final Clock clock;
    private final LongSupplier nanos;
    private final NodeState state = new NodeState();
    private final DynamicConfigTracker dynamic;
    private final AsyncRunner async;
    private final ActionExecutor executor;
    private final MemberDocument documents;
    private final PeerClient peers;
    private final BackgroundWrites writes = new BackgroundWrites();
    private final Callbacks callbacks;
    private final LoopOperations operations;

    private volatile Optional<String> formerLeader = Optional.empty();
    private volatile List<MemberInfo> formerMembers = List.of();
    private final LoopView view;
    private final SyncDutyRelease syncRelease;
    private volatile boolean stopping;
    private Map<String, Object> appliedParameters;
    private volatile Runnable localConfigurationReader = () -> { };
    private final LeaseGuard leaseGuard;
    private final WatchdogControl watchdog;
    /** How long the lease guard's fast shutdown may take before it escalates to immediate. */
    private static final Duration FENCE_FAST_TIMEOUT = Duration.ofSeconds(2);

    public HaLoop(PatroniConfig config, Dcs dcs, PostgresNode pg, Clock clock, LongSupplier nanos, Sleeper sleeper,
                  List<io.jpatroni.api.callback.CallbackListener> callbackListeners) {
        this(config, dcs, pg, clock, nanos, sleeper, callbackListeners, Optional.empty());
    }

    /** @param watchdogProvider the plugin that drives {@code watchdog.driver}, if installed */
    public HaLoop(PatroniConfig config, Dcs dcs, PostgresNode pg, Clock clock, LongSupplier nanos, Sleeper sleeper,
                  List<io.jpatroni.api.callback.CallbackListener> callbackListeners,
                  Optional<io.jpatroni.api.watchdog.WatchdogProvider> watchdogProvider) {
        this(config, dcs, pg, clock, nanos, sleeper, callbackListeners, watchdogProvider,
                methodCatalog(pg, List.of(), List.of()));
    }

    /** The built-in basebackup, the plugins' replica and bootstrap methods, and patroni.yml's command methods. */
    public static io.jpatroni.core.methods.MethodCatalog methodCatalog(PostgresNode pg,
            List<io.jpatroni.api.replica.ReplicaMethod> replicaPlugins,
            List<io.jpatroni.api.bootstrap.BootstrapMethod> bootstrapPlugins) {
        return new io.jpatroni.core.methods.MethodCatalog(replicaPlugins, bootstrapPlugins,
                new io.jpatroni.core.methods.BasebackupReplicaMethod(pg, () -> pg.settings().basebackupArgs()));
    }

    /** @param methods the replica and bootstrap methods patroni.yml may name (see {@link #methodCatalog}) */
    public HaLoop(PatroniConfig config, Dcs dcs, PostgresNode pg, Clock clock, LongSupplier nanos, Sleeper sleeper,
                  List<io.jpatroni.api.callback.CallbackListener> callbackListeners,
                  Optional<io.jpatroni.api.watchdog.WatchdogProvider> watchdogProvider,
                  io.jpatroni.core.methods.MethodCatalog methods) {
        this.config = config;
        this.dcs = dcs;
        this.pg = pg;
        this.clock = clock;
        this.nanos = nanos;
        this.peers = PeerClient.forConfig(config);
        this.dynamic = new DynamicConfigTracker(config);
        this.async = new AsyncRunner(dcs::wakeup);
        this.callbacks = new Callbacks(config.postgresql().callbacks(), config.scope(), config.name(),
                callbackListeners);
        this.documents = new MemberDocument(config);
        this.view = new LoopView(pg, documents, state, nanos, dynamic, config.scope(),
                documents.status(state, Optional.empty(), false, true, false));
        ReplicaRecovery recovery = new ReplicaRecovery(config, pg, state, dynamic::current, callbacks,
                new ReplicaCreation(() -> config, pg, methods));
        config.postgresql().beforeStop().ifPresent(command -> pg.setBeforeStop(bound -> runBeforeStop(command, bound)));
        this.leaseGuard = new LeaseGuard(nanos, this::fencePrimary);
        this.watchdog = new WatchdogControl(config.watchdog(), watchdogProvider, dynamic::current,
                dynamic::paused);
        this.executor = new ActionExecutor(config, dcs, pg, state, async, dynamic::current, nanos, recovery,
                callbacks, sleeper, writes, leaseGuard, watchdog, methods);
        this.syncRelease = new SyncDutyRelease(config.name(), config.tags().nosync(), dcs, state, dynamic::current,
                nanos, sleeper, () -> dcs.touchMember(memberJson(observe())));
        this.operations = new LoopOperations(config, dcs, pg, state, async, recovery, dynamic::current,
                () -> Optional.ofNullable(view.lastCluster), peers, callbacks, syncRelease);
        pg.setDynamicParameters(postgresParameters(dynamic.current()));
        pg.setRetryTimeout(dynamic.current().retryTimeout());
        dcs.setTiming(dynamic.timing());
    }

    /**
     * Whether PostgreSQL may be acknowledging commits as this cluster's primary: running without a
     * recovery signal file while this node holds (or recently held) the lock or last saw itself primary.
     * File and process checks only: no SQL, so it answers while the loop is stuck in a query.
     */
    public boolean runsPrimary() {
        return pg.isRunning() && !pg.recoveryConfigured() && (state.leaderFlag || "primary".equals(state.role));
    }

    /**
     * Stops a primary PostgreSQL from outside the loop thread (lease guard, fatal error): fast, then
     * immediate, then SIGKILL. Paused clusters are left alone, as Patroni leaves them on DCS loss.
     *
     * @param reason why, for the log
     * @return whether PostgreSQL was stopped (false when there was nothing to stop)
     */
    public boolean fencePrimary(String reason) {
        if (dynamic.paused()) {
            LOG.warn("{}, but the cluster is paused: leaving PostgreSQL running", reason);
            return false;
        }
        if (!runsPrimary()) {
            LOG.info("{}; PostgreSQL does not run as a primary here, nothing to stop", reason);
            return false;
        }
        LOG.error("FENCING: {}: stopping PostgreSQL now so it cannot accept writes once the lock may expire", reason);
        boolean stopped = pg.fence(FENCE_FAST_TIMEOUT);
        LOG.error(stopped ? "PostgreSQL stopped: it no longer accepts writes"
                : "PostgreSQL could not be stopped: it may still accept writes");
        return stopped;
    }

    /** Runs iterations until {@link #stop()}; returns normally or throws a fatal error to exit 1. */
    public void run() throws InterruptedException {
        leaseGuard.start();
        view.nextRunNanos = nanos.getAsLong();
        while (!stopping) {
            runOnce();
            if (stopping) {
                break;
            }
            long loopWait = Duration.ofSeconds(dynamic.current().loopWait()).toNanos();
            view.nextRunNanos += loopWait;
            long wait = view.nextRunNanos - nanos.getAsLong();
            if (wait <= 0) {
                LOG.info("Loop time exceeded, rescheduling immediately.");
                view.nextRunNanos = nanos.getAsLong();
                continue;
            }
            if (dcs.watch(leaderVersionToWatch(), Duration.ofNanos(wait))) {
                view.nextRunNanos = nanos.getAsLong();
            }
        }
    }

    /** Asks the loop to finish its current iteration and return. */
    public void stop() {
        stopping = true;
        dcs.wakeup();
    }

    /** One iteration; errors are logged as Patroni does and never escape, except fatal ones. */
    void runOnce() {
        FaultInjection.beforeIteration();
        String message;
        try {
            message = iterate();
        } catch (DcsException e) {
            LOG.error("DCS failure: {}", e.getMessage());
            message = onDcsFailure();
        } catch (PostgresException e) {
            LOG.error("PostgreSQL error: {}", e.getMessage());
            message = "Error communicating with PostgreSQL. Will try again later";
        } catch (ActionExecutor.FatalDaemonError e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("Unexpected exception raised, please report it as a BUG", e);
            message = "Unexpected exception raised, please report it as a BUG";
        }
        LOG.info(message);
    }

    private String iterate() throws DcsException, PostgresException {
        ClusterView cluster = ClusterView.decode(dcs.getCluster());
        state.clusterKnown = true;
        state.dcsLastSeenEpoch = clock.instant().getEpochSecond();
        view.lastCluster = cluster;
        dynamic.observe(cluster);
        executor.observe(cluster);
        if (cluster.leader().isPresent()) {
            formerLeader = cluster.leaderName();
            formerMembers = cluster.members();
        }
        boolean hasLock = cluster.leaderName().map(config.name()::equals).orElse(false);
        if (!hasLock) {
            state.setLeaderFlag(false, nanos.getAsLong(), 0);
            leaseGuard.disarm();
        }
        if (!hasLock || dynamic.paused()) {
            watchdog.disable(); // not leading, or paused: nothing for the watchdog to guard (ha-loop.md §2)
        }
        state.watchdogFailed = watchdog.requiredButUnusable().isPresent();
        LocalObservation local = observe();
        if (cluster.member(config.name()).isEmpty()) {
            dcs.touchMember(memberJson(local)); // the decisions below read it: written now, not in the background
        }
        boolean peersNeeded = (cluster.isUnlocked() || cluster.failover().isPresent()) && local.running()
                && async.running().isEmpty();
        List<PeerStatus> peerStatuses = peersNeeded ? peers.fetch(raceCandidates(cluster)) : List.of();
        HaInput input = new HaInput(cluster, localNode(local), settings(), peerStatuses,
                formerLeader.filter(l -> !l.equals(config.name())), clock.instant());
        Decision decision = HaDecider.decide(input);
        String message = executor.execute(decision, cluster);
        if (dynamic.update(cluster, dcs)) {
            LOG.info("applied new timing: {}", dynamic.timing());
            pg.setRetryTimeout(dynamic.current().retryTimeout());
        }
        applyConfiguration(local);
        if (cluster.leader().isPresent()) {
            operations.runScheduledRestartIfDue(clock.instant().atOffset(java.time.ZoneOffset.UTC));
        }
        if (local.running() && state.firstContact && async.running().isEmpty()) {
            state.firstContact = false;
            state.rewindCheckPending = local.query().map(q -> q.inRecovery()).orElse(false);
            callbacks.fire("on_start", state.role); // first contact with a PostgreSQL that was already running
        }
        LocalObservation after = observe();
        String member = memberJson(after);
        writes.submit("member", () -> dcs.touchMember(member));
        publishStatus(after, cluster);
        return message;
    }

    /**
     * New dynamic PostgreSQL parameters, or a reload asked for by SIGHUP / POST /reload: rewrite the
     * configuration files and reload; parameters that need a restart show as pending restart.
     */
    private void applyConfiguration(LocalObservation local) {
        Map<String, Object> parameters = postgresParameters(dynamic.current());
        boolean changed = !parameters.equals(appliedParameters);
        pg.setDynamicParameters(parameters);
        boolean reload = operations.takeReloadRequest();
        if (reload) {
            localConfigurationReader.run();
        }
        if (appliedParameters != null && (changed || reload) && local.running() && async.running().isEmpty()) {
            try {
                List<String> fileErrors = pg.reload();
                if (fileErrors.isEmpty()) {
                    LOG.info("reloaded PostgreSQL configuration");
                } else {
                    LOG.error("reloaded PostgreSQL configuration, but PostgreSQL reports {} error(s) in its"
                            + " configuration files: {}", fileErrors.size(), fileErrors);
                }
                callbacks.fire("on_reload", state.role);
            } catch (PostgresException e) {
                LOG.warn("could not reload PostgreSQL: {}", e.getMessage());
            }
        }
        appliedParameters = parameters;
        // PostgreSQL applies a reload asynchronously: read its verdict every iteration instead of right away.
        if (local.running() && async.running().isEmpty()) {
            try {
                boolean pending = pg.pendingRestart();
                if (pending && !state.pendingRestart) {
                    LOG.info("some changed parameters need a restart (pending restart)");
                }
                state.pendingRestart = pending;
            } catch (PostgresException e) {
                LOG.debug("pending_restart not read: {}", e.getMessage());
            }
        }
    }

    /** The write side of the REST API. */
    public io.jpatroni.core.rest.NodeOperations operations() {
        return operations;
    }

    /** SIGHUP: re-read patroni.yml, rewrite PostgreSQL's files and reload it, at the next iteration. */
    public void requestReload() {
        operations.requestReload();
    }

    /**
     * SIGHUP / POST /reload with patroni.yml re-read: PostgreSQL's local settings and the published
     * tags take effect now (files rewritten, PostgreSQL reloaded at the next iteration); sections
     * read only at start are reported, not applied.
     */
    public void reloadLocalConfiguration(PatroniConfig next, io.jpatroni.core.postgres.PostgresSettings postgres) {
        for (String fixed : List.of("name", "scope", "namespace")) {
            if (!java.util.Objects.equals(next.raw().get(fixed), config.raw().get(fixed))) {
                LOG.warn("{} changed in patroni.yml: it is read only at start, restart jpatroni to apply it", fixed);
            }
        }
        if (!next.dcs().equals(config.dcs()) || !next.restapi().equals(config.restapi())) {
            LOG.warn("DCS or REST API settings changed: they are read only at start, restart jpatroni to apply them");
        }
        pg.updateSettings(postgres);
        documents.update(next);
    }

    /** How SIGHUP and POST /reload re-read patroni.yml (set by the runtime, which knows the file). */
    public void setLocalConfigurationReader(Runnable reader) {
        this.localConfigurationReader = reader;
    }

    private String onDcsFailure() {
        state.clusterKnown = false;
        view.lastCluster = null;
        state.setLeaderFlag(false, nanos.getAsLong(), 0);
        LocalObservation local;
        try {
            local = observe();
        } catch (RuntimeException e) {
            return "DCS is not accessible";
        }
        Decision decision = HaDecider.onDcsFailure(localNode(local), settings());
        try {
            return executor.execute(decision, null);
        } catch (DcsException | PostgresException e) {
            LOG.error("while handling the DCS failure: {}", e.getMessage());
            return decision.message();
        } finally {
            publishStatus(observe(), null);
        }
    }

    /** Members of the current and the last locked snapshot except me: a just-expired leader is asked too. */
    private List<MemberInfo> raceCandidates(ClusterView cluster) {
        Map<String, MemberInfo> byName = new LinkedHashMap<>();
        formerMembers.forEach(m -> byName.put(m.name(), m));
        cluster.members().forEach(m -> byName.put(m.name(), m));
        byName.remove(config.name());
        return List.copyOf(byName.values());
    }

    private LocalObservation observe() {
        boolean empty = pg.dataDirectoryEmpty();
        if (empty) {
            if (async.running().isEmpty() && !"uninitialized".equals(state.role)
                    && state.bootstrap == LocalNode.BootstrapPhase.NONE) {
                state.role = "uninitialized";
                state.pgState = "stopped";
            }
            return new LocalObservation(true, Optional.empty(), false, Optional.empty());
        }
        if (state.sysid.isEmpty()) {
            state.sysid = pg.controlData().map(c -> c.systemIdentifier()).filter(s -> !s.isEmpty());
        }
        boolean running = pg.isRunning();
        Optional<LocalState> query = Optional.empty();
        if (running) {
            try {
                query = Optional.of(pg.query());
            } catch (PostgresException e) {
                LOG.debug("status query failed: {}", e.getMessage());
            }
        }
        if (async.running().isEmpty()) {
            noteWhatPostgresDoes(running, query);
        }
        return new LocalObservation(false, state.sysid, running, query);
    }

    /** Keeps the state word and role true to what PostgreSQL does when no action is changing it. */
    private void noteWhatPostgresDoes(boolean running, Optional<LocalState> query) {
        if (running && query.isPresent()) {
            state.pgState = "running";
            if (!query.get().inRecovery()) {
                state.role = "primary";
            } else if (!"demoted".equals(state.role)) {
                state.role = "replica";
            }
        } else if (running) {
            state.pgState = "starting";
        } else if ("running".equals(state.pgState) || "starting".equals(state.pgState)) {
            state.pgState = "crashed";
            LOG.warn("PostgreSQL is not running any more");
        }
    }

    private LocalNode localNode(LocalObservation local) {
        var tags = config.tags();
        return new LocalNode(config.name(),
                !tags.allowsFailover(),
                tags.nofailover() ? 0 : tags.failoverPriority().orElse(1),
                local.dataDirEmpty(),
                local.sysid(),
                local.running(),
                state.pgState,
                state.role,
                local.runningAsPrimary(state.role),
                local.walPosition(),
                local.timeline(),
                config.bootstrap().isPresent(),
                async.running(),
                async.running().isPresent() ? LocalNode.BootstrapPhase.NONE : state.bootstrap,
                state.firstContact);
    }

    /**
     * postgresql.before_stop: waited for right before every stop signal, its exit code only logged (ha-loop.md
     * §22.8). An interrupt (shutdown cancelling the action) kills it and the stop goes on.
     */
    private static void runBeforeStop(String command, java.time.Duration bound) {
        try {
            int exit = io.jpatroni.core.methods.HookCommand.run("before_stop", command, bound);
            LOG.info("before_stop script `{}` exited with {}", command, exit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HaSettings settings() {
        DynamicConfig d = dynamic.current();
        return new HaSettings(d.ttl(), d.loopWait(), d.maximumLagOnFailover(), d.checkTimeline(), dynamic.paused(),
                d.primaryStartTimeout(), d.managesSynchronousReplication(), ReplicaCreation.worksWithoutLeader(config));
    }

    /** Published every iteration even when unchanged: the backend skips the write but keeps the lease alive. */
    private String memberJson(LocalObservation local) {
        boolean positionsKnown = async.running().map("promote"::equals).orElse(true);
        return Json.write(documents.memberKey(state, local.query(), dynamic.paused(), positionsKnown));
    }

    private void publishStatus(LocalObservation local, ClusterView cluster) {
        boolean unlocked = cluster == null || cluster.isUnlocked();
        boolean sync = cluster != null && dynamic.current().managesSynchronousReplication()
                && cluster.sync().matches(config.name(), false);
        view.published = documents.status(state, local.query(), dynamic.paused(), unlocked, sync);
    }

    private OptionalLong leaderVersionToWatch() {
        ClusterView cluster = view.lastCluster;
        if (cluster == null || async.running().isPresent() || cluster.leader().isEmpty()
                || cluster.leaderName().map(config.name()::equals).orElse(false)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(cluster.leader().get().version());
    }

    private static Map<String, Object> postgresParameters(DynamicConfig d) {
        return d.postgresqlParameters();
    }

    /**
     * SIGTERM (ha-loop.md §23): stop PostgreSQL (fast, no checkpoint) and, if I held the lock,
     * delete it so a replica takes over at once. While paused PostgreSQL and the key stay.
     */
    public void shutdown() {
        async.cancel();
        if (dynamic.paused()) {
            LOG.info("paused: leaving PostgreSQL running and the leader key in place");
            watchdog.disable();
            return;
        }
        boolean leader = state.leaderFlag;
        try {
            if (pg.isRunning()) {
                releaseSyncDuty();
                state.pgState = "stopping";
                // closed once no client is left; a stop that fails leaves it armed (the leader key stays too)
                pg.stop(StopMode.FAST, Optional.empty(), watchdog::disable);
                callbacks.fire("on_stop", state.role);
            }
            state.pgState = "stopped";
            watchdog.disable();
        } catch (PostgresException e) {
            LOG.error("could not stop PostgreSQL, leaving the leader key{}: {}",
                    watchdog.isRunning() ? " and the watchdog running" : "", e.getMessage());
            return;
        }
        if (leader && view.lastCluster != null) {
            executor.releaseLockAfterStop(view.lastCluster);
        }
        writes.flush(Duration.ofSeconds(dynamic.current().retryTimeout()));
        dcs.touchMember(memberJson(new LocalObservation(false, state.sysid, false, Optional.empty())));
        writes.close();
        async.close();
        callbacks.close();
        leaseGuard.close();
    }

    private void releaseSyncDuty() {
        try {
            syncRelease.beforeStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * After a fatal error stopped PostgreSQL: delete the leader key as a SIGTERM shutdown would, so a
     * replica takes over without waiting for the ttl. Best effort on its own thread, bounded by
     * {@code limit} (the DCS client may be as broken as the rest of the JVM).
     */
    public void releaseLockAfterFatal(Duration limit) {
        ClusterView cluster = view.lastCluster;
        if (!state.leaderFlag || cluster == null || pg.isRunning()) {
            LOG.info("not releasing the leader key: leader flag {}, cluster known {}, postgres running {}",
                    state.leaderFlag, cluster != null, pg.isRunning());
            return;
        }
        LOG.info("releasing the leader key after the fatal error");
        Thread release = new Thread(() -> {
            try {
                executor.releaseLockAfterStop(cluster);
            } catch (RuntimeException | VirtualMachineError e) {
                // the lock then expires after ttl, as after a crash; PostgreSQL is already stopped
                LOG.warn("could not release the leader key: {}", e.toString());
            }
        }, "jpatroni-fatal-release");
        release.setDaemon(true);
        release.start();
        try {
            release.join(limit.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the REST API reads of this node. */
    public RestContext restView() {
        return view;
    }
}
