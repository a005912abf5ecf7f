package io.jpatroni.core.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A seeded random fault schedule: faults start at random moments of the fault window (mean gap
 * {@code meanFaultGapSeconds}) and each heals after its own duration. A fault is skipped when the
 * same kind already affects the same target. {@link #healedAt()} is when the last one healed.
 */
final class FaultSchedule {

    enum Kind { DAEMON_CRASH, PG_CRASH, DCS_PARTITION, NODE_PARTITION, DCS_DOWN, DCS_SLOW, FREEZE, MESSAGE_DELAY,
        LAG_SPIKE }

    private final Simulation sim;
    private final Random rng;
    private final Set<String> active = new HashSet<>();
    private long healedAt;

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
            Kind kind = Kind.values()[rng.nextInt(Kind.values().length)];
            List<String> names = sim.nodeNames();
            String a = names.get(rng.nextInt(names.size()));
            String b = names.get((names.indexOf(a) + 1 + rng.nextInt(names.size() - 1)) % names.size());
            double duration = switch (kind) {
                case DAEMON_CRASH -> between(1, 40);
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
            long stop = start + Scheduler.sec(duration);
            healedAt = Math.max(healedAt, stop);
            sim.clock().at(start, () -> begin(kind, a, b, param, stop));
        }
        return healedAt;
    }

    private double between(double lo, double hi) {
        return lo + rng.nextDouble() * (hi - lo);
    }

    private void begin(Kind kind, String a, String b, double param, long stop) {
        String target = switch (kind) {
            case DCS_DOWN, DCS_SLOW -> "dcs";
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
