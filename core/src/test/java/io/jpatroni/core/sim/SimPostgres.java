package io.jpatroni.core.sim;

import io.jpatroni.core.ha.sync.StandbyConnection;
import io.jpatroni.core.ha.sync.StandbyNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One node's PostgreSQL, reduced to what the HA decisions observe: data directory and system id,
 * postmaster phase, recovery or not, timeline history, WAL position, pg_control state, and
 * streaming from an upstream with lag. Every operation takes simulated time; its effect on
 * PostgreSQL happens at completion even if the daemon that asked died meanwhile, while the
 * daemon's continuation is gated by the daemon (see {@link SimNode#guard}).
 */
final class SimPostgres {

    enum Phase { STOPPED, STARTING, RUNNING, STOPPING }

    /** One timeline: its number, a unique identity (two promotions to "timeline 2" differ) and where it starts. */
    record Tli(long number, long uid, long start) {
    }

    static final String SHUT_DOWN = "shut down";
    static final String SHUT_DOWN_IN_RECOVERY = "shut down in recovery";
    static final String IN_PRODUCTION = "in production";
    static final String IN_ARCHIVE_RECOVERY = "in archive recovery";
    /** Size of the shutdown checkpoint record a fast stop of a primary writes. */
    static final long SHUTDOWN_CHECKPOINT_BYTES = 120;

    final String name;
    private final Simulation sim;
    private final Random rng;

    boolean hasData;
    String sysid;
    List<Tli> history = List.of();
    long lsn;
    boolean inRecovery;
    Optional<String> upstream = Optional.empty();
    Phase phase = Phase.STOPPED;
    String controlState = SHUT_DOWN;
    boolean streaming;
    /** Normal replication delay in seconds, and a spike (0 when none). */
    double lagSeconds;
    double lagSpikeSeconds;
    /** pg_control's latest checkpoint location (CHECKPOINT, shutdown checkpoint). */
    long lastCheckpoint;
    /**
     * synchronous_standby_names as postgresql.conf has it (written by the daemon at every start and
     * before a reload) and as the running server applies it; "" = not set, no synchronous standby.
     */
    String standbyNamesConf = "";
    String standbyNamesActive = "";
    /**
     * Synchronous mode: the highest WAL position whose commit this server has acknowledged to a
     * client as primary, on the timeline {@link #acknowledgedUid}.
     */
    long acknowledged;
    long acknowledgedUid;
    /**
     * The {@code pause} of {@code patroni.dynamic.json} in the data directory (the daemon caches each
     * configuration it applies there and starts from it, DynamicConfigTracker); null = no file.
     */
    Boolean cachedPause;
    private String parsedText;
    private StandbyNames parsed = StandbyNames.NONE;
    private long op; // identity of the current postmaster-changing operation
    private long writeRemainder;

    SimPostgres(String name, Simulation sim, Random rng) {
        this.name = name;
        this.sim = sim;
        this.rng = rng;
        this.lagSeconds = 0.01 + rng.nextDouble() * 0.3;
    }

    // ------------------------------------------------------------------ observation

    boolean running() {
        return phase != Phase.STOPPED;
    }

    boolean acceptsConnections() {
        return phase == Phase.RUNNING;
    }

    /** Client backends may commit: a running server out of recovery. Stopping kills backends at once. */
    boolean acceptsWrites() {
        return phase == Phase.RUNNING && !inRecovery;
    }

    long timeline() {
        return history.isEmpty() ? 0 : history.get(history.size() - 1).number();
    }

    // ------------------------------------------------------------------ WAL flow

    /** Primaries write at the cluster's rate; replicas catch up from their upstream with their lag. */
    void advanceAsPrimary(long dtMicros) {
        if (!acceptsWrites()) {
            return;
        }
        long bytes = dtMicros * sim.writeRate + writeRemainder;
        lsn += bytes / 1_000_000;
        writeRemainder = bytes % 1_000_000;
    }

    void advanceAsReplica() {
        streaming = false;
        if (!acceptsConnections() || !inRecovery || upstream.isEmpty()) {
            return;
        }
        SimPostgres up = sim.postgres(upstream.get());
        if (up == null || !up.acceptsConnections() || !sim.network().linked(name, up.name)
                || !up.hasData || !up.sysid.equals(sysid)) {
            return;
        }
        long fork = divergence(history, up.history);
        if (lsn > fork) {
            return; // "requested starting point is ahead of the WAL flush position" / timeline fork
        }
        streaming = true;
        double lag = lagSpikeSeconds > 0 ? lagSpikeSeconds : lagSeconds;
        long target = Math.min(up.lsn, up.lsn - (long) (lag * sim.writeRate));
        if (target > lsn) {
            lsn = target;
        }
        history = up.history;
    }

    /** First LSN where the two histories stop agreeing; MAX_VALUE when one contains the other up to its end. */
    static long divergence(List<Tli> a, List<Tli> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            if (a.get(i).uid() != b.get(i).uid()) {
                return Math.min(a.get(i).start(), b.get(i).start());
            }
        }
        if (a.size() == b.size()) {
            return Long.MAX_VALUE;
        }
        return (a.size() > b.size() ? a : b).get(n).start();
    }

    // ------------------------------------------------------------------ operations

    private double between(double lo, double hi) {
        return lo + rng.nextDouble() * (hi - lo);
    }

    private void later(double lo, double hi, Runnable r) {
        sim.clock().after(Scheduler.sec(between(lo, hi)), r);
    }

    void initdb(Runnable done) {
        later(1.0, 3.0, () -> {
            hasData = true;
            sysid = sim.newSysid();
            history = List.of(new Tli(1, sim.newTimelineUid(), 0));
            lsn = 16 << 20;
            inRecovery = false;
            controlState = SHUT_DOWN;
            sim.trace().log(name, "PG: initdb done (system id " + sysid + ")");
            done.run();
        });
    }

    /**
     * Launches the postmaster; {@code done} gets true once it accepts connections, false at the timeout
     * (it is then left starting). A data directory of a standby started without standby mode ends
     * recovery and switches to a new timeline, as PostgreSQL does.
     */
    void start(Optional<String> follow, boolean standby, long timeout, Consumer<Boolean> done) {
        if (running()) {
            throw new IllegalStateException("postgres is already running");
        }
        long me = ++op;
        phase = Phase.STARTING;
        upstream = standby ? follow : Optional.empty(); // written to the configuration before the launch
        standbyNamesActive = standbyNamesConf;
        boolean unclean = IN_PRODUCTION.equals(controlState) || IN_ARCHIVE_RECOVERY.equals(controlState);
        double recovery = unclean ? between(0.5, 4.0) : 0;
        long ready = Scheduler.sec(between(0.3, 2.5) + recovery);
        boolean wasStandbyData = inRecovery;
        sim.trace().log(name, "PG: starting" + (standby ? " as a standby" + follow.map(f -> " of " + f).orElse("")
                : " as a primary"));
        sim.clock().after(ready, () -> {
            if (op != me) {
                return;
            }
            phase = Phase.RUNNING;
            inRecovery = standby;
            if (!standby && wasStandbyData) {
                newTimeline("end of recovery without standby.signal");
            }
            controlState = standby ? IN_ARCHIVE_RECOVERY : IN_PRODUCTION;
            sim.trace().log(name, "PG: accepting connections" + (standby ? " (in recovery)" : " as primary")
                    + " timeline " + timeline());
        });
        if (ready <= timeout) {
            sim.clock().after(ready, () -> done.accept(op == me && phase == Phase.RUNNING));
        } else {
            sim.clock().after(timeout, () -> done.accept(false));
        }
    }

    /** Fast: clean shutdown checkpoint. Immediate: backends and postmaster gone, crash recovery needed. */
    void stop(boolean immediate, Runnable done) {
        if (!running()) {
            done.run();
            return;
        }
        long me = ++op;
        phase = Phase.STOPPING;
        sim.trace().log(name, "PG: stopping (" + (immediate ? "immediate" : "fast") + "), writes refused");
        later(immediate ? 0.05 : 0.2, immediate ? 0.4 : 2.0, () -> {
            if (op == me) {
                if (!immediate && !inRecovery) {
                    shutdownCheckpoint();
                }
                phase = Phase.STOPPED;
                streaming = false;
                controlState = immediate ? (inRecovery ? IN_ARCHIVE_RECOVERY : IN_PRODUCTION)
                        : (inRecovery ? SHUT_DOWN_IN_RECOVERY : SHUT_DOWN);
                sim.trace().log(name, "PG: stopped");
            }
            done.run();
        });
    }

    /**
     * A fast stop of a primary writes the shutdown checkpoint, and the walsenders send everything up
     * to it to the standbys connected at that moment before the postmaster exits.
     */
    private void shutdownCheckpoint() {
        lsn += SHUTDOWN_CHECKPOINT_BYTES;
        lastCheckpoint = lsn;
        for (String other : sim.nodeNames()) {
            SimPostgres r = sim.postgres(other);
            if (r == this || !r.acceptsConnections() || !r.inRecovery || !r.upstream.map(name::equals).orElse(false)
                    || !sim.network().linked(name, other) || !r.hasData || !sysid.equals(r.sysid)
                    || r.lsn > divergence(r.history, history)) {
                continue;
            }
            r.lsn = Math.max(r.lsn, lsn);
            r.history = history;
            sim.trace().log(other, "PG: received the shutdown checkpoint of " + name + " (" + lsn + ")");
        }
    }

    void crash() {
        if (!running()) {
            return;
        }
        ++op;
        phase = Phase.STOPPED;
        streaming = false;
        controlState = inRecovery ? IN_ARCHIVE_RECOVERY : IN_PRODUCTION;
        sim.trace().log(name, "PG: crashed");
    }

    /** pg_ctl promote: out of recovery on a new timeline after a moment; done(true) if within {@code wait}. */
    void promote(long wait, Consumer<Boolean> done) {
        if (!acceptsConnections() || !inRecovery) {
            sim.clock().after(1000, () -> done.accept(acceptsWrites()));
            return;
        }
        long me = op;
        long took = Scheduler.sec(between(0.2, 1.5));
        sim.clock().after(took, () -> {
            if (op == me && acceptsConnections() && inRecovery) {
                inRecovery = false;
                upstream = Optional.empty();
                controlState = IN_PRODUCTION;
                newTimeline("promoted");
            }
        });
        sim.clock().after(Math.min(took, wait), () -> done.accept(op == me && acceptsWrites()));
    }

    private void newTimeline(String why) {
        sim.onNewTimeline(name, history, lsn);
        List<Tli> h = new ArrayList<>(history);
        h.add(new Tli(timeline() + 1, sim.newTimelineUid(), lsn));
        history = List.copyOf(h);
        sim.trace().log(name, "PG: " + why + " (timeline " + timeline() + " at " + lsn + ")");
        sim.onPromoted(name);
    }

    /**
     * primary_conninfo rewritten and reloaded: the walreceiver reconnects to the new upstream (a
     * postmaster still starting reads the new setting too).
     */
    void follow(String newUpstream, Runnable done) {
        later(0.02, 0.1, () -> {
            if (running()) {
                upstream = Optional.of(newUpstream);
            }
            done.run();
        });
    }

    void crashRecovery(Runnable done) {
        later(0.5, 4.0, () -> {
            if (!running() && IN_PRODUCTION.equals(controlState)) {
                controlState = SHUT_DOWN;
            } else if (!running() && IN_ARCHIVE_RECOVERY.equals(controlState)) {
                controlState = SHUT_DOWN_IN_RECOVERY;
            }
            done.run();
        });
    }

    /** §13.2 from outside: empty = cannot tell (unclean data, leader unreachable or in recovery). */
    Optional<Boolean> rewindNeeded(String leader) {
        SimPostgres up = sim.postgres(leader);
        if (IN_PRODUCTION.equals(controlState) || !sim.network().linked(name, leader) || up == null
                || !up.acceptsConnections() || up.inRecovery) {
            return Optional.empty();
        }
        return Optional.of(lsn > divergence(history, up.history));
    }

    /** pg_rewind: afterwards our history is the leader's, and we restart at the fork point. */
    void rewind(String leader, Consumer<Boolean> done) {
        later(1.0, 6.0, () -> {
            SimPostgres up = sim.postgres(leader);
            boolean ok = !running() && up != null && up.acceptsWrites() && sim.network().linked(name, leader)
                    && rng.nextDouble() > 0.05;
            if (ok) {
                lsn = Math.min(lsn, divergence(history, up.history));
                history = up.history;
                inRecovery = true;
                controlState = SHUT_DOWN_IN_RECOVERY;
            }
            sim.trace().log(name, "PG: pg_rewind from " + leader + (ok ? " succeeded" : " failed"));
            done.accept(ok);
        });
    }

    /** pg_basebackup: a copy of the source as it is when the backup finishes. */
    void basebackup(String source, Consumer<Boolean> done) {
        later(2.0, 10.0, () -> {
            SimPostgres from = sim.postgres(source);
            boolean ok = !running() && from != null && from.acceptsConnections() && from.hasData
                    && sim.network().linked(name, source);
            if (ok) {
                hasData = true;
                sysid = from.sysid;
                history = from.history;
                lsn = from.lsn;
                inRecovery = true;
                controlState = SHUT_DOWN_IN_RECOVERY;
            }
            sim.trace().log(name, "PG: pg_basebackup from " + source + (ok ? " done" : " failed"));
            done.accept(ok);
        });
    }

    void removeDataDirectory() {
        hasData = false;
        cachedPause = null;
        sysid = null;
        history = List.of();
        lsn = 0;
    }

    // ------------------------------------------------------------------ synchronous replication

    /**
     * pg_ctl reload: returns once the postmaster was signalled; the server applies postgresql.conf a
     * moment later (so a value read right after the reload may still be the old one).
     */
    void reload(Runnable done) {
        long me = op;
        later(0.001, 0.2, () -> {
            if (op == me && running()) {
                standbyNamesActive = standbyNamesConf;
            }
        });
        later(0.005, 0.05, done);
    }

    /** The real parser on the value in force, parsed once per value (it is read after every event). */
    private StandbyNames activeStandbyNames() {
        if (!standbyNamesActive.equals(parsedText)) {
            parsed = StandbyNames.parse(standbyNamesActive);
            parsedText = standbyNamesActive;
        }
        return parsed;
    }

    /** The standbys streaming from this primary right now, by name (their WAL position is their flush). */
    List<SimPostgres> streamingStandbys() {
        List<SimPostgres> out = new ArrayList<>();
        for (String other : sim.nodeNames()) {
            SimPostgres r = sim.postgres(other);
            if (r != this && r.acceptsConnections() && r.inRecovery && r.streaming
                    && r.upstream.map(name::equals).orElse(false) && sim.network().linked(name, other)) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * The walsenders PostgreSQL treats as synchronous: the first {@code num} streaming standbys in
     * the order synchronous_standby_names lists them ({@code FIRST n (...)}; the list is rendered in
     * name order); with '*' the first streaming standby.
     */
    List<String> synchronousStandbys(List<SimPostgres> streaming) {
        StandbyNames names = activeStandbyNames();
        if (names.isEmpty()) {
            return List.of();
        }
        return streaming.stream().map(r -> r.name).filter(n -> names.isAny() || names.names().contains(n))
                .sorted().limit(names.num()).toList();
    }

    /** pg_stat_replication of this primary as the daemon reads it (flush LSN, synchronous_commit on). */
    List<StandbyConnection> replicationRows() {
        List<SimPostgres> streaming = streamingStandbys();
        List<String> sync = synchronousStandbys(streaming);
        StandbyNames names = activeStandbyNames();
        return streaming.stream().map(r -> new StandbyConnection(r.name, "streaming",
                sync.contains(r.name) ? "sync" : names.isAny() || names.names().contains(r.name) ? "potential"
                        : "async", r.lsn)).toList();
    }

    /**
     * How far commits are acknowledged now: everything written when synchronous_standby_names is
     * empty; else what the synchronous standbys have all flushed, nothing new while fewer than
     * {@code num} of them stream (commits wait). -1 when no commit can be acknowledged now.
     */
    long acknowledgeable() {
        StandbyNames names = activeStandbyNames();
        if (names.isEmpty()) {
            return lsn;
        }
        List<SimPostgres> streaming = streamingStandbys();
        if (streaming.isEmpty()) {
            return -1;
        }
        List<String> sync = synchronousStandbys(streaming);
        if (sync.size() < names.num()) {
            return -1;
        }
        return Math.min(lsn, streaming.stream().filter(r -> sync.contains(r.name)).mapToLong(r -> r.lsn).min()
                .orElse(-1));
    }

    /** A short synchronous query or command (CHECKPOINT, reload, slot maintenance). */
    void shortCommand(Runnable done) {
        later(0.005, 0.05, done);
    }
}
