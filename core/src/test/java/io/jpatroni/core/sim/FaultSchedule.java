package io.jpatroni.core.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A seeded random fault schedule: faults start at random moments of the fault window (mean gap
 * {@code meanFaultGapSeconds}) and each heals after its own duration. A fault is skipped when the
 * same kind already affects the same target. {@link #healedAt()} is when the last one healed.
 *
 * <p>With {@link SimConfig#switchovers()} two more kinds are operators' requests in flight during
 * the faults (issue #3): a switchover ({@code {"leader": L, "member": C}} written as the REST API
 * writes it, without CAS; sometimes without a candidate, naming a nofailover or an unreachable
 * candidate, a stale leader, or {@code scheduled_at} a little in the future), and a manual failover
 * ({@code {"member": C}}) after the leader's machine went down.
 *
 * <p>With {@link SimConfig#operatorFaults()} two more: maintenance mode (an operator sets {@code
 * pause: true} in the {@code config} key as PATCH /config does, a compare-and-set on the key's
 * version, and later sets it back to false, retrying while the DCS is down) and SIGTERM of a daemon
 * (HaLoop.shutdown, see {@link SimNode#sigterm()}), restarted by systemd after the fault's duration.
 * The kinds are drawn from a list whose first entries are the older kinds, so seeds of the older
 * sweeps keep their schedules.
 */
final class FaultSchedule {

    enum Kind { DAEMON_CRASH, PG_CRASH, DCS_PARTITION, NODE_PARTITION, DCS_DOWN, DCS_SLOW, FREEZE, MESSAGE_DELAY,
        LAG_SPIKE, SWITCHOVER, MANUAL_FAILOVER, PAUSE, SIGTERM }

    private static final java.time.format.DateTimeFormatter SCHEDULED =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx");

    private final Simulation sim;
    private final Random rng;
    private final Set<String> active = new HashSet<>();
    private long healedAt;
    private long requests;

    FaultSchedule(Simulation sim, Random rng) {
        this.sim = sim;
        this.rng = rng;
    }

    long healedAt() {
        return healedAt;
    }

    /** Plans every fault on the clock; returns the instant by which all of them have healed. */
    long plan() {
        SimConfig c = sim.config();
        double t = c.warmupSeconds();
        double end = c.warmupSeconds() + c.faultWindowSeconds();
        healedAt = Scheduler.sec(end);
        while (true) {
            t += -Math.log(1 - rng.nextDouble()) * c.meanFaultGapSeconds();
            if (t >= end) {
                break;
            }
            List<Kind> kinds = new ArrayList<>(List.of(Kind.values()).subList(0, Kind.SWITCHOVER.ordinal()));
            if (c.switchovers()) {
                kinds.addAll(List.of(Kind.SWITCHOVER, Kind.MANUAL_FAILOVER));
            }
            if (c.operatorFaults()) {
                kinds.addAll(List.of(Kind.PAUSE, Kind.SIGTERM));
            }
            Kind kind = kinds.get(rng.nextInt(kinds.size()));
            List<String> names = sim.nodeNames();
            String a = names.get(rng.nextInt(names.size()));
            String b = names.get((names.indexOf(a) + 1 + rng.nextInt(names.size() - 1)) % names.size());
            double duration = switch (kind) {
                case DAEMON_CRASH, SIGTERM -> between(1, 40);
                case PAUSE -> between(5, 90);
                case PG_CRASH -> 0;
                case FREEZE -> rng.nextInt(3) == 0 ? between(20, 45) : between(0.5, 15);
                case DCS_DOWN -> between(3, 40);
                default -> between(3, 60);
            };
            double param = switch (kind) {
                case DCS_SLOW -> between(0.1, 0.45) * c.retryTimeout();
                case MESSAGE_DELAY -> between(0.1, 3);
                case LAG_SPIKE -> between(5, 60);
                default -> 0;
            };
            long start = Scheduler.sec(t);
            if (kind == Kind.SWITCHOVER || kind == Kind.MANUAL_FAILOVER) {
                Random request = new Random(rng.nextLong());
                long stop = start + Scheduler.sec(kind == Kind.SWITCHOVER ? between(5, 40) : between(1, 40));
                // A scheduled switchover may come due up to 3 loop_waits later; it is stale 1.5 loop_waits after.
                healedAt = Math.max(healedAt, Math.max(stop, start + Scheduler.sec(4.5 * c.loopWait())));
                sim.clock().at(start, kind == Kind.SWITCHOVER ? () -> switchover(request, stop)
                        : () -> manualFailover(request, stop));
                continue;
            }
            long stop = start + Scheduler.sec(duration);
            healedAt = Math.max(healedAt, stop);
            if (kind == Kind.SIGTERM) {
                // the shutdown may outlast the fault (sync release, fast stop, DCS retries): restarted when done
                healedAt = Math.max(healedAt, stop + Scheduler.sec(2L * c.loopWait() + 2L * c.retryTimeout() + 5));
            }
            sim.clock().at(start, () -> begin(kind, a, b, param, stop));
        }
        return healedAt;
    }

    // ------------------------------------------------------------------ operators' requests

    /**
     * {@code POST /switchover} to the leader: the request is written without CAS and the receiving
     * node's loop woken. Variants: a healthy candidate, none, a nofailover one, one that is cut off
     * (from the DCS and the leader) until {@code stop}, a stale leader name, scheduled in the future.
     */
    private void switchover(Random r, long stop) {
        List<String> names = sim.nodeNames();
        String holder = sim.dcs().leaderNow();
        String leader = holder != null ? holder : names.get(r.nextInt(names.size())); // checked, then the leader died
        List<String> others = names.stream().filter(n -> !n.equals(leader)).toList();
        String candidate = others.get(r.nextInt(others.size()));
        Map<String, Object> request = new LinkedHashMap<>();
        int variant = r.nextInt(10);
        String what;
        switch (variant) {
            case 4, 5 -> what = "no candidate";
            case 6 -> {
                candidate = others.stream().filter(n -> sim.node(n).nofailover).findFirst().orElse(candidate);
                what = sim.node(candidate).nofailover ? "nofailover candidate" : "candidate";
            }
            case 7 -> {
                what = "unreachable candidate";
                cutOff(candidate, leader, stop);
            }
            case 8 -> {
                double in = 1 + r.nextDouble() * 3 * sim.config().loopWait();
                request.put("scheduled_at", Simulation.EPOCH.plusNanos((sim.clock().now() + Scheduler.sec(in)) * 1000)
                        .atOffset(java.time.ZoneOffset.UTC).format(SCHEDULED));
                what = String.format("scheduled in %.1f s", in);
            }
            case 9 -> {
                what = "stale leader name";
                request.put("leader", candidate);
                candidate = others.stream().filter(n -> !n.equals(request.get("leader"))).findFirst()
                        .orElse(leader);
            }
            default -> what = "candidate";
        }
        request.putIfAbsent("leader", leader);
        if (variant != 4 && variant != 5 && !(variant == 8 && r.nextBoolean())) {
            request.put("member", candidate);
        }
        Map<String, Object> ordered = new LinkedHashMap<>();
        ordered.put("leader", request.get("leader"));
        if (request.containsKey("member")) {
            ordered.put("member", request.get("member"));
        }
        if (request.containsKey("scheduled_at")) {
            ordered.put("scheduled_at", request.get("scheduled_at"));
        }
        if ((!ordered.containsKey("member") || ordered.containsKey("scheduled_at")) && pausedNow()) {
            sim.trace().log("REQUEST:", "switchover (" + what + ") " + io.jpatroni.core.cluster.Json.write(ordered)
                    + " refused by the REST API: paused (400)");
            return;
        }
        if (sim.config().syncMode().enabled() && refusedInSynchronousMode(ordered)) {
            sim.trace().log("REQUEST:", "switchover (" + what + ") " + io.jpatroni.core.cluster.Json.write(ordered)
                    + " refused by the REST API in synchronous mode (412)");
            return;
        }
        writeRequest("switchover (" + what + ")", ordered, leader);
    }

    /**
     * The REST API's synchronous-mode check of a switchover (rest-api.md §7.5, {@code
     * SwitchoverResource.infeasible}): the candidate must be a synchronous standby in the {@code sync}
     * key; without a candidate the key must name one.
     */
    private boolean refusedInSynchronousMode(Map<String, Object> request) {
        var sync = sim.dcs().read().sync();
        Object candidate = request.get("member");
        return candidate != null ? !sync.matches(candidate.toString(), false) : sync.standbys().isEmpty();
    }

    /** The leader's machine goes down (daemon and PostgreSQL) until {@code stop}; an operator fails over to a member. */
    private void manualFailover(Random r, long stop) {
        List<String> names = sim.nodeNames();
        String holder = sim.dcs().leaderNow();
        if (holder != null) {
            SimNode old = sim.node(holder);
            sim.trace().log("FAULT:", "machine of the leader " + holder + " down");
            old.pg.crash();
            old.killDaemon("killed");
            sim.clock().at(stop, () -> {
                sim.trace().log("HEAL:", "machine of " + holder + " back");
                if (!old.alive) {
                    old.startDaemon();
                }
            });
        }
        List<String> others = names.stream().filter(n -> !n.equals(holder)).toList();
        String candidate = others.get(r.nextInt(others.size()));
        long after = Scheduler.sec(r.nextDouble() * sim.config().ttl());
        sim.clock().after(after, () -> writeRequest("manual failover", Map.of("member", candidate),
                sim.dcs().leaderNow()));
    }

    /** {@code candidate} loses the DCS and the leader until {@code stop}. */
    private void cutOff(String candidate, String leader, long stop) {
        Network net = sim.network();
        String pair = Network.pair(candidate, leader);
        boolean dcsCut = net.cutFromDcs.add(candidate);
        boolean pairCut = net.cutPairs.add(pair);
        sim.trace().log("FAULT:", "partition " + candidate + "<->DCS and " + pair);
        sim.clock().at(stop, () -> {
            if (dcsCut) {
                net.cutFromDcs.remove(candidate);
            }
            if (pairCut) {
                net.cutPairs.remove(pair);
            }
            sim.trace().log("HEAL:", "partition " + candidate + "<->DCS and " + pair);
        });
    }

    private boolean pausedNow() {
        return Simulation.pauseIn(sim.dcs().read());
    }

    // ------------------------------------------------------------------ maintenance mode

    /**
     * PATCH /config {"pause": value} as the REST API writes it: read the {@code config} key, merge,
     * compare-and-set on the version read. Refused (503) while the DCS is down; a resume is retried
     * every 2 s until it is written, and the cluster's convergence is measured from then.
     */
    private boolean patchPause(boolean pause) {
        String what = pause ? "PATCH /config {\"pause\": true}" : "PATCH /config {\"pause\": false}";
        if (sim.dcsDown()) {
            sim.trace().log("REQUEST:", what + " refused: DCS unavailable (503)");
            return false;
        }
        var raw = sim.dcs().read().raw().config();
        if (raw.isEmpty()) {
            sim.trace().log("REQUEST:", what + " refused: no configuration yet");
            return false;
        }
        Map<String, Object> merged = new LinkedHashMap<>(sim.dcs().read().config());
        if (pause) {
            merged.put("pause", true);
        } else {
            merged.remove("pause"); // patronictl resume writes null, which PATCH removes
        }
        boolean written = sim.dcs().putIfVersion(io.jpatroni.api.dcs.KeyLayout.CONFIG,
                io.jpatroni.core.cluster.Json.write(merged), raw.get().version(), "operator");
        sim.trace().log("REQUEST:", what + (written ? "" : " refused: config changed meanwhile (409)"));
        return written;
    }

    private void resume() {
        if (patchPause(false)) {
            sim.resumed();
        } else {
            sim.clock().after(Scheduler.sec(2), this::resume);
        }
    }

    private void writeRequest(String what, Map<String, Object> request, String receiver) {
        requests++;
        String json = io.jpatroni.core.cluster.Json.write(request);
        if (sim.dcsDown()) {
            sim.trace().log("REQUEST:", what + " " + json + " refused: DCS unavailable (503)");
            return;
        }
        sim.dcs().put(io.jpatroni.api.dcs.KeyLayout.FAILOVER, json, 0, "operator");
        sim.trace().log("REQUEST:", what + " " + json);
        SimNode node = receiver == null ? null : sim.node(receiver);
        if (node != null && node.alive) {
            sim.clock().after(0, node.guard(node::wake));
        }
    }

    private double between(double lo, double hi) {
        return lo + rng.nextDouble() * (hi - lo);
    }

    private void begin(Kind kind, String a, String b, double param, long stop) {
        String target = switch (kind) {
            case DCS_DOWN, DCS_SLOW -> "dcs";
            case PAUSE -> "cluster";
            case NODE_PARTITION -> Network.pair(a, b);
            default -> a;
        };
        String key = kind + ":" + target;
        if (!active.add(key)) {
            return;
        }
        Network net = sim.network();
        SimNode node = sim.node(a);
        Runnable heal;
        String what;
        switch (kind) {
            case DAEMON_CRASH -> {
                if (!node.alive) {
                    active.remove(key);
                    return;
                }
                what = "daemon on " + a + " killed";
                node.killDaemon("killed");
                heal = () -> {
                    if (!node.alive) {
                        node.startDaemon();
                    }
                };
            }
            case PAUSE -> {
                if (!patchPause(true)) {
                    active.remove(key);
                    return;
                }
                what = "maintenance mode (pause)";
                heal = this::resume;
            }
            case SIGTERM -> {
                if (!node.alive || node.frozen || node.shuttingDown()) {
                    active.remove(key);
                    return;
                }
                what = "SIGTERM to the daemon on " + a;
                node.sigterm();
                heal = new Runnable() {
                    @Override
                    public void run() {
                        if (!node.alive) {
                            node.startDaemon();
                        } else if (node.shuttingDown()) {
                            sim.clock().after(Scheduler.sec(1), this);
                        }
                    }
                };
            }
            case PG_CRASH -> {
                what = "PostgreSQL on " + a + " crashes";
                node.pg.crash();
                heal = () -> { };
            }
            case DCS_PARTITION -> {
                what = "partition " + a + "<->DCS";
                net.cutFromDcs.add(a);
                heal = () -> net.cutFromDcs.remove(a);
            }
            case NODE_PARTITION -> {
                what = "partition " + target;
                net.cutPairs.add(target);
                heal = () -> net.cutPairs.remove(target);
            }
            case DCS_DOWN -> {
                what = "DCS unavailable";
                net.dcsDown = true;
                sim.dcs().setDown(true);
                heal = () -> {
                    net.dcsDown = false;
                    sim.dcs().setDown(false);
                };
            }
            case DCS_SLOW -> {
                what = String.format("DCS slow (+%.1f s per request leg)", param);
                net.dcsSlowOneWay = Scheduler.sec(param);
                heal = () -> net.dcsSlowOneWay = 0;
            }
            case FREEZE -> {
                if (!node.alive || node.frozen) {
                    active.remove(key);
                    return;
                }
                what = String.format("%s paused (GC/VM freeze) for %.1f s", a, (stop - sim.clock().now()) / 1e6);
                node.freeze();
                heal = () -> {
                    if (node.alive && node.frozen) {
                        node.unfreeze();
                    }
                };
            }
            case MESSAGE_DELAY -> {
                what = String.format("REST messages of %s delayed by %.1f s", a, param);
                net.restDelay.put(a, Scheduler.sec(param));
                heal = () -> net.restDelay.remove(a);
            }
            case LAG_SPIKE -> {
                what = String.format("replication lag spike on %s (%.0f s)", a, param);
                node.pg.lagSpikeSeconds = param;
                heal = () -> node.pg.lagSpikeSeconds = 0;
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        sim.trace().log("FAULT:", what);
        sim.clock().at(stop, () -> {
            active.remove(key);
            heal.run();
            if (kind != Kind.PG_CRASH) {
                sim.trace().log("HEAL:", what);
            }
        });
    }
}
