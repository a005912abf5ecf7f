package io.jpatroni.core.sim;

import io.jpatroni.api.dcs.KeyLayout;
import io.jpatroni.api.dcs.Leader;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.sim.SimDcs.LockResult;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * MODEL of the etcd plugin ({@code EtcdDcs}) as one daemon process uses it: one lease per process,
 * refreshed at most once per loop_wait from touchMember, forced by updateLeader and due again after
 * every watch; every request retried until {@code retry_timeout} and then failed; lock writes not
 * started with less than 1 s of that budget. Each request reaches the DCS only while the node can
 * reach it, is applied there after one network leg, and its answer counts only if it comes back
 * over a working link before the per-attempt timeout — so a request may be applied while the
 * caller sees a failure, never the other way round.
 */
final class SimDcsClient {

    private static final long CRITICAL_BUDGET = Scheduler.sec(1);

    private final SimNode node;
    private final Simulation sim;
    private long leaseId;
    private long lastRefresh;
    private boolean refreshDue;
    private String lastMemberJson;
    private long lastMemberLease;
    boolean holdsLock;

    SimDcsClient(SimNode node, Simulation sim) {
        this.node = node;
        this.sim = sim;
    }

    private long retryTimeout() {
        return Scheduler.sec(sim.config().retryTimeout());
    }

    /** One retried request: {@code ok} with the DCS's answer, or {@code fail} at the deadline. */
    private <T> void call(long deadline, Supplier<T> op, Consumer<T> ok, Runnable fail) {
        attempt(0, deadline, op, ok, fail);
    }

    private <T> void attempt(int round, long deadline, Supplier<T> op, Consumer<T> ok, Runnable fail) {
        Scheduler clock = sim.clock();
        long now = clock.now();
        if (now >= deadline) {
            fail.run();
            return;
        }
        long perTry = Math.min(deadline - now, Math.max(Scheduler.sec(1), retryTimeout() / 3));
        long giveUp = now + perTry;
        boolean[] settled = {false};
        Consumer<T> answer = node.guard(result -> {
            if (!settled[0] && clock.now() <= giveUp) {
                settled[0] = true;
                ok.accept(result);
            }
        });
        if (sim.network().dcsReachable(node.name)) {
            clock.after(sim.network().dcsOneWay(node.rng), () -> {
                if (sim.dcsDown()) {
                    return; // lost
                }
                T result = op.get();
                clock.after(sim.network().dcsOneWay(node.rng), () -> {
                    if (sim.network().dcsReachable(node.name)) {
                        answer.accept(result);
                    }
                });
            });
        }
        sim.clock().at(giveUp, node.guard(() -> {
            if (settled[0]) {
                return;
            }
            settled[0] = true;
            long backoff = Math.min(Scheduler.sec(1), Scheduler.sec(0.1) << Math.min(round, 4))
                    + node.rng.nextInt(200_000);
            long next = clock.now() + backoff;
            if (next >= deadline) {
                clock.at(deadline, node.guard(fail));
            } else {
                clock.at(next, node.guard(() -> attempt(round + 1, deadline, op, ok, fail)));
            }
        }));
    }

    long deadline() {
        return sim.clock().now() + retryTimeout();
    }

    // ------------------------------------------------------------------ Dcs operations

    void getCluster(Consumer<ClusterView> ok, Runnable fail) {
        call(deadline(), () -> sim.dcs().read(), cluster -> {
            if (lastMemberJson != null && !sameMember(cluster)) {
                lastMemberJson = null; // vanished or rewritten: write it again
            }
            holdsLock = cluster.leaderName().map(node.name::equals).orElse(false);
            ok.accept(cluster);
        }, fail);
    }

    private boolean sameMember(ClusterView cluster) {
        var raw = cluster.raw().member(node.name);
        return raw.isPresent() && raw.get().value().equals(lastMemberJson)
                && Long.toString(lastMemberLease).equals(raw.get().session());
    }

    /** Every watch() makes the next lease use send a keepalive (each cycle refreshes at least once). */
    void watched() {
        refreshDue = true;
    }

    private void refreshLease(long deadline, boolean force, Consumer<Long> ok, Runnable fail) {
        if (leaseId == 0) {
            grant(deadline, ok, fail);
            return;
        }
        long since = sim.clock().now() - lastRefresh;
        if (!force && !refreshDue && since < Scheduler.sec(sim.config().loopWait())) {
            ok.accept(leaseId);
            return;
        }
        long lease = leaseId;
        call(deadline, () -> sim.dcs().keepAlive(lease), alive -> {
            if (alive) {
                lastRefresh = sim.clock().now();
                refreshDue = false;
                ok.accept(lease);
            } else {
                sim.trace().log(node.name, "DCS: lease " + lease + " has expired; granting a new one");
                leaseId = 0;
                grant(deadline, ok, fail);
            }
        }, fail);
    }

    private void grant(long deadline, Consumer<Long> ok, Runnable fail) {
        long ttl = Scheduler.sec(sim.config().ttl());
        call(deadline, () -> sim.dcs().grant(node.name, ttl), id -> {
            leaseId = id;
            lastRefresh = sim.clock().now();
            refreshDue = false;
            ok.accept(id);
        }, fail);
    }

    void attemptToAcquireLeader(long expectedStatusRevision, Consumer<Boolean> ok, Runnable fail) {
        long deadline = deadline();
        refreshLease(deadline, false, lease -> acquireWith(lease, expectedStatusRevision, 0, deadline, ok, fail),
                fail);
    }

    private void acquireWith(long lease, long expected, int round, long deadline, Consumer<Boolean> ok,
                             Runnable fail) {
        if (deadline - sim.clock().now() < CRITICAL_BUDGET) {
            fail.run();
            return;
        }
        call(deadline, () -> {
            LockResult r = sim.dcs().acquire(node.name, lease, expected);
            if (r == LockResult.WON && node.racingAsFailoverCandidate) {
                sim.operatorFailoverLock(node.name);
            }
            return r;
        }, result -> {
            if (result == LockResult.LEASE_NOT_FOUND) {
                if (leaseId == lease) {
                    leaseId = 0;
                }
                if (round > 0 || deadline - sim.clock().now() < CRITICAL_BUDGET) {
                    fail.run();
                } else {
                    refreshLease(deadline, false, l -> acquireWith(l, expected, round + 1, deadline, ok, fail), fail);
                }
                return;
            }
            holdsLock = result == LockResult.WON;
            ok.accept(holdsLock);
        }, fail);
    }

    void updateLeader(Leader current, Consumer<Boolean> ok, Runnable fail) {
        long deadline = deadline();
        refreshLease(deadline, true, lease -> {
            if (current.name().equals(node.name) && Long.toString(lease).equals(current.session())) {
                holdsLock = true;
                ok.accept(true);
                return;
            }
            if (deadline - sim.clock().now() < CRITICAL_BUDGET) {
                fail.run();
                return;
            }
            call(deadline, () -> sim.dcs().update(node.name, lease), result -> {
                if (result == LockResult.LEASE_NOT_FOUND && leaseId == lease) {
                    leaseId = 0;
                }
                holdsLock = result == LockResult.WON;
                ok.accept(holdsLock);
            }, fail);
        }, fail);
    }

    /** Never throws: false when refused or unreachable. */
    void deleteLeader(Consumer<Boolean> done) {
        call(deadline(), () -> sim.dcs().deleteLeaderIf(node.name), deleted -> {
            if (deleted) {
                holdsLock = false;
            }
            done.accept(deleted);
        }, () -> done.accept(false));
    }

    void takeLeader(Consumer<Boolean> done) {
        long deadline = deadline();
        refreshLease(deadline, false, lease -> call(deadline,
                () -> sim.dcs().put(KeyLayout.LEADER, node.name, lease, node.name), ok -> {
                    holdsLock = ok;
                    done.accept(ok);
                }, () -> done.accept(false)), () -> done.accept(false));
    }

    void touchMember(String json, long deadline, Consumer<Boolean> done) {
        refreshLease(deadline, false, lease -> {
            if (lease == lastMemberLease && json.equals(lastMemberJson)) {
                done.accept(true);
                return;
            }
            call(deadline, () -> sim.dcs().put(KeyLayout.MEMBERS + node.name, json, lease, node.name), ok -> {
                if (ok) {
                    lastMemberJson = json;
                    lastMemberLease = lease;
                }
                done.accept(ok);
            }, () -> {
                lastMemberJson = null;
                done.accept(false);
            });
        }, () -> {
            lastMemberJson = null;
            done.accept(false);
        });
    }

    void initialize(boolean createNew, String value, Consumer<Boolean> done) {
        call(deadline(), () -> createNew ? sim.dcs().putIfAbsent(KeyLayout.INITIALIZE, value, node.name)
                : sim.dcs().put(KeyLayout.INITIALIZE, value, 0, node.name), done, () -> done.accept(false));
    }

    /** {@code setFailoverValue}: unconditional, or compare-and-set on the version read. */
    void setFailoverValue(String value, java.util.OptionalLong version, Consumer<Boolean> done) {
        call(deadline(), () -> version.isPresent()
                        ? sim.dcs().putIfVersion(KeyLayout.FAILOVER, value, version.getAsLong(), node.name)
                        : sim.dcs().put(KeyLayout.FAILOVER, value, 0, node.name), done, () -> done.accept(false));
    }

    /** {@code setSyncStateValue}: the new version, or empty when the CAS was refused or the DCS failed. */
    void setSyncStateValue(String json, java.util.OptionalLong version, Consumer<java.util.OptionalLong> done) {
        call(deadline(), () -> sim.dcs().writeVersioned(KeyLayout.SYNC, json, version, node.name),
                rev -> done.accept(rev < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(rev)),
                () -> done.accept(java.util.OptionalLong.empty()));
    }

    void put(String key, String value, long deadline, Consumer<Boolean> done) {
        call(deadline, () -> sim.dcs().put(key, value, 0, node.name), done, () -> done.accept(false));
    }
}
