package io.jpatroni.core.sim;

import io.jpatroni.api.dcs.KeyLayout;
import io.jpatroni.core.cluster.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * One seeded run: N nodes bootstrap a cluster on the simulated DCS, a random fault schedule plays,
 * every fault heals, and the cluster must converge. The invariants are checked after every event;
 * the first violation stops the run.
 */
final class Simulation implements SimDcs.Listener {

    /** Virtual time zero as a wall-clock instant (scheduled switchovers compare against it). */
    static final java.time.Instant EPOCH = java.time.Instant.parse("2026-01-01T00:00:00Z");

    /**
     * The first broken invariant: its number (1-5 as in the issue, 6 and 7 for switchovers, 8 for
     * maintenance mode), what happened, and when.
     */
    record Violation(int invariant, String text, long at) {
        @Override
        public String toString() {
            return String.format("invariant %d violated at t=%.3f: %s", invariant, at / 1e6, text);
        }
    }

    /** What one run produced; the trace is empty unless the run was traced. */
    record Result(long seed, SimConfig config, Optional<Violation> violation, List<String> trace, long events,
                  long virtualMicros, long healedAt, long convergedAfterHeal) {
    }

    private final long seed;
    private final SimConfig config;
    private final Scheduler clock = new Scheduler();
    private final Trace trace;
    private final Network network = new Network();
    private final SimDcs dcs;
    private final Deciders decider;
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final Random rng;
    final long writeRate;
    private long nextUid = 1;
    private long lastAdvance;
    private long events;
    private Violation violation;
    /** Invariant 6: a graceful hand-over whose caught-up candidate makes the next promotion's position checkable. */
    private PlannedSwitchover planned;
    /** The named candidate that took the lock: its promotion stays exempt from the lag limit while it holds that lock. */
    private String operatorChosen;

    /**
     * Invariant 3: per timeline (by uid), the primary's history and the highest position it
     * acknowledged to clients while it owned the {@code sync} key.
     */
    private final Map<Long, Acknowledged> acknowledged = new LinkedHashMap<>();
    /** Nodes whose PostgreSQL accepted writes at the last check (a new primary is checked once, when it starts). */
    private final java.util.Set<String> writable = new java.util.HashSet<>();
    /** The named candidate of a manual failover without leader: the operator accepted losing what it lacks. */
    private String operatorFailover;
    private String syncKeyText;
    private String syncKeyLeader;
    /**
     * The candidate of a manual failover without leader that claimed the {@code sync} key for its
     * promotion: its later promotion completes the operator's failover (invariant 3 does not apply to
     * it) even when the first one was interrupted (SIGTERM mid-promote) and the lock lost meanwhile —
     * the key names it, so it is the one node that may take over (§16.8). Cleared when another node
     * owns the key or the exemption was used.
     */
    private String operatorSyncOwner;
    /** Invariant 4's clock starts again when an operator resumes a paused cluster. */
    private long resumedAt;

    private record Acknowledged(String primary, List<SimPostgres.Tli> history, long position) {
    }

    /** The old leader's history and last acknowledged position at its fast stop, and who had all of it at the release. */
    private record PlannedSwitchover(String oldLeader, List<SimPostgres.Tli> history, long acknowledged,
                                     List<String> caughtUp) {
    }

    Simulation(long seed, SimConfig config, boolean traced) {
        this.seed = seed;
        this.config = config;
        this.rng = new Random(seed);
        this.trace = new Trace(traced, clock);
        this.dcs = new SimDcs(clock, trace, this);
        this.decider = Deciders.of(config);
        this.writeRate = 20_000 + rng.nextInt(180_000);
        int nofailover = config.oneNofailover() ? rng.nextInt(config.nodes()) : -1;
        for (int i = 0; i < config.nodes(); i++) {
            String name = "node" + (i + 1);
            nodes.put(name, new SimNode(name, this, new Random(rng.nextLong()), i == nofailover));
        }
        clock.beforeEachEvent(this::advanceWal);
    }

    static Result run(long seed, SimConfig config, boolean traced) {
        return new Simulation(seed, config, traced).run();
    }

    Result run() {
        trace.log("SIM:", "seed " + seed + ", " + config);
        for (SimNode node : nodes.values()) {
            clock.at(Scheduler.sec(rng.nextDouble() * 2), node::startDaemon);
        }
        FaultSchedule faults = new FaultSchedule(this, new Random(rng.nextLong()));
        long planned = faults.plan();
        long convergedSince = -1;
        while (violation == null && clock.runNext(Math.max(planned, resumedAt) + config.convergenceBoundMicros())) {
            events++;
            checkSafety();
            long healedAt = Math.max(planned, resumedAt);
            if (clock.now() >= healedAt) {
                if (converged().isEmpty() && pendingRequest().isEmpty()) {
                    convergedSince = convergedSince < 0 ? clock.now() : convergedSince;
                } else {
                    convergedSince = -1;
                }
            }
        }
        long healedAt = Math.max(planned, resumedAt);
        if (violation == null) {
            advanceWal();
            Optional<String> why = converged();
            if (why.isPresent()) {
                violate(4, String.format("not converged %.0f s after the last fault healed (t=%.3f): %s",
                        config.convergenceBoundMicros() / 1e6, healedAt / 1e6, why.get()));
            }
            Optional<String> request = pendingRequest();
            if (request.isPresent()) {
                violate(7, String.format("%.0f s after the last fault healed (t=%.3f) the failover key still holds "
                        + "a request: %s", config.convergenceBoundMicros() / 1e6, healedAt / 1e6, request.get()));
            }
        }
        return new Result(seed, config, Optional.ofNullable(violation), trace.lines(), events, clock.now(), healedAt,
                convergedSince < 0 ? -1 : Math.max(0, convergedSince - healedAt));
    }

    // ------------------------------------------------------------------ the world

    Scheduler clock() {
        return clock;
    }

    Trace trace() {
        return trace;
    }

    Network network() {
        return network;
    }

    SimDcs dcs() {
        return dcs;
    }

    SimConfig config() {
        return config;
    }

    Deciders decider() {
        return decider;
    }

    List<String> nodeNames() {
        return new ArrayList<>(nodes.keySet());
    }

    SimNode node(String name) {
        return nodes.get(name);
    }

    SimPostgres postgres(String name) {
        SimNode node = nodes.get(name);
        return node == null ? null : node.pg;
    }

    /** The operator resumed the cluster (maintenance mode ends): convergence is measured from now on. */
    void resumed() {
        resumedAt = clock.now();
    }

    boolean dcsDown() {
        return dcs.isDown();
    }

    String newSysid() {
        return Long.toString(7_000_000_000_000_000_000L + (Math.abs(rng.nextLong()) % 1_000_000_000_000_000L));
    }

    long newTimelineUid() {
        return nextUid++;
    }

    String bootstrapDcsJson() {
        Map<String, Object> dynamic = new LinkedHashMap<>(Map.of("ttl", config.ttl(), "loop_wait", config.loopWait(),
                "retry_timeout", config.retryTimeout(), "maximum_lag_on_failover", config.maximumLagOnFailover()));
        if (config.syncMode().enabled()) {
            dynamic.put("synchronous_mode", config.syncMode() == SimConfig.SyncMode.STRICT ? "strict" : "on");
        }
        return Json.write(dynamic);
    }

    /** systemd restarts a daemon that exited. */
    void restartLater(SimNode node) {
        clock.after(Scheduler.sec(5), () -> {
            if (!node.alive) {
                node.startDaemon();
            }
        });
    }

    /** WAL flows up to now: primaries write, then replicas receive. */
    private void advanceWal() {
        long dt = clock.now() - lastAdvance;
        lastAdvance = clock.now();
        for (SimNode n : nodes.values()) {
            n.pg.advanceAsPrimary(dt);
        }
        for (SimNode n : nodes.values()) {
            n.pg.advanceAsReplica();
        }
        if (config.syncMode().enabled()) {
            for (SimNode n : nodes.values()) {
                acknowledge(n);
            }
        }
    }

    /** Who owns the {@code sync} key right now (its leader field), decoded once per value. */
    private String syncKeyLeader() {
        String text = dcs.valueNow(KeyLayout.SYNC);
        if (!java.util.Objects.equals(text, syncKeyText)) {
            syncKeyText = text;
            syncKeyLeader = dcs.read().sync().leader().orElse(null);
        }
        return syncKeyLeader;
    }

    /**
     * Synchronous mode: commits acknowledged by a primary up to now, as its synchronous_standby_names
     * allows (see {@link SimPostgres#acknowledgeable()}). Those acknowledged while it owns the
     * {@code sync} key are what invariant 3 protects. Strict mode: such a commit must already be
     * flushed by a standby.
     */
    private void acknowledge(SimNode n) {
        SimPostgres pg = n.pg;
        if (!pg.acceptsWrites()) {
            return;
        }
        long uid = pg.history.get(pg.history.size() - 1).uid();
        if (uid != pg.acknowledgedUid) {
            pg.acknowledgedUid = uid;
            pg.acknowledged = 0;
        }
        long now = pg.acknowledgeable();
        if (now <= pg.acknowledged) {
            return;
        }
        long before = pg.acknowledged;
        pg.acknowledged = now;
        if (!n.name.equalsIgnoreCase(String.valueOf(syncKeyLeader()))) {
            return;
        }
        if (config.syncMode() == SimConfig.SyncMode.STRICT) {
            long flushed = nodes.values().stream().filter(r -> r != n && r.pg.hasData && pg.sysid.equals(r.pg.sysid))
                    .mapToLong(r -> Math.min(r.pg.lsn, SimPostgres.divergence(r.pg.history, pg.history)))
                    .max().orElse(-1);
            if (now > flushed) {
                violate(3, String.format("strict synchronous mode: %s acknowledged commits up to %d (before: %d, "
                                + "synchronous_standby_names '%s') but no standby has flushed past %d", n.name, now,
                        before, pg.standbyNamesActive, flushed));
            }
        }
        Acknowledged old = acknowledged.get(uid);
        if (old == null || old.position() < now) {
            acknowledged.put(uid, new Acknowledged(n.name, pg.history, now));
        }
    }

    // ------------------------------------------------------------------ DCS watch

    @Override
    public void changed(String key, String writer) {
        if (KeyLayout.LEADER.equals(key) && operatorChosen != null && !operatorChosen.equals(dcs.leaderNow())) {
            operatorChosen = null;
        }
        if (KeyLayout.LEADER.equals(key) && operatorFailover != null && !operatorFailover.equals(dcs.leaderNow())) {
            operatorFailover = null;
        }
        if (KeyLayout.SYNC.equals(key)) {
            String owner = syncKeyLeader();
            if (owner != null && owner.equalsIgnoreCase(String.valueOf(operatorFailover))) {
                operatorSyncOwner = operatorFailover;
            } else if (!String.valueOf(owner).equalsIgnoreCase(String.valueOf(operatorSyncOwner))) {
                operatorSyncOwner = null;
            }
        }
        SimNode releasing = nodes.get(writer);
        if (KeyLayout.LEADER.equals(key) && dcs.leaderNow() == null && releasing != null
                && releasing.releasingAcknowledged >= 0) {
            onGracefulRelease(releasing, releasing.releasingAcknowledged, releasing.releasingCandidate);
            releasing.releasingAcknowledged = -1;
        }
        if (!KeyLayout.LEADER.equals(key) && !KeyLayout.CONFIG.equals(key) && !KeyLayout.STATUS.equals(key)) {
            return;
        }
        for (SimNode n : nodes.values()) {
            if (n.alive && !n.name.equals(writer)) {
                n.watchEvent(key);
            }
        }
    }

    // ------------------------------------------------------------------ invariants

    private void violate(int invariant, String text) {
        if (violation == null) {
            violation = new Violation(invariant, text, clock.now());
            trace.log("VIOLATION:", violation.toString());
        }
    }

    /** Invariants 1 and 5 at every instant. */
    private void checkSafety() {
        long now = clock.now();
        if (planned != null && nodes.values().stream().anyMatch(n -> n.pg.acceptsWrites())) {
            planned = null; // a primary again (a promotion was checked when its timeline began)
        }
        SimNode believer = null;
        String holder = dcs.leaderNow();
        for (SimNode n : nodes.values()) {
            if (!n.pg.acceptsWrites()) {
                continue;
            }
            if (n.believesLock(now)) {
                if (believer != null) {
                    violate(1, "split brain: " + believer.name + " and " + n.name
                            + " both accept writes and both believe they hold the leader lock");
                    return;
                }
                believer = n;
            }
            if (holder != null && !holder.equals(n.name) && !n.orphanExempt && !n.pausedExempt) {
                violate(5, n.name + " accepts writes while " + holder + " holds the leader lock");
                return;
            }
        }
        checkSynchronousMode();
    }

    /** Invariant 5 at the instant the DCS expires a leader's lease. */
    @Override
    public void leaderLeaseExpired(String owner) {
        SimNode n = nodes.get(owner);
        if (n != null && n.pg.acceptsWrites() && !n.orphanExempt && !n.pausedExempt) {
            violate(5, owner + " still accepts writes when its leader lease expires on the DCS");
        }
    }

    /**
     * Invariant 2, when a node decides to promote: its PostgreSQL's actual WAL position (at least what
     * the decision observed) against the DCS's status.optime at that instant. The candidate an operator
     * named in a pending request is exempt from the lag limit (not from nofailover).
     */
    void checkPromotion(SimNode node, long walPosition, io.jpatroni.core.ha.HaInput input) {
        if (node.nofailover) {
            violate(2, node.name + " promotes although it is tagged nofailover");
        }
        var request = input == null ? Optional.<io.jpatroni.core.cluster.ClusterView.FailoverRequest>empty()
                : input.cluster().failover();
        if (request.flatMap(r -> r.candidate()).map(node.name::equals).orElse(false)) {
            // ha-loop.md §8.3 step 1.1: the candidate an operator named takes over whatever its lag.
            trace.log("SIM:", node.name + " promotes as the named candidate of " + request.get()
                    + " (lag limit does not apply)");
            operatorChosen = node.name;
            if (request.get().leader().isEmpty()) {
                operatorFailover = node.name;
            }
            return;
        }
        checkPausedAction(node, "promotes", input == null ? null : input.cluster());
        if (node.name.equals(operatorChosen) && node.name.equals(dcs.leaderNow())) {
            trace.log("SIM:", node.name + " promotes again under the lock it took as the named candidate");
            return;
        }
        long optime = dcs.statusOptimeNow();
        if (optime > 0 && optime - walPosition > config.maximumLagOnFailover()) {
            violate(2, String.format("%s promotes at %d, %d bytes behind the last leader position %d (limit %d)",
                    node.name, walPosition, optime - walPosition, optime, config.maximumLagOnFailover()));
        }
    }

    /**
     * Invariant 8 (maintenance mode): PostgreSQL is never promoted, demoted or started as a primary
     * automatically while the cluster is paused (ha-loop.md §15) — in particular no automatic
     * failover, so no second primary on a new timeline. "Paused" is what the decision was taken on:
     * the snapshot's {@code config} key says {@code pause: true} (the operator's PATCH has reached
     * the DCS and this iteration read it), or, on a DCS failure, the configuration the daemon applied
     * last (all it knows). The named candidate of a switchover or manual failover (the operator's
     * request) is exempt, and so is a demotion while such a request is pending.
     *
     * <p>What maintenance mode gives up, by design, and is therefore not checked while a node decides
     * paused (and until its first iteration decided unpaused, {@link SimNode#pausedExempt}):
     * invariant 5 — a primary that loses its lock (DCS outage, partition, its lease expired while
     * the daemon was stopped with SIGTERM) keeps running ("continue to run as primary without
     * lock"), also past the lease and, when an operator resumes while it cannot see the DCS, beside
     * a new leader. Invariant 1 (two primaries that both believe they hold the lock) still holds:
     * only one node can hold the lock. Invariant 4 is checked only after the last resume plus the
     * convergence bound.
     */
    void checkPausedAction(SimNode node, String what, io.jpatroni.core.cluster.ClusterView cluster) {
        boolean paused = cluster != null ? pauseIn(cluster) : node.paused;
        if (!paused || (cluster != null && cluster.failover().isPresent() && !what.startsWith("promotes"))) {
            return;
        }
        if (what.startsWith("promotes") && cluster != null && cluster.failover()
                .flatMap(f -> f.candidate()).map(node.name::equals).orElse(false)) {
            return;
        }
        violate(8, node.name + " " + what + " automatically while the cluster is paused ("
                + (cluster != null ? "config " + dcs.valueNow(KeyLayout.CONFIG) : "DCS unreachable, last applied "
                + "configuration paused") + ")");
    }

    static boolean pauseIn(io.jpatroni.core.cluster.ClusterView cluster) {
        return io.jpatroni.core.config.ValueParsers.boolish(cluster.config().get("pause")).orElse(false);
    }

    /**
     * Invariant 6 when a graceful demotion deletes the leader key on the DCS: remember what the old
     * leader had acknowledged when its fast stop began if the candidate of the request it acted on
     * (any failover-eligible replica when none was named) had all of it at that instant.
     */
    private void onGracefulRelease(SimNode old, long acknowledged, Optional<String> candidate) {
        List<String> caughtUp = nodes.values().stream()
                .filter(n -> n != old && !n.nofailover && n.pg.hasData && old.pg.sysid.equals(n.pg.sysid)
                        && n.pg.lsn >= acknowledged && SimPostgres.divergence(n.pg.history, old.pg.history) >= acknowledged)
                .map(n -> n.name).toList();
        boolean check = candidate.map(caughtUp::contains).orElse(!caughtUp.isEmpty());
        trace.log("SIM:", String.format("%s released the lock after a fast stop at %d; candidate %s; caught up: %s%s",
                old.name, acknowledged, candidate.orElse("(any)"), caughtUp, check ? "" : " (not checked)"));
        planned = check ? new PlannedSwitchover(old.name, old.pg.history, acknowledged, caughtUp) : null;
    }

    /**
     * {@code name} created the leader key in a race it entered as the named candidate of a manual
     * failover without leader (the snapshot it decided on), even if it never heard the answer or a
     * newer request replaced that one meanwhile: its promotion is the operator's choice for invariants
     * 2 and 3 (synchronous-mode runs only, to keep the asynchronous sweep's bookkeeping as it was).
     */
    void operatorFailoverLock(String name) {
        operatorFailover = name;
        operatorChosen = name; // invariant 2 too, also when it never heard the answer and promotes later
        trace.log("SIM:", name + " took the lock as the candidate of a manual failover");
    }

    /** A node's PostgreSQL begins a new timeline at {@code lsn} after {@code history}: invariant 6. */
    void onNewTimeline(String name, List<SimPostgres.Tli> history, long lsn) {
        PlannedSwitchover p = planned;
        planned = null;
        if (p == null) {
            return;
        }
        long common = Math.min(lsn, SimPostgres.divergence(history, p.history()));
        // A caught-up node must lose nothing; one that could not see them may lose what an automatic failover may.
        if (name.equals(operatorChosen) && !p.caughtUp().contains(name)) {
            trace.log("SIM:", name + " promotes as the candidate a later request named: the operator's choice");
            return;
        }
        long allowed = p.caughtUp().contains(name) ? 0 : config.maximumLagOnFailover();
        if (p.acknowledged() - common > allowed) {
            violate(6, String.format("%s promotes at %d (shares %d with the old leader's history) after %s's planned "
                            + "switchover: %d acknowledged bytes lost although %s had them all", name, lsn, common,
                    p.oldLeader(), p.acknowledged() - common, p.caughtUp()));
        }
    }

    /** Invariant 7: the failover key holds no request (absent or {}). */
    private Optional<String> pendingRequest() {
        return dcs.read().failover().isPresent()
                ? Optional.of(dcs.valueNow(KeyLayout.FAILOVER)) : Optional.empty();
    }

    /** PostgreSQL left recovery (pg_ctl promote, or a standby started without standby.signal). */
    void onPromoted(String name) {
        SimNode node = nodes.get(name);
        if (node != null && node.nofailover) {
            violate(2, name + " became a primary although it is tagged nofailover");
        }
    }

    /**
     * Invariant 3 (synchronous mode: no acknowledged commit lost): a node whose PostgreSQL starts
     * accepting writes (a promotion, or a primary started again) must hold every commit any primary
     * acknowledged while it owned the {@code sync} key — its history must reach each acknowledged
     * position on that primary's history. The named candidate of a manual failover without a
     * leader is exempt (Patroni lets the operator fail over to an asynchronous standby).
     */
    private void checkSynchronousMode() {
        if (!config.syncMode().enabled()) {
            return;
        }
        for (SimNode n : nodes.values()) {
            if (!n.pg.acceptsWrites()) {
                writable.remove(n.name);
                continue;
            }
            if (!writable.add(n.name)) {
                continue;
            }
            if (n.name.equals(operatorFailover) || n.name.equals(operatorSyncOwner)) {
                operatorSyncOwner = null;
                // What it lacks is lost by the operator's choice: later primaries need only what it has.
                trace.log("SIM:", n.name + " becomes primary as the candidate of a manual failover: invariant 3 "
                        + "does not apply");
                acknowledged.replaceAll((uid, a) -> new Acknowledged(a.primary(), a.history(), Math.min(a.position(),
                        Math.min(n.pg.lsn, SimPostgres.divergence(n.pg.history, a.history())))));
                continue;
            }
            for (Acknowledged a : acknowledged.values()) {
                long common = Math.min(n.pg.lsn, SimPostgres.divergence(n.pg.history, a.history()));
                if (common < a.position()) {
                    violate(3, String.format("%s becomes primary at %d on timeline %d sharing only %d with the "
                                    + "history of %s, which acknowledged commits up to %d in synchronous mode "
                                    + "(%d acknowledged bytes lost; sync key %s)", n.name, n.pg.lsn, n.pg.timeline(),
                            common, a.primary(), a.position(), a.position() - common, dcs.valueNow(KeyLayout.SYNC)));
                    return;
                }
            }
        }
    }

    /** Invariant 4: empty when there is exactly one primary holding the lock and everyone else streams from it. */
    private Optional<String> converged() {
        List<SimNode> primaries = nodes.values().stream().filter(n -> n.pg.acceptsWrites()).toList();
        if (primaries.size() != 1) {
            return Optional.of(primaries.size() + " primaries " + primaries.stream().map(n -> n.name).toList());
        }
        SimNode primary = primaries.get(0);
        if (!primary.name.equals(dcs.leaderNow())) {
            return Optional.of("primary " + primary.name + " does not hold the leader key (" + dcs.leaderNow() + ")");
        }
        for (SimNode n : nodes.values()) {
            if (n == primary) {
                continue;
            }
            if (!n.alive || !n.pg.acceptsConnections() || !n.pg.inRecovery
                    || !n.pg.upstream.map(primary.name::equals).orElse(false) || !n.pg.streaming) {
                return Optional.of(n.name + " does not stream from " + primary.name + " (daemon "
                        + (n.alive ? "up" : "down") + ", pg " + n.pg.phase + (n.pg.inRecovery ? " in recovery" : "")
                        + ", upstream " + n.pg.upstream.orElse("none") + ", streaming " + n.pg.streaming
                        + ", state '" + n.pgState + "', role " + n.role + ", timeline " + n.pg.timeline() + " lsn "
                        + n.pg.lsn + ", fork from the primary at " + SimPostgres.divergence(n.pg.history,
                        primary.pg.history) + ")");
            }
        }
        return Optional.empty();
    }
}
