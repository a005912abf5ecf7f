package io.jpatroni.core.sim;

import io.jpatroni.api.dcs.KeyLayout;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.Json;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.ha.Decision;
import io.jpatroni.core.ha.DemoteMode;
import io.jpatroni.core.ha.HaAction;
import io.jpatroni.core.ha.HaInput;
import io.jpatroni.core.ha.HaSettings;
import io.jpatroni.core.ha.LocalNode;
import io.jpatroni.core.ha.LocalNode.BootstrapPhase;
import io.jpatroni.core.ha.PeerStatus;
import io.jpatroni.core.ha.sync.StandbyNames;
import io.jpatroni.core.ha.sync.SyncInput;
import io.jpatroni.core.ha.sync.SyncPlanner;
import io.jpatroni.core.ha.sync.SyncStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One jpatroni daemon process plus its machine: the HA loop of {@code HaLoop} written as
 * continuations on the virtual clock, calling the real {@code HaDecider} (through
 * {@link Simulation#decider()}) with an {@link HaInput} built exactly as {@code HaLoop} builds it,
 * and a simulated executor with one method per {@link HaAction} kind following
 * {@code ActionExecutor}, {@code ReplicaRecovery} and {@code PrimaryUpkeep}.
 *
 * <p>Everything here is a MODEL of daemon code in {@code core.loop} (which needs threads, a real
 * DCS and real PostgreSQL); each method names what it models. What is reused unchanged: the
 * decisions ({@code core.ha}), the snapshot decoding ({@code ClusterView}, {@code MemberInfo},
 * {@code KeyLayout.assemble}) and JSON writing ({@code Json}).
 */
final class SimNode {

    /** ReplicaRecovery's pg_controldata states of a data directory that was last a primary. */
    private static final Set<String> PRIMARY_STATES = Set.of("in production", "shut down", "in crash recovery",
            "shutting down");
    private static final Set<String> UNCLEAN_STATES = Set.of("in production", "in crash recovery", "shutting down");
    private static final long REST_TIMEOUT = Scheduler.sec(2);

    /** The monitoring query's answer (models {@code LocalState}). */
    record Query(boolean inRecovery, long timeline, long walPosition, long receive, long replay, boolean streaming) {
    }

    /** One look at PostgreSQL (models {@code LocalObservation}). */
    record Obs(boolean dataDirEmpty, Optional<String> sysid, boolean running, Query query) {
        boolean runningAsPrimary(String role) {
            if (!running) {
                return false;
            }
            return query != null ? !query.inRecovery() : "primary".equals(role);
        }

        long walPosition() {
            return query == null ? 0 : query.inRecovery() ? Math.max(query.receive(), query.replay())
                    : query.walPosition();
        }

        long timeline() {
            return query == null ? 0 : query.timeline();
        }
    }

    /** A long action running beside the loop (models {@code AsyncRunner.Task}). */
    private interface Task {
        void run(Runnable ok, Runnable failed);
    }

    final String name;
    final Random rng;
    final boolean nofailover;
    final SimPostgres pg;
    private final Simulation sim;

    // ---- the process
    boolean alive;
    boolean frozen;
    private long epoch;
    private final List<Runnable> pending = new ArrayList<>();
    /** PostgreSQL may outlive its lock while this daemon is frozen or dead: no watchdog is modelled. */
    boolean orphanExempt;
    /** For invariant 6: while a graceful demotion deletes the leader key, what it acknowledged and the request it acted on. */
    long releasingAcknowledged = -1;
    Optional<String> releasingCandidate = Optional.empty();
    private long resumedAt;
    private long iterationStartedAt;
    private SimDcsClient dcs;
    /** For invariant 3: this race was entered as the named candidate of a manual failover (operator's choice). */
    boolean racingAsFailoverCandidate;

    // ---- maintenance mode and SIGTERM (models DynamicConfigTracker's pause and HaLoop.shutdown)
    /** {@code pause} of the dynamic configuration in force (DynamicConfigTracker.current().pause()). */
    private boolean appliedPause;
    private long appliedConfigVersion = -1;
    /**
     * DynamicConfigTracker.paused(): the {@code pause} of the last snapshot read (refreshed at the
     * start of every iteration, ha-loop.md §21.2), else the configuration in force. What the
     * decisions, the member key and the shutdown use.
     */
    boolean paused;
    /**
     * Invariant 5 does not apply: this daemon decided in maintenance mode since its last iteration
     * decided without it (a primary that lost its lock keeps running while paused, by design).
     */
    boolean pausedExempt;
    private boolean decidedPaused;
    /** SIGTERM received: the loop ends after the current iteration and HaLoop.shutdown runs. */
    private boolean stopRequested;
    private boolean shuttingDown;
    /** NodeState.releasingSyncDuty: published as tags nosync (SyncDutyRelease). */
    private boolean releasingSyncDuty;

    // ---- NodeState (models core.loop.NodeState)
    String pgState;
    String role;
    private boolean leaderFlag;
    private long leaderFlagUntil;
    private boolean firstContact;
    private BootstrapPhase bootstrap;
    private Optional<String> upstream;
    private Optional<String> sysid;
    private ClusterView lastCluster;
    private Optional<String> formerLeader;
    private List<MemberInfo> formerMembers;
    private String async;
    private Query publishedQuery;
    private String lastStatusWritten;
    private String lastMessage;
    /** FINDING 1's fix: Patroni's rewind state CHECK, kept until the check could be made. */
    private boolean rewindCheckPending;
    /** MODEL of NodeState.rewindCheckedAgainst: "leader@timeline" of the last completed check. */
    private String rewindCheckedAgainst = "";

    // ---- synchronous replication (models SynchronousReplication and PostgresNode's managed value)
    /** PostgresNode.managedStandbyNames: null = not managed, else the value to write (empty = none). */
    private Optional<String> managedStandbyNames;
    /** SynchronousReplication.observedNames / flushMark. */
    private String observedStandbyNames;
    private long flushMark;

    // ---- BackgroundWrites (FINDING 2's fix): one writer, newest pending write per kind
    private final LinkedHashMap<String, Consumer<Runnable>> backgroundPending = new LinkedHashMap<>();
    private boolean backgroundBusy;

    // ---- loop scheduling (models HaLoop.run and the etcd watch)
    private long nextRun;
    private boolean sleeping;
    private long sleepToken;
    private boolean wakePending;

    SimNode(String name, Simulation sim, Random rng, boolean nofailover) {
        this.name = name;
        this.sim = sim;
        this.rng = rng;
        this.nofailover = nofailover;
        this.pg = new SimPostgres(name, sim, new Random(rng.nextLong()));
    }

    // ================================================================== process life

    /** A fresh daemon process: empty memory, a new DCS client (new lease), first iteration at once. */
    void startDaemon() {
        alive = true;
        frozen = false;
        epoch++;
        pending.clear();
        resumedAt = sim.clock().now();
        dcs = new SimDcsClient(this, sim);
        pgState = "stopped";
        role = "uninitialized";
        leaderFlag = false;
        firstContact = true;
        bootstrap = BootstrapPhase.NONE;
        upstream = Optional.empty();
        sysid = Optional.empty();
        lastCluster = null;
        formerLeader = Optional.empty();
        formerMembers = List.of();
        async = null;
        publishedQuery = null;
        lastStatusWritten = null;
        lastMessage = null;
        rewindCheckPending = true; // first contact with a running replica
        managedStandbyNames = null;
        observedStandbyNames = null;
        flushMark = 0;
        backgroundPending.clear();
        backgroundBusy = false;
        appliedPause = Boolean.TRUE.equals(pg.cachedPause); // patroni.dynamic.json, else bootstrap.dcs (no pause)
        paused = appliedPause;
        appliedConfigVersion = -1;
        stopRequested = false;
        shuttingDown = false;
        releasingSyncDuty = false;
        sleeping = false;
        wakePending = false;
        nextRun = sim.clock().now();
        sim.trace().log(name, "daemon started");
        runOnce();
    }

    /** kill -9 of the daemon: PostgreSQL and whatever it was already told to do go on. */
    void killDaemon(String why) {
        if (!alive) {
            return;
        }
        alive = false;
        frozen = false;
        epoch++;
        pending.clear();
        orphanExempt = true;
        leaderFlag = false;
        sim.trace().log(name, "daemon " + why);
    }

    void freeze() {
        frozen = true;
        orphanExempt = true;
    }

    void unfreeze() {
        frozen = false;
        resumedAt = sim.clock().now();
        List<Runnable> due = new ArrayList<>(pending);
        pending.clear();
        for (Runnable r : due) {
            if (!frozen) {
                r.run();
            } else {
                pending.add(r);
            }
        }
    }

    /** A continuation of this process: dropped if the process died, held while it is frozen. */
    Runnable guard(Runnable r) {
        long mine = epoch;
        return () -> deliver(mine, r);
    }

    <T> Consumer<T> guard(Consumer<T> k) {
        long mine = epoch;
        return t -> deliver(mine, () -> k.accept(t));
    }

    private void deliver(long mine, Runnable r) {
        if (!alive || mine != epoch) {
            return;
        }
        if (frozen) {
            pending.add(r);
        } else {
            r.run();
        }
    }

    boolean believesLock(long now) {
        return alive && !frozen && leaderFlag && now < leaderFlagUntil;
    }

    /** The retry deadline of a write: every DCS request gets retry_timeout. */
    private long writeDeadline() {
        return dcs.deadline();
    }

    /**
     * Models BackgroundWrites.submit (FINDING 2's fix): the write runs on the writer thread, one at a
     * time in submission order, a pending write of the same kind replaced by the newer one; the loop
     * does not wait. Without the fix the loop thread does the write itself and waits for it.
     */
    private void submit(String kind, Consumer<Runnable> write, Runnable then) {
        if (!sim.config().backgroundWrites()) {
            write.accept(then);
            return;
        }
        backgroundPending.put(kind, write);
        if (!backgroundBusy) {
            nextBackgroundWrite();
        }
        then.run();
    }

    private void nextBackgroundWrite() {
        var it = backgroundPending.entrySet().iterator();
        if (!it.hasNext()) {
            backgroundBusy = false;
            return;
        }
        Consumer<Runnable> write = it.next().getValue();
        it.remove();
        backgroundBusy = true;
        write.accept(guard(this::nextBackgroundWrite));
    }

    private void setLeaderFlag(boolean held) {
        leaderFlag = held;
        leaderFlagUntil = held ? sim.clock().now() + Scheduler.sec(sim.config().ttl()) : Long.MIN_VALUE;
    }

    // ================================================================== HaLoop.run: cadence and wake-ups

    private void finishIteration(String message) {
        if (!message.equals(lastMessage)) {
            sim.trace().log(name, "HA: " + message);
            lastMessage = message;
        }
        if (iterationStartedAt >= resumedAt) {
            orphanExempt = false;
        }
        if (!decidedPaused) {
            pausedExempt = false;
        }
        if (stopRequested) {
            shutdown(); // HaLoop.run returns after the iteration; Main calls HaLoop.shutdown
            return;
        }
        nextRun += Scheduler.sec(sim.config().loopWait());
        long now = sim.clock().now();
        long wait = nextRun - now;
        if (wait <= 0) {
            sim.trace().log(name, "Loop time exceeded, rescheduling immediately.");
            nextRun = now;
            sim.clock().after(0, guard(this::runOnce));
            return;
        }
        dcs.watched();
        if (wakePending) {
            wakePending = false;
            nextRun = now;
            sim.clock().after(0, guard(this::runOnce));
            return;
        }
        boolean watchesLeader = lastCluster != null && async == null && lastCluster.leader().isPresent()
                && !lastCluster.leaderName().map(name::equals).orElse(false);
        long token = ++sleepToken;
        sleeping = true;
        sim.clock().after(wait + (watchesLeader ? Scheduler.sec(0.5) : 0), guard(() -> {
            if (sleeping && sleepToken == token) {
                sleeping = false;
                runOnce();
            }
        }));
    }

    /** dcs.wakeup() (async task done) or a watch event: the sleeping loop runs at once, a busy one next. */
    void wake() {
        if (shuttingDown) {
            return;
        }
        if (sleeping) {
            sleeping = false;
            sleepToken++;
            nextRun = sim.clock().now();
            runOnce();
        } else {
            wakePending = true;
        }
    }

    /** The etcd watch saw {@code key} change (status wakes only non-leaders; own writes never wake). */
    void watchEvent(String key) {
        if (KeyLayout.STATUS.equals(key) && dcs.holdsLock) {
            return;
        }
        sim.clock().after(sim.network().dcsOneWay(rng), guard(() -> {
            if (sim.network().dcsReachable(name)) {
                wake();
            }
        }));
    }

    // ================================================================== HaLoop.iterate / onDcsFailure

    private void runOnce() {
        iterationStartedAt = sim.clock().now();
        dcs.getCluster(this::afterRead, this::onDcsFailure);
    }

    private void afterRead(ClusterView cluster) {
        lastCluster = cluster;
        if (cluster.configModifyVersion() != 0) { // DynamicConfigTracker.observe
            boolean now = Simulation.pauseIn(cluster);
            if (now != paused) {
                sim.trace().log(name, now ? "read pause: true (maintenance mode)" : "read pause: false (resumed)");
            }
            paused = now;
        }
        observeSync(cluster);
        if (cluster.leader().isPresent()) {
            formerLeader = cluster.leaderName();
            formerMembers = cluster.members();
        }
        boolean hasLock = cluster.leaderName().map(name::equals).orElse(false);
        if (!hasLock) {
            setLeaderFlag(false);
        }
        Obs local = observe();
        Runnable rest = () -> {
            if ((cluster.isUnlocked() || cluster.failover().isPresent()) && local.running() && async == null) {
                fetchPeers(raceCandidates(cluster), peers -> decideAndExecute(cluster, local, peers));
            } else {
                decideAndExecute(cluster, local, List.of());
            }
        };
        if (cluster.member(name).isEmpty()) {
            publishMember(local, rest);
        } else {
            rest.run();
        }
    }

    private void decideAndExecute(ClusterView cluster, Obs local, List<PeerStatus> peers) {
        notePause();
        HaInput input = new HaInput(cluster, localNode(local), settings(), peers,
                formerLeader.filter(l -> !l.equals(name)), Simulation.EPOCH.plusNanos(sim.clock().now() * 1000));
        Decision decision = sim.decider().decide(input);
        execute(decision, cluster, input, message -> {
            applyDynamicConfiguration(cluster);
            Obs after = observe();
            String member = memberJson(after);
            submit("member", written -> dcs.touchMember(member, dcs.deadline(), ok -> written.run()), () -> {
                publishedQuery = after.query();
                finishIteration(message);
            });
        }, this::onDcsFailure, () -> finishIteration("Error communicating with PostgreSQL. Will try again later"));
    }

    private void onDcsFailure() {
        lastCluster = null;
        setLeaderFlag(false);
        Obs local = observe();
        notePause();
        Decision decision = sim.decider().onDcsFailure(localNode(local), settings());
        Runnable end = () -> {
            publishedQuery = observe().query();
            finishIteration(decision.message());
        };
        execute(decision, null, null, message -> {
            publishedQuery = observe().query();
            finishIteration(message);
        }, end, end);
    }

    /** Members of the current and the last locked snapshot except me. */
    private List<MemberInfo> raceCandidates(ClusterView cluster) {
        Map<String, MemberInfo> byName = new LinkedHashMap<>();
        formerMembers.forEach(m -> byName.put(m.name(), m));
        cluster.members().forEach(m -> byName.put(m.name(), m));
        byName.remove(name);
        return List.copyOf(byName.values());
    }

    /**
     * Models HaLoop.settings(): the dynamic configuration in force, with {@code pause} as the last
     * snapshot read says (DynamicConfigTracker.paused). The other values do not change in a run.
     */
    private HaSettings settings() {
        SimConfig c = sim.config();
        boolean pause = paused && c.bug() != SimConfig.Bug.IGNORE_PAUSE;
        return new HaSettings(c.ttl(), c.loopWait(), c.maximumLagOnFailover(), false, pause, 300,
                c.syncMode().enabled() && c.bug() != SimConfig.Bug.ASYNC_STANDBY_TAKES_OVER);
    }

    /** For invariants 5 and 8: this iteration decides in maintenance mode (as far as the daemon knows). */
    private void notePause() {
        decidedPaused = paused;
        if (paused) {
            pausedExempt = true;
        }
    }

    /**
     * MODEL of DynamicConfigTracker.update, called by HaLoop.iterate after the executor: a new
     * version of the {@code config} key becomes the configuration in force (parsed by the real
     * DynamicConfig) and is cached in the data directory.
     */
    private void applyDynamicConfiguration(ClusterView cluster) {
        if (cluster.configModifyVersion() == 0 || cluster.configModifyVersion() == appliedConfigVersion) {
            return;
        }
        appliedConfigVersion = cluster.configModifyVersion();
        boolean pause;
        try {
            pause = io.jpatroni.core.config.DynamicConfig.fromMap(cluster.config(), new ArrayList<>()).pause();
        } catch (io.jpatroni.core.config.ConfigException e) {
            return;
        }
        appliedPause = pause; // DynamicConfigTracker.paused() was already refreshed from this snapshot
        if (pg.hasData) {
            pg.cachedPause = pause;
        }
    }

    private LocalNode localNode(Obs local) {
        return new LocalNode(name, nofailover, nofailover ? 0 : 1, local.dataDirEmpty(), local.sysid(),
                local.running(), pgState, role, local.runningAsPrimary(role), local.walPosition(), local.timeline(),
                true, Optional.ofNullable(async), async != null ? BootstrapPhase.NONE : bootstrap, firstContact);
    }

    /** Models HaLoop.observe and noteWhatPostgresDoes. */
    private Obs observe() {
        if (!pg.hasData) {
            if (async == null && !"uninitialized".equals(role) && bootstrap == BootstrapPhase.NONE) {
                role = "uninitialized";
                pgState = "stopped";
            }
            return new Obs(true, Optional.empty(), false, null);
        }
        if (sysid.isEmpty()) {
            sysid = Optional.ofNullable(pg.sysid);
        }
        boolean running = pg.running();
        Query query = running && pg.acceptsConnections() ? query() : null;
        if (async == null) {
            if (running && query != null) {
                pgState = "running";
                if (!query.inRecovery()) {
                    role = "primary";
                } else if (!"demoted".equals(role)) {
                    role = "replica";
                }
            } else if (running) {
                pgState = "starting";
            } else if ("running".equals(pgState) || "starting".equals(pgState)) {
                pgState = "crashed";
            }
        }
        return new Obs(false, sysid, running, query);
    }

    private Query query() {
        return pg.inRecovery ? new Query(true, pg.timeline(), pg.lsn, pg.lsn, pg.lsn, pg.streaming)
                : new Query(false, pg.timeline(), pg.lsn, 0, 0, false);
    }

    // ================================================================== publishing (models MemberDocument)

    private void publishMember(Obs local, Runnable then) {
        dcs.touchMember(memberJson(local), writeDeadline(), ok -> then.run());
    }

    private String memberJson(Obs local) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("conn_url", "postgres://" + name + ":5432/postgres");
        doc.put("api_url", "http://" + name + ":8008/patroni");
        doc.put("state", pgState);
        doc.put("role", role);
        doc.put("version", "4.1.4");
        boolean positionsKnown = async == null || "promote".equals(async);
        Query q = local.query();
        if (positionsKnown && q != null) {
            if (q.inRecovery()) {
                doc.put("xlog_location", Math.max(q.receive(), q.replay()));
                doc.put("replay_lsn", q.replay());
                doc.put("receive_lsn", q.receive());
                doc.put("replication_state", q.streaming() ? "streaming" : "in archive recovery");
            } else {
                doc.put("xlog_location", q.walPosition());
            }
            if (q.timeline() > 0) {
                doc.put("timeline", q.timeline());
            }
        }
        Map<String, Object> tags = new LinkedHashMap<>();
        if (nofailover) {
            tags.put("nofailover", true);
        }
        if (releasingSyncDuty) {
            tags.put("nosync", true);
            tags.put("sync_priority", 0);
        }
        if (!tags.isEmpty()) {
            doc.put("tags", tags);
        }
        if (paused) {
            doc.put("pause", true);
        }
        return Json.write(doc);
    }

    /**
     * What {@code GET /patroni} on this node returns, as {@code PeerClient.parse} reads it (models
     * HaLoop.status, MemberDocument.status and PeerClient.parse): a live query while PostgreSQL
     * accepts connections, else the status published by the last iteration.
     */
    private PeerStatus restStatus() {
        Query q = pg.acceptsConnections() ? query() : publishedQuery;
        if (q == null) {
            return PeerStatus.unreachable(name);
        }
        String reportedRole = q.inRecovery() ? ("demoted".equals(role) ? "replica" : role) : "primary";
        boolean inRecovery = q.inRecovery() && !"primary".equals(reportedRole) && !"master".equals(reportedRole);
        long position = inRecovery ? Math.max(q.receive(), q.replay()) : 0;
        return new PeerStatus(name, !nofailover, inRecovery, position, nofailover ? 0 : 1,
                OptionalLong.of(q.timeline()));
    }

    /** Models PeerClient.fetch: all peers in parallel, 2 s each, no retries; the REST thread answers even mid-iteration. */
    private void fetchPeers(List<MemberInfo> peers, Consumer<List<PeerStatus>> then) {
        if (peers.isEmpty()) {
            then.accept(List.of());
            return;
        }
        PeerStatus[] answers = new PeerStatus[peers.size()];
        int[] left = {peers.size()};
        boolean[] done = {false};
        Runnable complete = () -> {
            done[0] = true;
            List<PeerStatus> all = new ArrayList<>();
            for (int i = 0; i < answers.length; i++) {
                all.add(answers[i] != null ? answers[i] : PeerStatus.unreachable(peers.get(i).name()));
            }
            then.accept(all);
        };
        for (int i = 0; i < peers.size(); i++) {
            int index = i;
            SimNode peer = sim.node(peers.get(i).host().orElse(""));
            if (peer == null || peers.get(i).apiUrl().isEmpty() || !sim.network().linked(name, peer.name)) {
                continue;
            }
            Consumer<PeerStatus> reply = guard(status -> {
                if (!done[0]) {
                    answers[index] = status;
                    if (--left[0] == 0) {
                        complete.run();
                    }
                }
            });
            sim.clock().after(sim.network().restOneWay(rng, name, peer.name), () -> peer.answerRest(name, reply));
        }
        sim.clock().after(REST_TIMEOUT, guard(() -> {
            if (!done[0]) {
                complete.run();
            }
        }));
    }

    private void answerRest(String asker, Consumer<PeerStatus> reply) {
        guard(() -> {
            PeerStatus status = restStatus();
            sim.clock().after(sim.network().restOneWay(rng, name, asker), () -> {
                if (sim.network().linked(name, asker)) {
                    reply.accept(status);
                }
            });
        }).run();
    }

    // ================================================================== the executor (models ActionExecutor)

    private void execute(Decision decision, ClusterView cluster, HaInput input, Consumer<String> done,
                         Runnable dcsError, Runnable pgError) {
        runActions(decision.actions(), 0, decision.message(), cluster, input, done, dcsError, pgError);
    }

    private void runActions(List<HaAction> actions, int i, String message, ClusterView cluster, HaInput input,
                            Consumer<String> done, Runnable dcsError, Runnable pgError) {
        if (i == actions.size()) {
            done.accept(message);
            return;
        }
        perform(actions.get(i), cluster, input, next -> {
            if (next == null) {
                runActions(actions, i + 1, message, cluster, input, done, dcsError, pgError);
            } else {
                execute(next, cluster, input, m -> runActions(actions, i + 1, m, cluster, input, done, dcsError,
                        pgError), dcsError, pgError);
            }
        }, dcsError, pgError);
    }

    /** One action; {@code k} gets the continuation of a branching action, else null. */
    private void perform(HaAction action, ClusterView cluster, HaInput input, Consumer<Decision> k,
                         Runnable dcsError, Runnable pgError) {
        if (action instanceof HaAction.TryAcquireLock race) {
            tryAcquireLock(race, cluster, k, dcsError);
        } else if (action instanceof HaAction.RenewLock renew) {
            renewLock(renew, cluster, k, dcsError);
        } else if (action instanceof HaAction.TryInitialize race) {
            dcs.initialize(true, "", won -> k.accept(won ? race.ifWon() : race.ifLost()));
        } else if (action instanceof HaAction.ReleaseLock) {
            releaseLock(cluster, () -> k.accept(null));
        } else if (action instanceof HaAction.WriteInitialize write) {
            dcs.initialize(cluster.initialize().isEmpty(), write.sysid(), ok -> k.accept(null));
        } else if (action instanceof HaAction.ClearFailover clear) {
            dcs.setFailoverValue("{}", clear.version(), ok -> {
                sim.trace().log(name, "failover key " + (ok ? "cleared" : "not cleared")
                        + clear.version().stream().mapToObj(v -> " (CAS on version " + v + ")").findFirst().orElse(""));
                if (!ok && clear.version().isEmpty()) {
                    dcsError.run(); // MODEL of ActionExecutor: an unconditional write failed, the iteration ends
                } else {
                    k.accept(null);
                }
            });
        } else if (action instanceof HaAction.Bootstrap) {
            startAsync("bootstrap", this::bootstrapTask);
            k.accept(null);
        } else if (action instanceof HaAction.CompleteBootstrap) {
            completeBootstrap(cluster, () -> k.accept(null));
        } else if (action instanceof HaAction.CancelBootstrap) {
            exitDaemon("bootstrap failed");
        } else if (action instanceof HaAction.CloneFrom clone) {
            startAsync("bootstrap from " + clone.member(), (ok, failed) -> cloneFrom(cluster, clone.member(), ok,
                    failed));
            k.accept(null);
        } else if (action instanceof HaAction.StartPrimaryInPlace) {
            sim.checkPausedAction(this, "starts PostgreSQL as a primary", cluster);
            startAsync("starting primary after failure", this::startPrimaryInPlace);
            k.accept(null);
        } else if (action instanceof HaAction.StartReadOnly) {
            startAsync("start", (ok, failed) -> startStandby(Optional.empty(), ok, failed));
            k.accept(null);
        } else if (action instanceof HaAction.Promote) {
            sim.checkPromotion(this, pg.lsn, input);
            startAsync("promote", (ok, failed) -> promoteTask(cluster, ok, failed));
            k.accept(null);
        } else if (action instanceof HaAction.Demote demote) {
            sim.checkPausedAction(this, "demotes (" + demote.mode() + ")", cluster);
            demote(demote.mode(), cluster, () -> k.accept(null), pgError);
        } else if (action instanceof HaAction.Follow follow) {
            follow(cluster, follow.leader(), () -> k.accept(null));
        } else if (action instanceof HaAction.Rejoin rejoin) {
            startAsync("rejoin", (ok, failed) -> rejoin(cluster, rejoin.leader(), ok, failed));
            k.accept(null);
        } else if (action instanceof HaAction.MaintainPrimary) {
            maintainPrimary(cluster, () -> k.accept(null));
        } else if (action instanceof HaAction.ExitDaemon exit) {
            exitDaemon(exit.reason());
        } else {
            throw new IllegalStateException("no simulated executor for " + action);
        }
    }

    /**
     * Models the TryAcquireLock branch of ActionExecutor.perform. FINDING 3: the race is decided on
     * the snapshot read at the start of the iteration; a pause before the acquire can make it
     * arbitrarily old while the key is free again. With {@link SimConfig#reReadBeforeRace()} the
     * snapshot is read again first (ActionExecutor.snapshotOutdated): a leader, or a status.optime
     * other than the one the race was decided on, takes the "lost" branch; a failed read is a DCS failure.
     */
    private void tryAcquireLock(HaAction.TryAcquireLock race, ClusterView cluster, Consumer<Decision> k,
                                Runnable dcsError) {
        racingAsFailoverCandidate = sim.config().syncMode().enabled() && cluster.failover()
                .map(f -> f.leader().isEmpty() && f.candidate().map(name::equals).orElse(false)).orElse(false);
        Runnable acquire = () -> dcs.attemptToAcquireLeader(-1, won -> {
            setLeaderFlag(won);
            sim.trace().log(name, won ? "acquired the leader lock" : "could not acquire the leader lock");
            k.accept(won ? race.ifWon() : race.ifLost());
        }, dcsError);
        if (!sim.config().reReadBeforeRace()) {
            acquire.run();
            return;
        }
        dcs.getCluster(now -> {
            if (now.leader().isPresent() || now.statusOptime() != cluster.statusOptime()) {
                sim.trace().log(name, "the cluster changed since this iteration read it: not racing on an old snapshot");
                k.accept(race.ifLost());
            } else {
                acquire.run();
            }
        }, dcsError);
    }

    private void renewLock(HaAction.RenewLock renew, ClusterView cluster, Consumer<Decision> k, Runnable dcsError) {
        boolean planted = sim.config().bug() == SimConfig.Bug.IGNORE_FAILED_RENEWAL;
        Runnable onError = planted ? () -> {
            setLeaderFlag(true);
            k.accept(renew.ifHeld());
        } : dcsError;
        dcs.updateLeader(cluster.leader().orElseThrow(), held -> {
            boolean believed = held || planted;
            if (!held) {
                sim.trace().log(name, "DCS: leader lock update refused");
            }
            setLeaderFlag(believed);
            if (believed) {
                publishStatusInBackground(() -> k.accept(renew.ifHeld()));
            } else {
                k.accept(renew.ifLost());
            }
        }, onError);
    }

    /** Models PrimaryUpkeep.publishStatus: {@code status} = my flush position, written by the background writer. */
    private void publishStatusInBackground(Runnable then) {
        if (!pg.acceptsConnections() || pg.inRecovery) {
            then.run();
            return;
        }
        String json = Json.write(Map.of("optime", pg.lsn));
        submit("status", written -> writeStatus(json, written), then);
    }

    /** Models PrimaryUpkeep.publishOptime(): the current position, written and waited for. */
    private void publishOptime(Runnable then) {
        if (!pg.acceptsConnections() || pg.inRecovery) {
            then.run();
            return;
        }
        writeStatus(Json.write(Map.of("optime", pg.lsn)), then);
    }

    /** Models PrimaryUpkeep.writeStatus: skipped when unchanged. */
    private void writeStatus(String json, Runnable then) {
        if (json.equals(lastStatusWritten)) {
            then.run();
            return;
        }
        dcs.put(KeyLayout.STATUS, json, writeDeadline(), ok -> {
            if (ok) {
                lastStatusWritten = json;
            }
            then.run();
        });
    }

    private void releaseLock(ClusterView cluster, Runnable then) {
        publishOptime(() -> deleteLeaderKey(cluster, then));
    }

    /** MODEL of ActionExecutor.releaseLockAfterStop: the shutdown checkpoint as status.optime, then delete the key. */
    private void releaseLockAfterStop(ClusterView cluster, Runnable then) {
        long location = SimPostgres.SHUT_DOWN.equals(pg.controlState) ? pg.lsn : pg.lastCheckpoint;
        writeStatus(Json.write(Map.of("optime", location)), () -> deleteLeaderKey(cluster, then));
    }

    private void deleteLeaderKey(ClusterView cluster, Runnable then) {
        if (cluster == null || cluster.leader().isEmpty()) {
            setLeaderFlag(false);
            then.run();
            return;
        }
        dcs.deleteLeader(deleted -> {
            setLeaderFlag(false);
            sim.trace().log(name, "Leader key released");
            then.run();
        });
    }

    private void completeBootstrap(ClusterView cluster, Runnable then) {
        String id = sysid.orElse(pg.sysid);
        dcs.initialize(cluster.initialize().isEmpty(), id, a -> dcs.put(KeyLayout.CONFIG, sim.bootstrapDcsJson(), dcs.deadline(),
                b -> dcs.takeLeader(taken -> {
                    setLeaderFlag(taken);
                    bootstrap = BootstrapPhase.NONE;
                    firstContact = false;
                    sim.trace().log(name, "initialized a new cluster with system identifier " + id);
                    then.run();
                })));
    }

    private void exitDaemon(String reason) {
        killDaemon("exited: " + reason);
        sim.restartLater(this);
    }

    // ================================================================== SIGTERM (models HaLoop.shutdown)

    /** SIGTERM received and the daemon has not exited yet. */
    boolean shuttingDown() {
        return stopRequested || shuttingDown;
    }

    /**
     * SIGTERM: the shutdown hook stops the loop (Shutdown.requestAndAwait → HaLoop.stop wakes the
     * watch), the iteration under way ends, then Main runs HaLoop.shutdown. A sleeping loop returns at once.
     */
    void sigterm() {
        if (!alive || shuttingDown()) {
            return;
        }
        sim.trace().log(name, "received SIGTERM: shutting down");
        stopRequested = true;
        if (sleeping) {
            sleeping = false;
            sleepToken++;
            shutdown();
        }
    }

    /**
     * MODEL of HaLoop.shutdown (ha-loop.md §23): cancel the async action (its continuations are
     * dropped; what PostgreSQL was already told goes on); paused → leave PostgreSQL and the leader key
     * alone; else a synchronous standby first asks to be released (SyncDutyRelease), PostgreSQL is
     * stopped fast, the leader key is released if this daemon believed it held it
     * (ActionExecutor.releaseLockAfterStop on the last snapshot: the shutdown checkpoint as
     * status.optime, then delete), pending background writes are flushed, the member key is written with PostgreSQL
     * stopped, and the process exits.
     */
    private void shutdown() {
        shuttingDown = true;
        epoch++; // async.cancel(): the running task's and the loop's continuations end here
        pending.clear();
        async = null;
        List<Consumer<Runnable>> unflushed = new ArrayList<>(backgroundPending.values());
        backgroundPending.clear();
        backgroundBusy = false;
        if (paused) {
            sim.trace().log(name, "paused: leaving PostgreSQL running and the leader key in place");
            killDaemon("stopped (SIGTERM)");
            return;
        }
        boolean leader = leaderFlag;
        ClusterView last = lastCluster;
        Runnable exit = guard(() -> flush(unflushed, 0, () -> dcs.touchMember(
                memberJson(new Obs(false, sysid, false, null)), dcs.deadline(), ok -> killDaemon("stopped (SIGTERM)"))));
        Runnable afterStop = guard(() -> {
            pgState = "stopped";
            if (leader && last != null) {
                releaseLockAfterStop(last, () -> {
                    releasingAcknowledged = -1;
                    exit.run();
                });
            } else {
                exit.run();
            }
        });
        if (!pg.running()) {
            afterStop.run();
            return;
        }
        releaseSyncDuty(() -> {
            pgState = "stopping";
            if (leader && pg.acceptsWrites()) {
                releasingAcknowledged = pg.lsn; // invariant 6: what it acknowledged before the fast stop
                releasingCandidate = Optional.empty();
            }
            pg.stop(false, afterStop);
        });
    }

    private void flush(List<Consumer<Runnable>> writes, int i, Runnable then) {
        if (i == writes.size()) {
            then.run();
            return;
        }
        writes.get(i).accept(guard(() -> flush(writes, i + 1, then)));
    }

    /**
     * MODEL of SyncDutyRelease.beforeStop: in synchronous mode a node not holding the lock publishes
     * nosync and polls the {@code sync} key every 2 s until it is no longer listed, for up to
     * 2 × loop_wait; a DCS error ends the wait.
     */
    private void releaseSyncDuty(Runnable then) {
        if (!syncEnabled() || leaderFlag) {
            then.run();
            return;
        }
        releasingSyncDuty = true;
        long deadline = sim.clock().now() + Scheduler.sec(2L * sim.config().loopWait());
        dcs.touchMember(memberJson(observe()), dcs.deadline(), ok -> {
            if (!ok) {
                then.run();
                return;
            }
            waitForSyncRelease(deadline, then);
        });
    }

    private void waitForSyncRelease(long deadline, Runnable then) {
        dcs.getCluster(now -> {
            if (!now.sync().matches(name, false)) {
                then.run();
            } else if (sim.clock().now() - deadline >= 0) {
                sim.trace().log(name, "the primary still lists me as synchronous standby; stopping anyway");
                then.run();
            } else {
                sim.clock().after(Scheduler.sec(2), guard(() -> waitForSyncRelease(deadline, then)));
            }
        }, then);
    }

    /** Models ActionExecutor.demote: the stop ends writes at once; then per mode. */
    private void demote(DemoteMode mode, ClusterView cluster, Runnable then, Runnable pgError) {
        if (mode == DemoteMode.GRACEFUL) {
            startAsync("demote", (ok, failed) -> demoteGracefully(cluster, ok, failed));
            then.run();
            return;
        }
        pgState = "stopping";
        pg.stop(mode != DemoteMode.OFFLINE, guard(() -> {
            pgState = "stopped";
            role = "demoted";
            onDemoteSync();
            firstContact = false;
            switch (mode) {
                case OFFLINE -> startStandby(Optional.empty(), then, pgError);
                case IMMEDIATE -> releaseLock(cluster, () -> {
                    startAsync("rejoin", (ok, failed) -> rejoin(cluster, otherLeader(cluster), ok, failed));
                    then.run();
                });
                case IMMEDIATE_NOLOCK -> {
                    startAsync("rejoin", (ok, failed) -> rejoin(cluster, otherLeader(cluster), ok, failed));
                    then.run();
                }
                case GRACEFUL -> throw new IllegalStateException("graceful demotion runs as an async task");
            }
        }));
    }

    /**
     * Models ActionExecutor.demoteGracefully (an async task "demote"): CHECKPOINT, fast stop (the
     * shutdown checkpoint reaches the connected replicas, see {@link SimPostgres#stop}), status.optime
     * = the checkpoint location from pg_control, delete the leader key, then follow the new leader.
     * Meanwhile the loop keeps renewing the lock it read in its snapshot (AsyncActionPolicy).
     */
    private void demoteGracefully(ClusterView cluster, Runnable ok, Runnable failed) {
        pg.shortCommand(guard(() -> {
            long checkpoint = pg.acceptsWrites() ? pg.lsn : pg.lastCheckpoint; // CHECKPOINT (its failure is ignored)
            pg.lastCheckpoint = checkpoint;
            pgState = "stopping";
            long acknowledged = pg.lsn;
            pg.stop(false, guard(() -> {
                pgState = "stopped";
                role = "demoted";
                onDemoteSync();
                firstContact = false;
                long location = SimPostgres.SHUT_DOWN.equals(pg.controlState) ? pg.lsn : pg.lastCheckpoint;
                writeStatus(Json.write(Map.of("optime", location)), () -> {
                    Runnable released = () -> {
                        releasingAcknowledged = -1;
                        setLeaderFlag(false);
                        sim.trace().log(name, "Leader key released");
                        followTheNewLeader(sim.clock().now()
                                + Scheduler.sec(2L * sim.config().loopWait() + 5), ok, failed);
                    };
                    if (cluster.leader().isPresent()) {
                        releasingAcknowledged = acknowledged;
                        releasingCandidate = cluster.failover().flatMap(f -> f.candidate());
                        dcs.deleteLeader(deleted -> released.run());
                    } else {
                        released.run();
                    }
                });
            }));
        }));
    }

    /** Models ActionExecutor.followTheNewLeader: poll every 200 ms for another leader running as primary. */
    private void followTheNewLeader(long deadline, Runnable ok, Runnable failed) {
        if (sim.clock().now() - deadline >= 0) {
            sim.trace().log(name, "no new leader after the switchover; starting read-only");
            startStandby(Optional.empty(), ok, failed);
            return;
        }
        Runnable again = () -> sim.clock().after(Scheduler.sec(0.2), guard(() -> followTheNewLeader(deadline, ok,
                failed)));
        dcs.getCluster(now -> {
            Optional<String> leader = otherLeader(now);
            if (leader.isPresent() && now.member(leader.get()).map(MemberInfo::isPrimaryRole).orElse(false)) {
                rejoin(now, leader, ok, failed);
            } else {
                again.run();
            }
        }, again);
    }

    private Optional<String> otherLeader(ClusterView cluster) {
        return cluster == null ? Optional.empty() : cluster.leaderName().filter(l -> !l.equals(name));
    }

    /** Models ActionExecutor's MaintainPrimary: PrimaryUpkeep.maintain, then SynchronousReplication.manage. */
    private void maintainPrimary(ClusterView cluster, Runnable then) {
        maintainHistory(cluster, () -> manageSync(cluster, then));
    }

    /** Models PrimaryUpkeep.maintain: the history key follows my timeline (slots are not modelled). */
    private void maintainHistory(ClusterView cluster, Runnable then) {
        if (!pg.acceptsConnections()) {
            then.run();
            return;
        }
        long timeline = pg.timeline();
        String stored = cluster.raw().history().map(h -> h.value()).orElse(null);
        if (timeline <= 1) {
            if ("[]".equals(stored)) {
                then.run();
            } else {
                submit("history", written -> dcs.put(KeyLayout.HISTORY, "[]", writeDeadline(), ok -> written.run()),
                        then);
            }
            return;
        }
        List<List<Object>> lines = cluster.history().orElse(List.of());
        boolean current = !lines.isEmpty() && lines.get(lines.size() - 1).size() >= 5
                && lines.get(lines.size() - 1).get(0) instanceof Number n && n.longValue() == timeline - 1;
        if (current) {
            then.run();
            return;
        }
        List<List<Object>> fresh = new ArrayList<>();
        List<SimPostgres.Tli> h = pg.history;
        for (int i = 1; i < h.size(); i++) {
            fresh.add(List.of(h.get(i - 1).number(), h.get(i).start(), "no recovery target specified",
                    "2024-01-01T00:00:00.000000+00:00", i == h.size() - 1 ? name : ""));
        }
        String json = Json.write(fresh);
        submit("history", written -> dcs.put(KeyLayout.HISTORY, json, writeDeadline(), ok -> written.run()), then);
    }

    // ================================================================== MODEL of SynchronousReplication

    private boolean syncEnabled() {
        return sim.config().syncMode().enabled();
    }

    private boolean strictSync() {
        return sim.config().syncMode() == SimConfig.SyncMode.STRICT;
    }

    /**
     * MODEL of SynchronousReplication.observe (every snapshot, ActionExecutor.observe): a daemon
     * restarted beside its primary keeps the standbys its own {@code sync} key promises in the
     * configuration it writes next, until it manages them as leader.
     */
    private void observeSync(ClusterView cluster) {
        if (!syncEnabled() || managedStandbyNames != null
                || !cluster.sync().leader().map(name::equalsIgnoreCase).orElse(false)) {
            return;
        }
        List<String> standbys = cluster.sync().standbys();
        StandbyNames value = standbys.isEmpty() ? (strictSync() ? StandbyNames.ANY : StandbyNames.NONE)
                : StandbyNames.of(standbys.size(), standbys);
        managedStandbyNames = value.render();
    }

    /** MODEL of PostgresNode.writeConfiguration before a start or reload: the managed value, else the user's (none). */
    private void writeStandbyNamesToConf() {
        writeStandbyNamesToConf(false);
    }

    /**
     * FINDING 7's proposed fix for a start as a primary in strict mode: no managed value yet
     * (bootstrap, a daemon restarted beside a stopped primary) means '*', so no commit is
     * acknowledged before a standby has it.
     */
    private void writeStandbyNamesToConf(boolean asPrimary) {
        if (!syncEnabled()) {
            return;
        }
        if (asPrimary && strictSync() && managedStandbyNames == null && sim.config().strictStandbyNamesAtStart()) {
            managedStandbyNames = StandbyNames.ANY.render();
        }
        pg.standbyNamesConf = managedStandbyNames == null ? "" : managedStandbyNames.orElse("");
    }

    /** MODEL of SynchronousReplication.onDemote: a demoted primary waits for no standby when started again. */
    private void onDemoteSync() {
        if (syncEnabled() || managedStandbyNames != null) {
            managedStandbyNames = Optional.empty();
        }
    }

    /**
     * MODEL of SynchronousReplication.manage, run by MaintainPrimary after PrimaryUpkeep.maintain:
     * read synchronous_standby_names and the flush position (noting a flush mark when the value
     * changed), pg_stat_replication, then carry out the real {@link SyncPlanner}'s steps in order —
     * a WriteSyncKey is a CAS on the {@code sync} key's version and a refused or failed one ends the
     * list; SetStandbyNames writes the value, reloads, waits 100 ms and notes the value again. A
     * PostgreSQL error (not running, in recovery) ends it too (ActionExecutor logs and goes on).
     */
    private void manageSync(ClusterView cluster, Runnable then) {
        if (!syncEnabled() || !pg.acceptsConnections() || pg.inRecovery) {
            then.run();
            return;
        }
        noteStandbyNames();
        long mark = sim.config().bug() == SimConfig.Bug.SYNC_KEY_BEFORE_CATCH_UP ? 0 : flushMark;
        SyncInput in = new SyncInput(name, cluster.members(), pg.replicationRows(), pg.lsn, 1, strictSync(), -1,
                cluster.sync(), StandbyNames.parse(pg.standbyNamesActive), mark);
        runSyncSteps(SyncPlanner.plan(in), 0, cluster.sync().version(), then);
    }

    private void runSyncSteps(List<SyncStep> steps, int i, OptionalLong version, Runnable then) {
        if (i == steps.size()) {
            then.run();
            return;
        }
        SyncStep step = steps.get(i);
        if (step instanceof SyncStep.WriteSyncKey write) {
            dcs.setSyncStateValue(syncJson(write.standbys()), version, written -> {
                if (written.isEmpty()) {
                    sim.trace().log(name, "Synchronous replication key updated by someone else");
                    then.run();
                    return;
                }
                sim.trace().log(name, "Synchronous standby status assigned to " + write.standbys());
                runSyncSteps(steps, i + 1, written, then);
            });
        } else if (step instanceof SyncStep.SetStandbyNames set) {
            sim.trace().log(name, "Assigning synchronous standby status to " + set.value().names()
                    + (set.value().isAny() && strictSync() ? " (No standbys available!)" : ""));
            managedStandbyNames = set.value().render();
            writeStandbyNamesToConf();
            if (!pg.running()) {
                then.run(); // pg_ctl reload fails
                return;
            }
            pg.reload(guard(() -> sim.clock().after(Scheduler.sec(0.1), guard(() -> {
                if (!pg.acceptsConnections()) {
                    then.run();
                    return;
                }
                noteStandbyNames();
                runSyncSteps(steps, i + 1, version, then);
            }))));
        }
    }

    /** MODEL of SynchronousReplication.noteStandbyNames: a changed value marks the current WAL position. */
    private void noteStandbyNames() {
        if (!pg.standbyNamesActive.equals(observedStandbyNames)) {
            flushMark = pg.lsn;
            observedStandbyNames = pg.standbyNamesActive;
        }
    }

    /**
     * MODEL of SynchronousReplication.beforePromote: claim the {@code sync} key with no standby (CAS
     * on the version of the snapshot the promotion was decided on) and start with no synchronous
     * standby ('*' when strict); a refused CAS postpones the promotion.
     */
    private void beforePromoteSync(ClusterView cluster, Runnable proceed, Runnable postponed, Runnable failed) {
        if (!syncEnabled()) {
            proceed.run();
            return;
        }
        dcs.setSyncStateValue(syncJson(List.of()), cluster.sync().version(), written -> {
            if (written.isEmpty()) {
                postponed.run();
                return;
            }
            managedStandbyNames = strictSync() ? StandbyNames.ANY.render() : Optional.empty();
            writeStandbyNamesToConf();
            if (!pg.running()) {
                failed.run(); // pg_ctl reload fails: the promote task fails
                return;
            }
            pg.reload(guard(proceed));
        });
    }

    private String syncJson(java.util.Collection<String> standbys) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("leader", name);
        doc.put("quorum", 0);
        doc.put("sync_standby", standbys.isEmpty() ? null : String.join(",", standbys.stream().sorted().toList()));
        return Json.write(doc);
    }

    // ================================================================== async tasks (models AsyncRunner + tasks)

    private void startAsync(String action, Task task) {
        if (async != null) {
            sim.trace().log(name, "not starting " + action + ": " + async + " is still running");
            return;
        }
        async = action;
        sim.trace().log(name, "async: " + action);
        task.run(() -> asyncDone(action, false), () -> asyncDone(action, true));
    }

    private void asyncDone(String action, boolean failed) {
        async = null;
        if (failed) {
            sim.trace().log(name, "async: " + action + " failed");
        }
        wake();
    }

    private void bootstrapTask(Runnable ok, Runnable failed) {
        bootstrap = BootstrapPhase.RUNNING;
        pgState = "initializing new cluster";
        pg.initdb(guard(() -> {
            pgState = "starting";
            writeStandbyNamesToConf(true);
            pg.start(Optional.empty(), false, Scheduler.sec(60), guard(up -> {
                if (!up) {
                    pgState = "start failed";
                    bootstrap = BootstrapPhase.FAILED;
                } else {
                    pgState = "running";
                    role = "primary";
                    sysid = Optional.of(pg.sysid);
                    bootstrap = BootstrapPhase.SUCCEEDED;
                }
                ok.run();
            }));
        }));
    }

    private void startPrimaryInPlace(Runnable ok, Runnable failed) {
        pgState = "starting";
        if (pg.running()) {
            failed.run();
            return;
        }
        writeStandbyNamesToConf(true);
        pg.start(Optional.empty(), false, Scheduler.sec(300), guard(up -> {
            pgState = up ? "running" : "start failed";
            ok.run();
        }));
    }

    /** Models ActionExecutor.promote: pg_ctl promote waiting up to max(loop_wait, 10) s, then CHECKPOINT. */
    private void promoteTask(ClusterView cluster, Runnable ok, Runnable failed) {
        if (!believesLock(sim.clock().now())) {
            sim.trace().log(name, "not promoting: the leader lock may have expired since it was taken");
            ok.run();
            return;
        }
        beforePromoteSync(cluster, () -> promoteNow(ok, failed), () -> {
            sim.trace().log(name, "Postponing promotion because synchronous replication state was updated by "
                    + "somebody else");
            ok.run();
        }, failed);
    }

    private void promoteNow(Runnable ok, Runnable failed) {
        if (!believesLock(sim.clock().now())) {
            sim.trace().log(name, "not promoting: the leader lock may have expired since it was taken");
            ok.run();
            return;
        }
        long wait = Scheduler.sec(Math.max(sim.config().loopWait(), 10));
        pg.promote(wait, guard(promoted -> {
            if (!promoted) {
                failed.run();
                return;
            }
            role = "primary";
            upstream = Optional.empty();
            pg.shortCommand(guard(() -> {
                firstContact = false;
                ok.run();
            }));
        }));
    }

    // ================================================================== ReplicaRecovery (models it)

    private static Optional<String> upstreamOf(ClusterView cluster, String member) {
        return cluster.member(member).filter(m -> !m.connUrl().isEmpty()).flatMap(MemberInfo::host);
    }

    private void cloneFrom(ClusterView cluster, String source, Runnable ok, Runnable failed) {
        Optional<String> from = upstreamOf(cluster, source);
        if (from.isEmpty() || pg.running()) {
            failed.run();
            return;
        }
        pgState = "creating replica";
        pg.basebackup(from.get(), guard(done -> {
            if (!done) {
                pgState = "stopped";
                failed.run();
                return;
            }
            role = "replica";
            Optional<String> leader = cluster.leaderName().flatMap(l -> upstreamOf(cluster, l));
            startStandby(leader.isPresent() ? leader : from, ok, failed);
        }));
    }

    /** Models ReplicaRecovery.startStandby; FINDING 4's fix: a former primary is "demoted" while it starts. */
    private void startStandby(Optional<String> follow, Runnable ok, Runnable failed) {
        if (sim.config().roleBeforeStandbyStart() && "primary".equals(role)) {
            role = "demoted";
        }
        if (sim.config().replicaRewindCheck()) {
            rewindCheckPending = true; // FINDING 1's fix: every start re-checks divergence
        }
        pgState = "starting";
        if (pg.running()) {
            failed.run();
            return;
        }
        writeStandbyNamesToConf();
        pg.start(follow, true, Scheduler.sec(60), guard(up -> {
            upstream = follow.map(h -> h + ":5432");
            pgState = up ? "running" : "starting";
            firstContact = false;
            ok.run();
        }));
    }

    /**
     * Models ReplicaRecovery.follow and its use in ActionExecutor: repoint a running replica; a
     * demoted primary, or a replica that diverged from the leader, is rejoined by an async task.
     * FINDING 1: with {@link SimConfig#replicaRewindCheck()} a running replica checks for divergence
     * (ha-loop.md §13.1: after first contact, after a start or a change of primary_conninfo, when the
     * leader's timeline is ahead; a check that cannot be made yet — leader unreachable or still in
     * recovery — stays pending). Without it a replica that received WAL beyond the new leader's
     * fork point never streams again.
     */
    private void follow(ClusterView cluster, Optional<String> leader, Runnable then) {
        if (leader.isEmpty()) {
            then.run();
            return;
        }
        Optional<String> target = upstreamOf(cluster, leader.get());
        if (target.isEmpty()) {
            then.run();
            return;
        }
        Runnable rejoinAsync = () -> {
            startAsync("rejoin", (ok, failed) -> rejoin(cluster, leader, ok, failed));
            then.run();
        };
        if ("demoted".equals(role) || "primary".equals(role)) {
            rejoinAsync.run();
            return;
        }
        if (sim.config().replicaRewindCheck()) {
            long leaderTimeline = cluster.member(leader.get()).map(m -> m.timeline().orElse(0)).orElse(0L);
            long mine = pg.acceptsConnections() ? pg.timeline() : Long.MAX_VALUE;
            String against = leader.get() + "@" + leaderTimeline;
            rewindCheckPending |= leaderTimeline > mine || !against.equals(rewindCheckedAgainst);
            if (rewindCheckPending) {
                Optional<Boolean> need = pg.rewindNeeded(target.get());
                if (need.orElse(false)) {
                    sim.trace().log(name, "my timeline diverged from " + leader.get() + "'s: rejoining");
                    rejoinAsync.run();
                    return;
                }
                if (need.isPresent()) {
                    rewindCheckPending = false;
                    rewindCheckedAgainst = against;
                }
            }
        }
        String key = target.get() + ":5432";
        if (upstream.map(key::equals).orElse(false)) {
            then.run();
            return;
        }
        sim.trace().log(name, "changing primary_conninfo and reloading: following " + leader.get());
        pg.follow(target.get(), guard(() -> {
            upstream = Optional.of(key);
            role = "replica";
            if (sim.config().replicaRewindCheck()) {
                rewindCheckPending = true; // a new upstream may have forked from our history
            }
            then.run();
        }));
    }

    /** Models ReplicaRecovery.rejoin: stop, crash recovery, pg_rewind or a fresh clone when diverged, start. */
    private void rejoin(ClusterView cluster, Optional<String> leader, Runnable ok, Runnable failed) {
        if (leader.isEmpty()) {
            Runnable after = () -> {
                if (!"demoted".equals(role)) {
                    role = "replica";
                }
                ok.run();
            };
            if (!pg.running()) {
                startStandby(Optional.empty(), after, failed);
            } else {
                after.run();
            }
            return;
        }
        Optional<MemberInfo> leaderMember = cluster.member(leader.get());
        if (leaderMember.isEmpty() || !leaderMember.get().isPrimaryRole()
                || leaderMember.get().checkpointAfterPromotePending() || leaderMember.get().connUrl().isEmpty()) {
            sim.trace().log(name, "waiting for leader " + leader.get() + " to run as primary before rejoining");
            ok.run();
            return;
        }
        String target = leaderMember.get().host().orElse(leader.get());
        Runnable afterStop = () -> {
            boolean wasPrimary = PRIMARY_STATES.contains(pg.controlState);
            Runnable afterRecovery = () -> pg.shortCommand(guard(() -> {
                Optional<Boolean> diverged = pg.rewindNeeded(target);
                Runnable start = () -> startStandby(Optional.of(target), () -> {
                    role = "replica";
                    ok.run();
                }, failed);
                if (diverged.orElse(wasPrimary)) {
                    rewindOrReclone(target, start, failed);
                } else {
                    start.run();
                }
            }));
            if (wasPrimary && UNCLEAN_STATES.contains(pg.controlState)) {
                pgState = "crash recovery";
                pg.crashRecovery(guard(afterRecovery));
            } else {
                afterRecovery.run();
            }
        };
        if (pg.running()) {
            pg.stop(false, guard(afterStop));
        } else {
            afterStop.run();
        }
    }

    private void rewindOrReclone(String leader, Runnable ok, Runnable failed) {
        Runnable reclone = () -> {
            sim.trace().log(name, "reinitializing: removing the data directory and creating a fresh replica from "
                    + leader);
            pg.removeDataDirectory();
            pgState = "creating replica";
            pg.basebackup(leader, guard(done -> {
                if (done) {
                    ok.run();
                } else {
                    pgState = "stopped";
                    failed.run();
                }
            }));
        };
        if (sim.config().usePgRewind()) {
            pgState = "running pg_rewind";
            pg.rewind(leader, guard(rewound -> {
                if (rewound) {
                    ok.run();
                } else {
                    reclone.run();
                }
            }));
        } else {
            reclone.run();
        }
    }
}
